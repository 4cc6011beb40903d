"""CloudWatch Logs through boto3 and both CLIs: groups and streams, PutLogEvents with AWS's rules,
GetLogEvents paging both ways, FilterLogEvents with term, JSON and space-delimited patterns,
retention that deletes, tags, and AWS's errors."""
import json
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


def now_ms():
    return int(time.time() * 1000)


class Logs(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = cls.server.client("logs")

    def group(self, name, stream="app"):
        self.logs.create_log_group(logGroupName=name)
        self.logs.create_log_stream(logGroupName=name, logStreamName=stream)
        return name

    def test_groups_streams_and_errors(self):
        self.logs.create_log_group(logGroupName="/citadel/app", tags={"team": "sec"})
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_group(logGroupName="/citadel/app")
        self.assertAwsError(ctx, "ResourceAlreadyExistsException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_group(logGroupName="bad name!")
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        self.logs.create_log_group(logGroupName="/citadel/other")
        groups = self.logs.describe_log_groups(logGroupNamePrefix="/citadel/a")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], ["/citadel/app"])
        account = self.server.root["AccountId"]
        self.assertEqual(groups[0]["arn"], f"arn:aws:logs:us-east-1:{account}:log-group:/citadel/app:*")
        self.assertEqual(groups[0]["logGroupArn"], f"arn:aws:logs:us-east-1:{account}:log-group:/citadel/app")
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=groups[0]["logGroupArn"])["tags"], {"team": "sec"})
        page = self.logs.describe_log_groups(limit=1)
        self.assertEqual(len(page["logGroups"]), 1)
        self.assertIn("nextToken", page)
        self.logs.create_log_stream(logGroupName="/citadel/app", logStreamName="web-1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_stream(logGroupName="/citadel/app", logStreamName="web-1")
        self.assertAwsError(ctx, "ResourceAlreadyExistsException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_stream(logGroupName="/citadel/none", logStreamName="s")
        self.assertAwsError(ctx, "ResourceNotFoundException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.put_log_events(logGroupName="/citadel/app", logStreamName="nope",
                                     logEvents=[{"timestamp": now_ms(), "message": "x"}])
        self.assertAwsError(ctx, "ResourceNotFoundException", 400)
        self.logs.delete_log_group(logGroupName="/citadel/other")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.delete_log_group(logGroupName="/citadel/other")
        self.assertAwsError(ctx, "ResourceNotFoundException", 400)

    def test_put_and_get_log_events(self):
        g = self.group("/citadel/events")
        t = now_ms()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[
                {"timestamp": t, "message": "b"}, {"timestamp": t - 1000, "message": "a"}])
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:  # a batch spans at most 24 hours
            self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[
                {"timestamp": t - 2 * 86400 * 1000, "message": "a"}, {"timestamp": t, "message": "b"}])
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        out = self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[
            {"timestamp": t - 15 * 86400 * 1000, "message": "too old"}])
        self.assertEqual(out["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 0})
        out = self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[
            *[{"timestamp": t + i, "message": f"line {i}"} for i in range(25)],
            {"timestamp": t + 3 * 3600 * 1000, "message": "too new"}])
        self.assertEqual(out["rejectedLogEventsInfo"], {"tooNewLogEventStartIndex": 25})
        head = self.logs.get_log_events(logGroupName=g, logStreamName="app", startFromHead=True, limit=10)
        self.assertEqual([e["message"] for e in head["events"]], [f"line {i}" for i in range(10)])
        nxt = self.logs.get_log_events(logGroupName=g, logStreamName="app", nextToken=head["nextForwardToken"], limit=10)
        self.assertEqual([e["message"] for e in nxt["events"]], [f"line {i}" for i in range(10, 20)])
        back = self.logs.get_log_events(logGroupName=g, logStreamName="app", nextToken=nxt["nextBackwardToken"], limit=5)
        self.assertEqual([e["message"] for e in back["events"]], [f"line {i}" for i in range(5, 10)])
        tail = self.logs.get_log_events(logGroupName=g, logStreamName="app", limit=3)  # the newest, by default
        self.assertEqual([e["message"] for e in tail["events"]], ["line 22", "line 23", "line 24"])
        stream = self.logs.describe_log_streams(logGroupName=g)["logStreams"][0]
        self.assertEqual((stream["firstEventTimestamp"], stream["lastEventTimestamp"]), (t, t + 24))
        # Both CLIs page through every event.
        for cli in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = cli("logs", "get-log-events", "--log-group-name", g, "--log-stream-name", "app", "--start-from-head")
            self.assertEqual(rc, 0, err)
            self.assertEqual(len(out["events"]), 25)

    def test_filter_patterns(self):
        g = self.group("/citadel/filter", "a")
        self.logs.create_log_stream(logGroupName=g, logStreamName="b")
        t = now_ms()
        self.logs.put_log_events(logGroupName=g, logStreamName="a", logEvents=[
            {"timestamp": t, "message": "[ERROR] disk full"},
            {"timestamp": t + 1, "message": json.dumps({"errorCode": "AccessDenied", "eventName": "GetObject"})},
            {"timestamp": t + 2, "message": '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'}])
        self.logs.put_log_events(logGroupName=g, logStreamName="b", logEvents=[
            {"timestamp": t + 3, "message": "[WARN] disk at 90%"}, {"timestamp": t + 4, "message": "[ERROR] Retrying"}])

        def messages(**kw):
            return [e["message"] for e in self.logs.filter_log_events(logGroupName=g, **kw)["events"]]
        self.assertEqual(len(messages()), 5)
        self.assertEqual(messages(filterPattern="ERROR -Retrying"), ["[ERROR] disk full"])
        self.assertEqual(messages(filterPattern="?WARN ?full"), ["[ERROR] disk full", "[WARN] disk at 90%"])
        self.assertEqual(messages(filterPattern='{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'),
                         [json.dumps({"errorCode": "AccessDenied", "eventName": "GetObject"})])
        self.assertEqual(len(messages(filterPattern="[ip, user, username, timestamp, request = *html*, status = 4*, bytes]")), 1)
        self.assertEqual(messages(filterPattern="ERROR", logStreamNames=["b"]), ["[ERROR] Retrying"])
        self.assertEqual(len(messages(startTime=t + 3)), 2)
        page = self.logs.filter_log_events(logGroupName=g, limit=2)
        self.assertEqual(len(page["events"]), 2)
        rest = self.logs.filter_log_events(logGroupName=g, nextToken=page["nextToken"])
        self.assertEqual(len(rest["events"]), 3)
        self.assertEqual(rest["events"][0]["logStreamName"], "a")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.filter_log_events(logGroupName=g, filterPattern="{ $.a = }")
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        rc, out, err = self.server.aws_v2("logs", "filter-log-events", "--log-group-name", g, "--filter-pattern", "ERROR")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["events"]), 2)

    def test_retention_deletes(self):
        g = self.group("/citadel/retention")
        t = now_ms()
        self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[
            {"timestamp": t - 10 * 86400 * 1000, "message": "ten days ago"}])
        self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[{"timestamp": t, "message": "now"}])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.put_retention_policy(logGroupName=g, retentionInDays=2)
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        self.logs.put_retention_policy(logGroupName=g, retentionInDays=7)
        self.assertEqual(self.logs.describe_log_groups(logGroupNamePrefix=g)["logGroups"][0]["retentionInDays"], 7)
        events = self.logs.get_log_events(logGroupName=g, logStreamName="app", startFromHead=True)["events"]
        self.assertEqual([e["message"] for e in events], ["now"])
        out = self.logs.put_log_events(logGroupName=g, logStreamName="app", logEvents=[
            {"timestamp": t - 8 * 86400 * 1000, "message": "expired"}])
        self.assertEqual(out["rejectedLogEventsInfo"], {"expiredLogEventEndIndex": 0})
        self.logs.delete_retention_policy(logGroupName=g)
        self.assertNotIn("retentionInDays", self.logs.describe_log_groups(logGroupNamePrefix=g)["logGroups"][0])


if __name__ == "__main__":
    unittest.main()
