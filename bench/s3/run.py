#!/usr/bin/env python3
"""S3 PUT and GET throughput on loopback against the raw disk writing and reading the same bytes
on the same machine, and the server's peak RSS while a large object moves through it.

  python3 bench/s3/run.py [--small-count N] [--large-mib M] [--huge-mib H]   (build first)

Each object size is moved the way the aws CLI moves it: 1 MiB with one PutObject/GetObject, large
objects as 8 MiB multipart parts and 8 MiB ranged GETs (s3transfer, 4 threads). The huge object then
moves twice: that way, and in one PutObject and one whole GetObject, whose bodies the server streams
to and from the object's file (the peak RSS must not grow with the object). The raw disk
baseline writes each object to a file with fsync (as the server makes each blob durable) and reads
it back; both sides read through the page cache. Prints one JSON line per measurement."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
MIB = 1 << 20


def start_server(work):
    port = __import__("socket").socket()
    port.bind(("127.0.0.1", 0))
    p = port.getsockname()[1]
    port.close()
    proc = subprocess.Popen([os.path.join(ROOT, "build", "citadel"), "serve", "--data", os.path.join(work, "data"),
                             "--listen", f"127.0.0.1:{p}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    creds = json.loads(proc.stdout.readline())
    return proc, p, creds


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid):
    """Starts VmHWM over from the current RSS, so that each measurement has its own peak."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def raw_disk(work, size, count):
    data = os.urandom(size)
    d = os.path.join(work, "raw")
    os.makedirs(d, exist_ok=True)
    t0 = time.perf_counter()
    for i in range(count):
        with open(os.path.join(d, f"o{i}"), "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(count):
        with open(os.path.join(d, f"o{i}"), "rb") as f:
            while f.read(MIB):
                pass
    read_s = time.perf_counter() - t0
    shutil.rmtree(d)
    return size * count / MIB / write_s, size * count / MIB / read_s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small-count", type=int, default=64)
    ap.add_argument("--large-mib", type=int, default=64)
    ap.add_argument("--large-count", type=int, default=3)
    ap.add_argument("--huge-mib", type=int, default=1024)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="citadel-s3-bench-")
    proc, port, creds = start_server(work)
    try:
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                          config=Config(max_pool_connections=8, retries={"max_attempts": 1}))
        s3.create_bucket(Bucket="bench")
        transfer = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=4)
        results = []
        for size, count in ((MIB, args.small_count), (args.large_mib * MIB, args.large_count)):
            path = os.path.join(work, "object")
            with open(path, "wb") as f:
                f.write(os.urandom(size))
            t0 = time.perf_counter()
            for i in range(count):
                s3.upload_file(path, "bench", f"o{size}-{i}", Config=transfer)
            put = size * count / MIB / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            for i in range(count):
                s3.download_file("bench", f"o{size}-{i}", os.path.join(work, "back"), Config=transfer)
            get = size * count / MIB / (time.perf_counter() - t0)
            raw_w, raw_r = raw_disk(work, size, count)
            results.append({"object_mib": size / MIB, "count": count, "put_mib_s": round(put, 1), "raw_write_mib_s": round(raw_w, 1),
                            "put_ratio": round(put / raw_w, 2), "get_mib_s": round(get, 1), "raw_read_mib_s": round(raw_r, 1),
                            "get_ratio": round(get / raw_r, 2)})
        for r in results:
            print(json.dumps(r))
        # Peak RSS while a large object goes up and comes back down.
        reset_peak_rss(proc.pid)
        before = peak_rss_mib(proc.pid)
        path = os.path.join(work, "huge")
        with open(path, "wb") as f:
            for _ in range(args.huge_mib):
                f.write(os.urandom(MIB))
        s3.upload_file(path, "bench", "huge", Config=transfer)
        s3.download_file("bench", "huge", os.path.join(work, "huge-back"), Config=transfer)
        print(json.dumps({"huge_object_mib": args.huge_mib, "server_peak_rss_mib_before": round(before, 1),
                          "server_peak_rss_mib_after": round(peak_rss_mib(proc.pid), 1)}))
        # The same bytes in one request each way: streamed through the server, never held whole.
        reset_peak_rss(proc.pid)
        before = peak_rss_mib(proc.pid)
        t0 = time.perf_counter()
        with open(path, "rb") as f:
            s3.put_object(Bucket="bench", Key="huge-single", Body=f)
        put = args.huge_mib / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        body = s3.get_object(Bucket="bench", Key="huge-single")["Body"]
        with open(os.path.join(work, "huge-back"), "wb") as f:
            for chunk in body.iter_chunks(MIB):
                f.write(chunk)
        get = args.huge_mib / (time.perf_counter() - t0)
        print(json.dumps({"huge_single_request_mib": args.huge_mib, "put_mib_s": round(put, 1), "get_mib_s": round(get, 1),
                          "server_peak_rss_mib_before": round(before, 1),
                          "server_peak_rss_mib_after": round(peak_rss_mib(proc.pid), 1)}))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
