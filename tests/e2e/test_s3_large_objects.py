"""Large objects stream through the server in both directions: a 64 MiB PutObject and GetObject,
the aws CLI copying ~200 MB up and down in one request each, a range of a large object; an upload
cut off midway or whose bytes are not the x-amz-content-sha256 it was signed with leaves no object
and no temporary file; a body over S3's 5 GiB limit is refused before it is sent."""
import base64
import glob
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from citadel_harness import CitadelTestCase, Server

MIB = 1 << 20


class LargeObjects(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.s3.create_bucket(Bucket="large")

    def leftover_temp_files(self):
        return glob.glob(os.path.join(self.server.data_dir, "s3", "blobs", "*.tmp"))

    def assertNoTempFiles(self):
        # The server notices a dropped connection on its next read: allow it a moment.
        deadline = time.time() + 5
        while self.leftover_temp_files() and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.leftover_temp_files(), [])

    def assertNoObject(self, key):
        with self.assertRaises(self.s3.exceptions.ClientError) as ctx:
            self.s3.head_object(Bucket="large", Key=key)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")

    def signed_head(self, key, length, payload_hash, extra=None):
        """The request line and headers of a signed PutObject, as a raw socket would send them."""
        url = f"{self.server.endpoint}/large/{key}"
        headers = {"Content-Length": str(length), "X-Amz-Content-SHA256": payload_hash, **(extra or {})}
        req = AWSRequest(method="PUT", url=url, headers=headers)
        SigV4Auth(Credentials(self.server.root["AccessKeyId"], self.server.root["SecretAccessKey"]), "s3",
                  "us-east-1").add_auth(req)
        lines = [f"PUT /large/{key} HTTP/1.1", f"Host: 127.0.0.1:{self.server.port}"]
        lines += [f"{k}: {v}" for k, v in req.headers.items() if k.lower() != "host"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def raw_exchange(self, head, body, read_answer=True):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as s:
            s.sendall(head)
            try:
                for i in range(0, len(body), MIB):
                    s.sendall(body[i:i + MIB])
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed before the body was all sent
            if not read_answer:
                return b""
            answer = b""
            try:
                while chunk := s.recv(65536):
                    answer += chunk
                    if b"</Error>" in answer:
                        break
            except (ConnectionResetError, socket.timeout):
                pass
            return answer

    def test_64_mib_object_goes_up_and_down_in_one_request_each(self):
        body = os.urandom(64 * MIB)
        checksum = base64.b64encode(hashlib.sha256(body).digest()).decode()
        put = self.s3.put_object(Bucket="large", Key="big.bin", Body=body, ChecksumSHA256=checksum)
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        got = self.s3.get_object(Bucket="large", Key="big.bin", ChecksumMode="ENABLED")
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(got["ChecksumSHA256"], checksum)
        back = got["Body"].read()
        self.assertEqual(hashlib.sha256(back).digest(), hashlib.sha256(body).digest())

    def test_range_of_a_large_object(self):
        body = os.urandom(40 * MIB + 12345)
        self.s3.put_object(Bucket="large", Key="ranged.bin", Body=body)
        start, end = 17 * MIB - 7, 33 * MIB + 100  # across segment and piece boundaries
        got = self.s3.get_object(Bucket="large", Key="ranged.bin", Range=f"bytes={start}-{end}")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(got["ContentRange"], f"bytes {start}-{end}/{len(body)}")
        self.assertEqual(got["Body"].read(), body[start:end + 1])
        tail = self.s3.get_object(Bucket="large", Key="ranged.bin", Range="bytes=-1000")["Body"].read()
        self.assertEqual(tail, body[-1000:])

    def test_aws_cli_copies_200_mb_up_and_down_in_single_requests(self):
        with tempfile.TemporaryDirectory() as d:
            src, back, config = os.path.join(d, "src.bin"), os.path.join(d, "back.bin"), os.path.join(d, "config")
            with open(src, "wb") as f:
                for _ in range(200):
                    f.write(os.urandom(1_000_000))
            # One PutObject and one GetObject, not parts and ranges: the streamed path end to end.
            with open(config, "w") as f:
                f.write("[default]\ns3 =\n  multipart_threshold = 2GB\n")
            env = self.server.cli_env()
            env["AWS_CONFIG_FILE"] = config
            for args in (["s3", "cp", src, "s3://large/cli.bin"], ["s3", "cp", "s3://large/cli.bin", back]):
                p = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", self.server.endpoint, *args], env=env,
                                   capture_output=True, text=True, timeout=300)
                self.assertEqual(p.returncode, 0, p.stderr)
            digest = lambda path: hashlib.sha256(open(path, "rb").read()).hexdigest()
            self.assertEqual(digest(back), digest(src))
        self.assertEqual(self.s3.head_object(Bucket="large", Key="cli.bin")["ContentLength"], 200_000_000)

    def test_upload_cut_off_midway_leaves_nothing(self):
        length = 32 * MIB
        head = self.signed_head("cut.bin", length, "UNSIGNED-PAYLOAD")
        self.raw_exchange(head, os.urandom(length // 2), read_answer=False)
        self.assertNoTempFiles()
        self.assertNoObject("cut.bin")

    def test_an_upload_a_crash_cut_off_is_swept_at_the_next_start(self):
        server = Server()
        try:
            server.start()
            server.stop(signal.SIGKILL)
            leftover = os.path.join(server.data_dir, "s3", "blobs", "crashed.tmp")
            os.makedirs(os.path.dirname(leftover), exist_ok=True)
            with open(leftover, "wb") as f:
                f.write(b"\0" * 4096)
            server.start()
            self.assertFalse(os.path.exists(leftover))
            server.stop()
        finally:
            server.cleanup()

    def test_body_not_matching_its_signed_hash_is_refused(self):
        body = os.urandom(20 * MIB)
        head = self.signed_head("mismatch.bin", len(body), hashlib.sha256(b"other bytes").hexdigest())
        answer = self.raw_exchange(head, body).decode(errors="replace")
        self.assertIn("400 Bad Request", answer.split("\r\n")[0])
        self.assertIn("<Code>XAmzContentSHA256Mismatch</Code>", answer)
        self.assertNoTempFiles()
        self.assertNoObject("mismatch.bin")

    def test_body_over_5_gib_is_refused_before_it_is_sent(self):
        head = self.signed_head("huge.bin", 6 << 30, "UNSIGNED-PAYLOAD", {"Expect": "100-continue"})
        answer = self.raw_exchange(head, b"").decode(errors="replace")
        self.assertIn("400 Bad Request", answer.split("\r\n")[0])
        self.assertIn("<Code>EntityTooLarge</Code>", answer)
        self.assertNoTempFiles()

    def test_streamed_upload_with_a_wrong_content_md5_is_bad_digest(self):
        body = os.urandom(3 * MIB)
        with self.assertRaises(self.s3.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="large", Key="md5.bin", Body=body,
                               ContentMD5=base64.b64encode(hashlib.md5(b"x").digest()).decode())
        self.assertEqual(ctx.exception.response["Error"]["Code"], "BadDigest")
        self.assertNoTempFiles()
        self.assertNoObject("md5.bin")


if __name__ == "__main__":
    unittest.main()
