"""S3 server access logging: PutBucketLogging checks the target bucket as S3 does, and the access
log records of the source bucket's requests (S3's space-separated format) arrive in the target
bucket under the target prefix."""
import json
import re
import time
import unittest
import urllib.error
import urllib.request

import botocore.exceptions

from citadel_harness import CitadelTestCase


class S3AccessLogging(CitadelTestCase):
    server_args = ("--access-log-interval", "1")

    def test_access_logs_reach_the_target_bucket(self):
        s3 = self.server.client("s3", signature_version="s3v4")
        account = self.server.root["AccountId"]
        s3.create_bucket(Bucket="logged-source")
        s3.create_bucket(Bucket="access-logs")
        status = {"LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "logs/"}}
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.put_bucket_logging(Bucket="logged-source", BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "no-such-target-bucket", "TargetPrefix": "logs/"}})
        self.assertAwsError(ctx, "InvalidTargetBucketForLogging", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:  # the target does not allow S3's logging service
            s3.put_bucket_logging(Bucket="logged-source", BucketLoggingStatus=status)
        self.assertAwsError(ctx, "InvalidTargetBucketForLogging", 400)
        s3.put_bucket_policy(Bucket="access-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::access-logs/logs/*",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logged-source"},
                          "StringEquals": {"aws:SourceAccount": account}}}]}))
        s3.put_bucket_logging(Bucket="logged-source", BucketLoggingStatus=status)
        self.assertEqual(s3.get_bucket_logging(Bucket="logged-source")["LoggingEnabled"],
                         {"TargetBucket": "access-logs", "TargetPrefix": "logs/"})

        s3.put_object(Bucket="logged-source", Key="report.csv", Body=b"a,b\n")
        self.assertEqual(s3.get_object(Bucket="logged-source", Key="report.csv")["Body"].read(), b"a,b\n")
        with self.assertRaises(botocore.exceptions.ClientError):
            s3.get_object(Bucket="logged-source", Key="missing.csv")
        try:
            urllib.request.urlopen(f"{self.server.endpoint}/logged-source/report.csv", timeout=5)
        except urllib.error.HTTPError as e:
            self.assertEqual(e.code, 403)

        wanted = {("REST.PUT.OBJECT", "report.csv", "200"), ("REST.GET.OBJECT", "report.csv", "200"),
                  ("REST.GET.OBJECT", "missing.csv", "404"), ("REST.GET.OBJECT", "report.csv", "403")}
        by_op = {}
        deadline = time.time() + 30
        while time.time() < deadline and not wanted <= set(by_op):
            by_op = {}
            for o in s3.list_objects_v2(Bucket="access-logs", Prefix="logs/").get("Contents", []):
                self.assertRegex(o["Key"], r"^logs/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$")
                for line in s3.get_object(Bucket="access-logs", Key=o["Key"])["Body"].read().decode().splitlines():
                    fields = re.findall(r'"[^"]*"|\[[^\]]*\]|\S+', line)
                    self.assertEqual(fields[1], "logged-source", line)
                    by_op.setdefault((fields[6], fields[7], fields[9]), fields)
            time.sleep(0.5)
        put = by_op[("REST.PUT.OBJECT", "report.csv", "200")]
        self.assertEqual(put[4], f"arn:aws:iam::{account}:root")
        self.assertRegex(put[2], r"^\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\]$")
        self.assertEqual(put[8], '"PUT /logged-source/report.csv HTTP/1.1"')
        get = by_op[("REST.GET.OBJECT", "report.csv", "200")]
        self.assertEqual(get[12], "4")  # object size
        missing = by_op[("REST.GET.OBJECT", "missing.csv", "404")]
        self.assertEqual(missing[10], "NoSuchKey")
        anonymous = by_op[("REST.GET.OBJECT", "report.csv", "403")]
        self.assertEqual(anonymous[4], "-")

        s3.put_bucket_logging(Bucket="logged-source", BucketLoggingStatus={})
        self.assertNotIn("LoggingEnabled", s3.get_bucket_logging(Bucket="logged-source"))


if __name__ == "__main__":
    unittest.main()
