"""Helpers the Python benchmarks share: a free port, a citadel server started on a fresh data
directory, its CPU time, and requests signed as botocore signs them (built before a clock starts,
so that the client's cost stays out of the server's figure)."""
import json
import os
import socket
import subprocess
import time
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_until(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start_citadel(data_dir, *args):
    """Returns (process, port, root credentials)."""
    port = free_port()
    proc = subprocess.Popen([os.path.join(ROOT, "build", "citadel"), "serve", "--data", data_dir, "--listen",
                             f"127.0.0.1:{port}", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    root = json.loads(proc.stdout.readline())
    wait_until(f"http://127.0.0.1:{port}/_citadel/health")
    return proc, port, Credentials(root["AccessKeyId"], root["SecretAccessKey"])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signed_json(creds, port, signing_name, content_type, target, body):
    """The headers of a signed JSON-protocol POST / with `body` (bytes)."""
    req = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body,
                     headers={"Content-Type": content_type, "X-Amz-Target": target})
    SigV4Auth(creds, signing_name, "us-east-1").add_auth(req)
    return dict(req.headers.items())
