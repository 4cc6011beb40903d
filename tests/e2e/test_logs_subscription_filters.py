"""CloudWatch Logs subscription filters with real clients. A team forwards its application's error
lines to an HTTP endpoint (where a function written for AWS Lambda's CloudWatch Logs trigger would
run): the endpoint first gets AWS's CONTROL_MESSAGE health check, then the matching events as the
gzipped, base64 DATA_MESSAGE a Lambda function receives, with the eventIds FilterLogEvents shows. A
failing endpoint is retried, one that refuses for good is dropped, deleting the filter stops the
deliveries. Limits, bad destinations, AWS destinations Citadel does not have (501), authorization,
and both aws CLIs."""
import base64
import gzip
import json
import queue
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures
from http_endpoint import Endpoint


def now_ms():
    return int(time.time() * 1000)


def unpack(delivery):
    """The subscription message inside a delivery's Lambda-shaped body."""
    body = json.loads(delivery["body"])
    return json.loads(gzip.decompress(base64.b64decode(body["awslogs"]["data"])))


class SubscriptionFilters(IamFixtures, CitadelTestCase):
    server_args = ("--subscription-delivery-interval", "0.1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = cls.server.client("logs")
        cls.iam = cls.server.client("iam")
        cls.account = cls.server.client("sts").get_caller_identity()["Account"]
        cls.endpoint = Endpoint()

    @classmethod
    def tearDownClass(cls):
        cls.endpoint.stop()
        super().tearDownClass()

    def group(self, name):
        self.logs.create_log_group(logGroupName=name)
        self.logs.create_log_stream(logGroupName=name, logStreamName="web-1")
        return name

    def test_matching_events_reach_the_endpoint_as_lambda_would_get_them(self):
        g = self.group("/app/checkout")
        url = self.endpoint.url("/errors")
        self.logs.put_subscription_filter(logGroupName=g, filterName="errors", filterPattern="ERROR", destinationArn=url)
        control = self.endpoint.next("/errors")
        self.assertEqual(control["headers"]["Content-Type"], "application/json")
        message = unpack(control)
        self.assertEqual(message["messageType"], "CONTROL_MESSAGE")
        self.assertEqual(message["owner"], "CloudwatchLogs")
        self.assertIn("CWL CONTROL MESSAGE", message["logEvents"][0]["message"])

        t = now_ms()
        self.logs.put_log_events(logGroupName=g, logStreamName="web-1", logEvents=[
            {"timestamp": t, "message": "INFO order 1 paid"},
            {"timestamp": t + 1, "message": "ERROR order 2 card declined"},
            {"timestamp": t + 2, "message": "ERROR order 3 timeout"}])
        data = unpack(self.endpoint.next("/errors"))
        self.assertEqual(data["messageType"], "DATA_MESSAGE")
        self.assertEqual(data["owner"], self.account)
        self.assertEqual((data["logGroup"], data["logStream"], data["subscriptionFilters"]), (g, "web-1", ["errors"]))
        self.assertEqual([(e["timestamp"], e["message"]) for e in data["logEvents"]],
                         [(t + 1, "ERROR order 2 card declined"), (t + 2, "ERROR order 3 timeout")])
        shown = self.logs.filter_log_events(logGroupName=g, filterPattern="ERROR")["events"]
        self.assertEqual([e["id"] for e in data["logEvents"]], [e["eventId"] for e in shown])

        # A batch with nothing that matches sends nothing.
        self.logs.put_log_events(logGroupName=g, logStreamName="web-1", logEvents=[{"timestamp": now_ms(), "message": "INFO ok"}])
        with self.assertRaises(queue.Empty):
            self.endpoint.next("/errors", timeout=1.5)

        filters = self.logs.describe_subscription_filters(logGroupName=g)["subscriptionFilters"]
        self.assertEqual(len(filters), 1)
        self.assertEqual({k: filters[0][k] for k in ("filterName", "logGroupName", "filterPattern", "destinationArn", "distribution")},
                         {"filterName": "errors", "logGroupName": g, "filterPattern": "ERROR", "destinationArn": url,
                          "distribution": "ByLogStream"})
        self.assertIn("creationTime", filters[0])

        # Deleted: no more deliveries.
        self.logs.delete_subscription_filter(logGroupName=g, filterName="errors")
        self.logs.put_log_events(logGroupName=g, logStreamName="web-1", logEvents=[{"timestamp": now_ms(), "message": "ERROR x"}])
        with self.assertRaises(queue.Empty):
            self.endpoint.next("/errors", timeout=1.5)
        self.assertEqual(self.logs.describe_subscription_filters(logGroupName=g)["subscriptionFilters"], [])

    def test_json_patterns_and_two_filters_per_group(self):
        g = self.group("/app/json")
        slow, fail = self.endpoint.url("/slow"), self.endpoint.url("/fail")
        self.logs.put_subscription_filter(logGroupName=g, filterName="slow", filterPattern="{ $.latency > 500 }",
                                          destinationArn=slow)
        self.logs.put_subscription_filter(logGroupName=g, filterName="failed", filterPattern='{ $.status = "FAILED" }',
                                          destinationArn=fail)
        for path in ("/slow", "/fail"):
            self.assertEqual(unpack(self.endpoint.next(path))["messageType"], "CONTROL_MESSAGE")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.put_subscription_filter(logGroupName=g, filterName="third", filterPattern="", destinationArn=slow)
        self.assertAwsError(ctx, "LimitExceededException", 400)
        t = now_ms()
        self.logs.put_log_events(logGroupName=g, logStreamName="web-1", logEvents=[
            {"timestamp": t, "message": json.dumps({"latency": 900, "status": "OK"})},
            {"timestamp": t + 1, "message": json.dumps({"latency": 20, "status": "FAILED"})}])
        self.assertEqual([json.loads(e["message"])["latency"] for e in unpack(self.endpoint.next("/slow"))["logEvents"]], [900])
        self.assertEqual([json.loads(e["message"])["status"] for e in unpack(self.endpoint.next("/fail"))["logEvents"]], ["FAILED"])
        # Updating a filter in place is allowed at the limit, and keeps its destination (no new health check).
        self.logs.put_subscription_filter(logGroupName=g, filterName="slow", filterPattern="{ $.latency > 100 }", destinationArn=slow)
        self.assertEqual(self.logs.describe_subscription_filters(logGroupName=g, filterNamePrefix="sl")["subscriptionFilters"][0]
                         ["filterPattern"], "{ $.latency > 100 }")
        with self.assertRaises(queue.Empty):
            self.endpoint.next("/slow", timeout=1)
        page = self.logs.describe_subscription_filters(logGroupName=g, limit=1)
        self.assertEqual(len(page["subscriptionFilters"]), 1)
        rest = self.logs.describe_subscription_filters(logGroupName=g, limit=1, nextToken=page["nextToken"])
        self.assertEqual([page["subscriptionFilters"][0]["filterName"], rest["subscriptionFilters"][0]["filterName"]],
                         ["failed", "slow"])
        # Deleting the group deletes its filters: a group made again under the name has none.
        self.logs.delete_log_group(logGroupName=g)
        self.group(g)
        self.assertEqual(self.logs.describe_subscription_filters(logGroupName=g)["subscriptionFilters"], [])

    def test_an_endpoint_that_fails_is_retried_and_one_that_refuses_is_dropped(self):
        g = self.group("/app/retry")
        self.endpoint.scripts["/flaky"] = [503, 500]  # the control message twice, then 200
        self.logs.put_subscription_filter(logGroupName=g, filterName="all", filterPattern="",
                                          destinationArn=self.endpoint.url("/flaky"))
        statuses = [self.endpoint.next("/flaky", timeout=10)["status"] for _ in range(3)]
        self.assertEqual(statuses, [503, 500, 200])
        self.endpoint.scripts["/refuses"] = [403]
        self.logs.put_subscription_filter(logGroupName=g, filterName="refused", filterPattern="",
                                          destinationArn=self.endpoint.url("/refuses"))
        self.assertEqual(self.endpoint.next("/refuses")["status"], 403)
        with self.assertRaises(queue.Empty):
            self.endpoint.next("/refuses", timeout=2.5)  # not retried

    def test_bad_input_gets_aws_errors(self):
        g = self.group("/app/bad")
        cases = [
            (dict(logGroupName="/nope", filterName="f", filterPattern="", destinationArn=self.endpoint.url("/x")),
             "ResourceNotFoundException", 400),
            (dict(logGroupName=g, filterName="f", filterPattern="{ $.a = }", destinationArn=self.endpoint.url("/x")),
             "InvalidParameterException", 400),
            (dict(logGroupName=g, filterName="f", filterPattern="", destinationArn="not-a-destination"),
             "InvalidParameterException", 400),
            (dict(logGroupName=g, filterName="f", filterPattern="", destinationArn="ftp://example.com/x"),
             "InvalidParameterException", 400),
            (dict(logGroupName=g, filterName="f", filterPattern="",
                  destinationArn=f"arn:aws:lambda:us-east-1:{self.account}:function:forwarder"), "NotImplemented", 501),
            (dict(logGroupName=g, filterName="f", filterPattern="", destinationArn=self.endpoint.url("/x"),
                  distribution="Everywhere"), "ValidationException", 400),
        ]
        for kwargs, code, status in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.logs.put_subscription_filter(**kwargs)
            self.assertAwsError(ctx, code, status)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.delete_subscription_filter(logGroupName=g, filterName="never")
        self.assertAwsError(ctx, "ResourceNotFoundException", 400)
        self.assertEqual(self.logs.describe_subscription_filters(logGroupName=g)["subscriptionFilters"], [])

    def test_authorization_and_audit(self):
        g = self.group("/app/private")
        self.make_user("reader")
        key = self.iam.create_access_key(UserName="reader")["AccessKey"]
        logs = self.server.client("logs", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            logs.put_subscription_filter(logGroupName=g, filterName="f", filterPattern="", destinationArn=self.endpoint.url("/x"))
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        self.iam.put_user_policy(UserName="reader", PolicyName="describe", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:DescribeSubscriptionFilters",
                                                    "Resource": f"arn:aws:logs:us-east-1:{self.account}:log-group:{g}:*"}]}))
        self.assertEqual(logs.describe_subscription_filters(logGroupName=g)["subscriptionFilters"], [])
        self.logs.put_subscription_filter(logGroupName=g, filterName="audited", filterPattern="",
                                          destinationArn=self.endpoint.url("/audited"))
        ct = self.server.client("cloudtrail")
        events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutSubscriptionFilter"}])["Events"]
        self.assertTrue(any(json.loads(e["CloudTrailEvent"])["requestParameters"].get("filterName") == "audited" for e in events))

    def test_both_aws_clis(self):
        g = self.group("/app/cli")
        for n, cli in ((1, self.server.aws_v1), (2, self.server.aws_v2)):
            path = f"/cli{n}"
            # Through --cli-input-json: aws CLI v1 fetches a parameter that is an http(s) URL and
            # sends what it got (its cli_follow_urlparam setting).
            rc, _, err = cli("logs", "put-subscription-filter", "--log-group-name", g, "--filter-name", f"cli{n}",
                             "--filter-pattern", "WARN", "--cli-input-json",
                             json.dumps({"destinationArn": self.endpoint.url(path)}))
            self.assertEqual(rc, 0, err)
            self.assertEqual(unpack(self.endpoint.next(path))["messageType"], "CONTROL_MESSAGE")
            rc, out, err = cli("logs", "describe-subscription-filters", "--log-group-name", g)
            self.assertEqual(rc, 0, err)
            self.assertIn(f"cli{n}", [f["filterName"] for f in out["subscriptionFilters"]])
            rc, _, err = cli("logs", "delete-subscription-filter", "--log-group-name", g, "--filter-name", f"cli{n}")
            self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    unittest.main()
