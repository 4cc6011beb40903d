"""Streaming (aws-chunked) uploads: over HTTPS current boto3 sends PutObject bodies as
STREAMING-UNSIGNED-PAYLOAD-TRAILER chunks with a trailing CRC32; the server decodes them, checks the
checksum against the stored bytes and stores exactly the object's bytes (a changed chunk or checksum:
tests/auth/aws_chunked_test.cc and the BadDigest cases of test_s3_objects)."""
import hashlib
import os
import subprocess
import unittest
import zlib
import base64

import botocore.exceptions

from citadel_harness import Server


class StreamingUploads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cert, key = os.path.join(cls.server.data_dir, "cert.pem"), os.path.join(cls.server.data_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        cls.server.extra_args = ["--tls-cert", cert, "--tls-key", key]
        cls.server.scheme = "https"
        cls.server.start()
        cls.server.read_root_credentials()
        cls.s3 = cls.server.client("s3")
        cls.s3.create_bucket(Bucket="streamed")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def test_trailer_checksum_upload_round_trips(self):
        seen = {}
        self.s3.meta.events.register("before-send.s3.PutObject",
                                     lambda request, **kw: seen.update(sha=request.headers.get("x-amz-content-sha256")))
        body = os.urandom(300_000)
        put = self.s3.put_object(Bucket="streamed", Key="blob.bin", Body=body, ChecksumAlgorithm="CRC32")
        crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        self.assertEqual(put["ChecksumCRC32"], crc)
        got = self.s3.get_object(Bucket="streamed", Key="blob.bin")
        self.assertEqual(hashlib.sha256(got["Body"].read()).hexdigest(), hashlib.sha256(body).hexdigest())
        self.assertNotIn("ContentEncoding", got)  # the aws-chunked coding is not the object's
        sha = seen.get("sha")
        sha = sha.decode() if isinstance(sha, bytes) else str(sha)
        if not sha.startswith("STREAMING-"):
            self.skipTest(f"this botocore did not stream the upload (x-amz-content-sha256={sha})")


if __name__ == "__main__":
    unittest.main()
