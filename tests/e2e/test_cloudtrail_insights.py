"""CloudTrail Insights: after a quiet baseline, a burst of RunInstances calls raises an
ApiCallRateInsight and a burst of failing GetUser calls an ApiErrorRateInsight; each insight is a
Start and an End event sharing one sharedEventID, with the baseline and insight averages and
attributions, in Event history (EventCategory=insight) and in the trail's CloudTrail-Insight files."""
import gzip
import json
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, cloudtrail_bucket_policy

PERIOD_SECONDS = 1
WARMUP_PERIODS = 10  # services/cloudtrail/insights.h kWarmupPeriods


class CloudTrailInsights(CitadelTestCase):
    server_args = ("--trail-delivery-interval", "1", "--insights-period", str(PERIOD_SECONDS))

    def test_bursts_raise_insights(self):
        account = self.server.root["AccountId"]
        s3, ct = self.server.client("s3", signature_version="s3v4"), self.server.client("cloudtrail")
        ec2, iam = self.server.client("ec2"), self.server.client("iam")
        s3.create_bucket(Bucket="insights-trail")
        s3.put_bucket_policy(Bucket="insights-trail", Policy=cloudtrail_bucket_policy("insights-trail", account))
        ct.create_trail(Name="insights", S3BucketName="insights-trail")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.get_insight_selectors(TrailName="insights")
        self.assertAwsError(ctx, "InsightNotEnabledException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.put_insight_selectors(TrailName="insights", InsightSelectors=[{"InsightType": "ApiSomethingInsight"}])
        self.assertIn(ctx.exception.response["Error"]["Code"], ("InvalidInsightSelectorsException", "ValidationException"))
        out = ct.put_insight_selectors(TrailName="insights", InsightSelectors=[
            {"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}])
        self.assertEqual(len(out["InsightSelectors"]), 2)
        self.assertTrue(ct.get_trail(Name="insights")["Trail"]["HasInsightSelectors"])
        ct.start_logging(Name="insights")

        # A quiet baseline: a few calls, well under the threshold, for the warm-up periods.
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        deadline = time.time() + (WARMUP_PERIODS + 3) * PERIOD_SECONDS
        while time.time() < deadline:
            ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
            time.sleep(PERIOD_SECONDS)
        # The bursts.
        for _ in range(40):
            ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
        for _ in range(40):
            with self.assertRaises(botocore.exceptions.ClientError):
                iam.get_user(UserName="nobody-at-all")

        def insight_events():
            events = []
            for page in ct.get_paginator("lookup_events").paginate(EventCategory="insight"):
                events += [json.loads(e["CloudTrailEvent"]) for e in page["Events"]]
            return events

        def pair(events, insight_type, name):
            mine = [e for e in events if e["insightDetails"]["insightType"] == insight_type
                    and e["insightDetails"]["eventName"] == name]
            states = {e["insightDetails"]["state"]: e for e in mine}
            return states if {"Start", "End"} <= set(states) else None

        deadline = time.time() + 30
        while time.time() < deadline:
            events = insight_events()
            if pair(events, "ApiCallRateInsight", "RunInstances") and pair(events, "ApiErrorRateInsight", "GetUser"):
                break
            time.sleep(0.5)
        calls = pair(events, "ApiCallRateInsight", "RunInstances")
        errors = pair(events, "ApiErrorRateInsight", "GetUser")
        self.assertTrue(calls, events)
        self.assertTrue(errors, events)
        start, end = calls["Start"], calls["End"]
        self.assertEqual(start["eventType"], "AwsCloudTrailInsight")
        self.assertEqual(start["eventCategory"], "Insight")
        self.assertEqual(start["sharedEventID"], end["sharedEventID"])
        self.assertNotEqual(start["eventID"], end["eventID"])
        self.assertEqual(start["insightDetails"]["eventSource"], "ec2.amazonaws.com")
        stats = end["insightDetails"]["insightContext"]["statistics"]
        self.assertGreater(stats["insight"]["average"], stats["baseline"]["average"] + 5)
        self.assertLess(stats["baseline"]["average"], 2)
        self.assertGreaterEqual(stats["insightDuration"], 1)
        attributions = {a["attribute"]: a for a in end["insightDetails"]["insightContext"]["attributions"]}
        self.assertEqual([v["value"] for v in attributions["userIdentityArn"]["insight"]], [f"arn:aws:iam::{account}:root"])
        error_attr = {a["attribute"]: a for a in errors["End"]["insightDetails"]["insightContext"]["attributions"]}
        self.assertEqual([v["value"] for v in error_attr["errorCode"]["insight"]], ["NoSuchEntity"])
        # The baseline's steady single calls raised nothing else.
        self.assertEqual({(e["insightDetails"]["insightType"], e["insightDetails"]["eventName"]) for e in events},
                         {("ApiCallRateInsight", "RunInstances"), ("ApiErrorRateInsight", "GetUser")})

        # Delivered to the trail's bucket too, and never mixed into the regular log files.
        prefix = f"AWSLogs/{account}/CloudTrail-Insight/us-east-1/"
        delivered = []
        deadline = time.time() + 10
        while time.time() < deadline and len(delivered) < 4:
            delivered = []
            for o in s3.list_objects_v2(Bucket="insights-trail", Prefix=prefix).get("Contents", []):
                delivered += json.loads(gzip.decompress(s3.get_object(Bucket="insights-trail", Key=o["Key"])["Body"].read()))["Records"]
            time.sleep(0.5)
        self.assertEqual({e["eventID"] for e in delivered}, {e["eventID"] for e in events})
        for o in s3.list_objects_v2(Bucket="insights-trail", Prefix=f"AWSLogs/{account}/CloudTrail/").get("Contents", []):
            records = json.loads(gzip.decompress(s3.get_object(Bucket="insights-trail", Key=o["Key"])["Body"].read()))["Records"]
            self.assertNotIn("Insight", {r.get("eventCategory") for r in records})


if __name__ == "__main__":
    unittest.main()
