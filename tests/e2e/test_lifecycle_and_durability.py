"""Stopping and crashing: SIGTERM stops cleanly, an acknowledged write survives kill -9, and TLS
serves real clients."""
import os
import signal
import subprocess
import unittest

import botocore.exceptions

from citadel_harness import Server


class Lifecycle(unittest.TestCase):
    def test_acknowledged_write_survives_kill_9(self):
        s = Server().start()
        try:
            s.read_root_credentials()
            iam = s.client("iam")
            for i in range(20):
                iam.create_user(UserName=f"durable{i}")
            # Reads are recorded in the audit journal and indexed later: they must survive too.
            sts = s.client("sts")
            for _ in range(30):
                sts.get_caller_identity()
            s.stop(sig=signal.SIGKILL)
            again = Server(data_dir=s.data_dir).start()
            again.root = s.root
            try:
                names = {u["UserName"] for u in again.client("iam").list_users()["Users"]}
                self.assertTrue({f"durable{i}" for i in range(20)} <= names)
                events = again.client("cloudtrail").lookup_events(
                    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
                self.assertEqual(len(events), 20)
                reads = again.client("cloudtrail").lookup_events(
                    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}])["Events"]
                self.assertEqual(len(reads), 30)
            finally:
                again.stop()
        finally:
            s.cleanup()

    def test_sigterm_stops_cleanly_and_data_remains(self):
        s = Server().start()
        try:
            s.read_root_credentials()
            s.client("iam").create_user(UserName="kept")
            self.assertEqual(s.stop(sig=signal.SIGTERM), 0)
            again = Server(data_dir=s.data_dir).start()
            again.root = s.root
            try:
                self.assertEqual(again.client("iam").get_user(UserName="kept")["User"]["UserName"], "kept")
            finally:
                self.assertEqual(again.stop(), 0)
        finally:
            s.cleanup()

    def test_tls_with_certificate_and_key(self):
        s = Server()
        cert, key = os.path.join(s.data_dir, "cert.pem"), os.path.join(s.data_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        s.extra_args = ["--tls-cert", cert, "--tls-key", key]
        s.scheme = "https"
        s.start()
        try:
            s.read_root_credentials()
            self.assertEqual(s.client("sts").get_caller_identity()["Account"], s.root["AccountId"])
        finally:
            s.stop()
            s.cleanup()

    def test_warns_when_listening_beyond_loopback_without_tls(self):
        s = Server()
        import socket
        with socket.socket() as sock:
            sock.bind(("0.0.0.0", 0))
            port = sock.getsockname()[1]
        p = subprocess.Popen([__import__("citadel_harness").CITADEL, "serve", "--data", s.data_dir, "--listen", f"0.0.0.0:{port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            line = ""
            for _ in range(10):
                line += p.stderr.readline()
                if "listening" in line:
                    break
            self.assertIn("WARNING", line)
            self.assertIn("without TLS", line)
        finally:
            p.terminate()
            p.wait(timeout=20)
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
