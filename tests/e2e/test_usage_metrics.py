"""Services publish metrics about themselves: AWS/Usage CallCount per operation as AWS does,
Citadel/API Errors and Latency, and S3's storage metrics per bucket — queried with boto3 and the
aws CLI like any other metric."""
import datetime
import time
import unittest

from botocore.exceptions import ClientError

from citadel_harness import CitadelTestCase


def window():
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    return end - datetime.timedelta(minutes=30), end


class UsageMetrics(CitadelTestCase):
    server_args = ("--usage-metrics-interval", "0.5")

    def total(self, namespace, name, dims, statistic="Sum"):
        start, end = window()
        points = self.cw.get_metric_statistics(Namespace=namespace, MetricName=name, Dimensions=dims, StartTime=start,
                                               EndTime=end, Period=3600, Statistics=[statistic])["Datapoints"]
        if not points:
            return None
        return sum(p[statistic] for p in points) if statistic in ("Sum", "SampleCount") else points[-1][statistic]

    def wait_for(self, fn, expected, timeout=20):
        deadline = time.time() + timeout
        value = fn()
        while value != expected and time.time() < deadline:
            time.sleep(0.3)
            value = fn()
        return value

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cls.server.client("cloudwatch")

    def test_kms_calls_are_counted_per_operation_with_errors_and_latency(self):
        kms = self.server.client("kms")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for i in range(3):
            kms.encrypt(KeyId=key, Plaintext=b"x" * (i + 1))
        with self.assertRaises(ClientError):
            kms.describe_key(KeyId="alias/does-not-exist")
        encrypt = [{"Name": "Class", "Value": "None"}, {"Name": "Resource", "Value": "Encrypt"},
                   {"Name": "Service", "Value": "KMS"}, {"Name": "Type", "Value": "API"}]
        self.assertEqual(self.wait_for(lambda: self.total("AWS/Usage", "CallCount", encrypt), 3.0), 3.0)
        describe = [{"Name": "Operation", "Value": "DescribeKey"}, {"Name": "Service", "Value": "KMS"}]
        self.assertEqual(self.wait_for(lambda: self.total("Citadel/API", "Errors", describe), 1.0), 1.0)
        encrypt_op = [{"Name": "Operation", "Value": "Encrypt"}, {"Name": "Service", "Value": "KMS"}]
        self.assertEqual(self.total("Citadel/API", "Errors", encrypt_op), 0.0)
        self.assertEqual(self.total("Citadel/API", "Latency", encrypt_op, "SampleCount"), 3.0)
        self.assertGreater(self.total("Citadel/API", "Latency", encrypt_op, "Maximum"), 0)
        # ListMetrics finds them with AWS's dimensions; the aws CLI reads the same.
        listed = self.cw.list_metrics(Namespace="AWS/Usage", MetricName="CallCount",
                                      Dimensions=[{"Name": "Service", "Value": "KMS"}])["Metrics"]
        resources = {d["Value"] for m in listed for d in m["Dimensions"] if d["Name"] == "Resource"}
        self.assertTrue({"CreateKey", "Encrypt"} <= resources, resources)
        for cli in (self.server.aws_v1, self.server.aws_v2):
            code, out, err = cli("cloudwatch", "list-metrics", "--namespace", "AWS/Usage", "--dimensions", "Name=Resource,Value=Encrypt")
            self.assertEqual(code, 0, err)
            self.assertEqual(len(out["Metrics"]), 1)

    def test_s3_publishes_bucket_size_and_object_count(self):
        s3 = self.server.client("s3")
        s3.create_bucket(Bucket="usage-metrics-bucket")
        s3.put_object(Bucket="usage-metrics-bucket", Key="a", Body=b"a" * 1000)
        s3.put_object(Bucket="usage-metrics-bucket", Key="b", Body=b"b" * 234)
        dims = lambda t: [{"Name": "BucketName", "Value": "usage-metrics-bucket"}, {"Name": "StorageType", "Value": t}]
        self.assertEqual(self.wait_for(lambda: self.total("AWS/S3", "NumberOfObjects", dims("AllStorageTypes"), "Maximum"), 2.0), 2.0)
        self.assertEqual(self.wait_for(lambda: self.total("AWS/S3", "BucketSizeBytes", dims("StandardStorage"), "Maximum"), 1234.0),
                         1234.0)
        s3.delete_object(Bucket="usage-metrics-bucket", Key="a")
        self.assertEqual(self.wait_for(lambda: self.latest("AWS/S3", "NumberOfObjects", dims("AllStorageTypes")), 1.0), 1.0)

    def latest(self, namespace, name, dims):
        """The smallest value of the latest minute: the count once the deletion is seen."""
        start, end = window()
        points = self.cw.get_metric_statistics(Namespace=namespace, MetricName=name, Dimensions=dims, StartTime=start,
                                               EndTime=end, Period=60, Statistics=["Minimum"])["Datapoints"]
        return max(points, key=lambda p: p["Timestamp"])["Minimum"] if points else None

    def test_a_user_without_cloudwatch_permissions_is_refused(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="no-metrics")
        key = iam.create_access_key(UserName="no-metrics")["AccessKey"]
        cw = self.server.client("cloudwatch", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(ClientError) as ctx:
            cw.list_metrics(Namespace="AWS/Usage")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")


if __name__ == "__main__":
    unittest.main()
