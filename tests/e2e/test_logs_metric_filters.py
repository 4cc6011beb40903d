"""Metric filters: a log group's filter pattern becomes a CloudWatch metric — the CIS benchmark's
"unauthorized API calls" filter over CloudTrail's log group counts denied calls, and an alarm on
that metric goes to ALARM."""
import datetime
import json
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, cloudtrail_bucket_policy

CIS_UNAUTHORIZED = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'


def now_ms():
    return int(time.time() * 1000)


class MetricFilters(CitadelTestCase):
    server_args = ("--trail-delivery-interval", "1", "--alarm-evaluation-interval", "0.5")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = cls.server.client("logs")
        cls.cw = cls.server.client("cloudwatch")

    def metric_sum(self, ns, name, minutes=10):
        end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
        points = self.cw.get_metric_statistics(Namespace=ns, MetricName=name, StartTime=end - datetime.timedelta(minutes=minutes),
                                               EndTime=end, Period=60, Statistics=["Sum"])["Datapoints"]
        return sum(p["Sum"] for p in points)

    def test_put_describe_test_and_publish(self):
        self.logs.create_log_group(logGroupName="/app/json")
        self.logs.create_log_stream(logGroupName="/app/json", logStreamName="s")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.put_metric_filter(logGroupName="/app/json", filterName="bad", filterPattern="{ $.a = }",
                                        metricTransformations=[{"metricName": "M", "metricNamespace": "N", "metricValue": "1"}])
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        self.logs.put_metric_filter(logGroupName="/app/json", filterName="latency", filterPattern="{ $.latency > 0 }",
                                    metricTransformations=[{"metricName": "Latency", "metricNamespace": "App",
                                                            "metricValue": "$.latency", "unit": "Milliseconds"}])
        self.logs.put_metric_filter(logGroupName="/app/json", filterName="errors", filterPattern="ERROR",
                                    metricTransformations=[{"metricName": "Errors", "metricNamespace": "App",
                                                            "metricValue": "1", "defaultValue": 0}])
        filters = self.logs.describe_metric_filters(logGroupName="/app/json")["metricFilters"]
        self.assertEqual([f["filterName"] for f in filters], ["errors", "latency"])
        self.assertEqual(len(self.logs.describe_metric_filters(metricName="Errors", metricNamespace="App")["metricFilters"]), 1)
        t = now_ms()
        self.logs.put_log_events(logGroupName="/app/json", logStreamName="s", logEvents=[
            {"timestamp": t, "message": json.dumps({"latency": 120, "level": "INFO"})},
            {"timestamp": t + 1, "message": json.dumps({"latency": 30, "level": "ERROR"})},
            {"timestamp": t + 2, "message": "plain line"}])
        self.assertEqual(self.metric_sum("App", "Latency"), 150)
        self.assertEqual(self.metric_sum("App", "Errors"), 1)  # 1 + 0 + 0 with the default value
        test = self.logs.test_metric_filter(filterPattern="ERROR", logEventMessages=["an ERROR", "fine", "ERROR again"])
        self.assertEqual([m["eventNumber"] for m in test["matches"]], [1, 3])
        self.logs.delete_metric_filter(logGroupName="/app/json", filterName="latency")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.delete_metric_filter(logGroupName="/app/json", filterName="latency")
        self.assertAwsError(ctx, "ResourceNotFoundException", 400)

    def test_cis_unauthorized_calls_alarm_over_cloudtrail_logs(self):
        account = self.server.root["AccountId"]
        s3, ct, iam = self.server.client("s3"), self.server.client("cloudtrail"), self.server.client("iam")
        s3.create_bucket(Bucket="cis-trail")
        s3.put_bucket_policy(Bucket="cis-trail", Policy=cloudtrail_bucket_policy("cis-trail", account))
        self.logs.create_log_group(logGroupName="CloudTrail/CIS")
        role = iam.create_role(RoleName="CloudTrailLogs", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        ct.create_trail(Name="cis", S3BucketName="cis-trail", CloudWatchLogsRoleArn=role,
                        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{account}:log-group:CloudTrail/CIS:*")
        ct.start_logging(Name="cis")
        self.logs.put_metric_filter(logGroupName="CloudTrail/CIS", filterName="UnauthorizedAPICalls", filterPattern=CIS_UNAUTHORIZED,
                                    metricTransformations=[{"metricName": "UnauthorizedAPICalls", "metricNamespace": "CISBenchmark",
                                                            "metricValue": "1"}])
        self.cw.put_metric_alarm(AlarmName="unauthorized-api-calls", Namespace="CISBenchmark", MetricName="UnauthorizedAPICalls",
                                 Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                 ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching")
        iam.create_user(UserName="intruder")
        key = iam.create_access_key(UserName="intruder")["AccessKey"]
        intruder = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        for _ in range(3):
            with self.assertRaises(botocore.exceptions.ClientError):
                intruder.list_users()
        deadline = time.time() + 90
        state = None
        while time.time() < deadline:
            state = self.cw.describe_alarms(AlarmNames=["unauthorized-api-calls"])["MetricAlarms"][0]["StateValue"]
            if state == "ALARM":
                break
            time.sleep(0.5)
        self.assertEqual(state, "ALARM")
        self.assertGreaterEqual(self.metric_sum("CISBenchmark", "UnauthorizedAPICalls"), 3)


if __name__ == "__main__":
    unittest.main()
