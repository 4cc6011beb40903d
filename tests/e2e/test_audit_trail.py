"""Every call that reaches a service leaves a CloudTrail record — allowed, denied or failed — and
LookupEvents finds it, without secrets."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class AuditTrail(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.server.client("iam")
        iam.create_user(UserName="mallory")
        cls.key = iam.create_access_key(UserName="mallory")["AccessKey"]
        cls.mallory_iam = cls.server.client("iam", cls.key["AccessKeyId"], cls.key["SecretAccessKey"])
        try:
            cls.mallory_iam.create_user(UserName="backdoor")
        except botocore.exceptions.ClientError:
            pass
        try:
            iam.get_user(UserName="ghost")
        except botocore.exceptions.ClientError:
            pass

    def lookup(self, key, value, client=None):
        ct = client or self.server.client("cloudtrail")
        return ct.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])["Events"]

    def record(self, event):
        return json.loads(event["CloudTrailEvent"])

    def test_successful_write_is_recorded_with_cloudtrail_fields(self):
        events = self.lookup("EventName", "CreateUser")
        mine = [self.record(e) for e in events if self.record(e)["requestParameters"]["userName"] == "mallory"]
        self.assertEqual(len(mine), 1)
        rec = mine[0]
        account = self.server.root["AccountId"]
        self.assertEqual(rec["eventVersion"], "1.11")
        self.assertEqual(rec["eventSource"], "iam.amazonaws.com")
        self.assertEqual(rec["eventType"], "AwsApiCall")
        self.assertEqual(rec["userIdentity"]["type"], "Root")
        self.assertEqual(rec["userIdentity"]["arn"], f"arn:aws:iam::{account}:root")
        self.assertEqual(rec["userIdentity"]["accessKeyId"], self.server.root["AccessKeyId"])
        self.assertEqual(rec["recipientAccountId"], account)
        self.assertEqual(rec["sourceIPAddress"], "127.0.0.1")
        self.assertIn("Botocore", rec["userAgent"])
        self.assertFalse(rec["readOnly"])
        self.assertTrue(rec["managementEvent"])
        self.assertEqual(rec["eventCategory"], "Management")
        self.assertEqual(rec["responseElements"]["user"]["userName"], "mallory")
        self.assertNotIn("errorCode", rec)
        for field in ("eventTime", "awsRegion", "requestID", "eventID"):
            self.assertIn(field, rec)

    def test_a_write_that_changes_nothing_is_still_recorded(self):
        # The second TagResource sets the value the tag has: its transaction changes no row, and
        # its record is appended after the (empty) commit instead of inside it.
        kms = self.server.client("kms")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for _ in range(2):
            kms.tag_resource(KeyId=key, Tags=[{"TagKey": "team", "TagValue": "blue"}])
        mine = [self.record(e) for e in self.lookup("EventName", "TagResource")
                if self.record(e)["requestParameters"]["keyId"] == key]
        self.assertEqual(len(mine), 2)
        for rec in mine:
            self.assertNotIn("errorCode", rec)
            self.assertFalse(rec["readOnly"])
        self.assertEqual(kms.list_resource_tags(KeyId=key)["Tags"], [{"TagKey": "team", "TagValue": "blue"}])

    def test_secret_access_key_never_reaches_the_trail(self):
        events = self.lookup("EventName", "CreateAccessKey")
        self.assertTrue(events)
        for e in events:
            self.assertNotIn(self.key["SecretAccessKey"], e["CloudTrailEvent"])
            self.assertNotIn("secretAccessKey", self.record(e)["responseElements"]["accessKey"])

    def test_denied_call_is_recorded_with_access_denied(self):
        events = self.lookup("Username", "mallory")
        denied = [self.record(e) for e in events if self.record(e)["eventName"] == "CreateUser"]
        self.assertEqual(len(denied), 1)
        rec = denied[0]
        self.assertEqual(rec["errorCode"], "AccessDenied")
        self.assertIn("not authorized to perform: iam:CreateUser", rec["errorMessage"])
        self.assertEqual(rec["userIdentity"]["type"], "IAMUser")
        self.assertEqual(rec["userIdentity"]["userName"], "mallory")
        self.assertRegex(rec["userIdentity"]["principalId"], r"^AIDA")
        with self.assertRaises(botocore.exceptions.ClientError):
            self.server.client("iam").get_user(UserName="backdoor")  # and nothing was created

    def test_failed_call_is_recorded_with_its_error(self):
        events = self.lookup("EventName", "GetUser")
        failed = [self.record(e) for e in events if (self.record(e)["requestParameters"] or {}).get("userName") == "ghost"]
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["errorCode"], "NoSuchEntity")
        self.assertTrue(failed[0]["readOnly"])

    def test_lookup_by_access_key_resource_and_read_only(self):
        by_key = self.lookup("AccessKeyId", self.key["AccessKeyId"])
        self.assertTrue(all(e["AccessKeyId"] == self.key["AccessKeyId"] for e in by_key))
        self.assertTrue(by_key)
        by_resource = self.lookup("ResourceName", "mallory")
        self.assertIn("CreateUser", [e["EventName"] for e in by_resource])
        self.assertIn("AWS::IAM::User", [r["ResourceType"] for e in by_resource for r in e["Resources"]])
        writes = self.lookup("ReadOnly", "false")
        self.assertTrue(writes)
        self.assertTrue(all(e["ReadOnly"] == "false" for e in writes))
        by_source = self.lookup("EventSource", "iam.amazonaws.com")
        self.assertTrue(all(e["EventSource"] == "iam.amazonaws.com" for e in by_source))

    def test_lookup_by_event_id_finds_that_event_only(self):
        created = self.lookup("EventName", "CreateUser")
        self.assertTrue(created)
        for event in created[:3]:
            found = self.lookup("EventId", event["EventId"])
            self.assertEqual([e["EventId"] for e in found], [event["EventId"]])
            self.assertEqual(found[0]["CloudTrailEvent"], event["CloudTrailEvent"])
        # An id of another form (or an unknown one) finds nothing rather than failing.
        self.assertEqual(self.lookup("EventId", "not-an-event-id"), [])
        self.assertEqual(self.lookup("EventId", created[0]["EventId"][:-1] + ("0" if created[0]["EventId"][-1] != "0" else "1")), [])

    def test_paging_across_many_index_batches_returns_each_event_once_newest_first(self):
        # Calls interleaved with lookups (each lookup waits for the indexer): the events land in
        # many index batches, and a paged lookup must still see each once, in order.
        sts = self.server.client("sts")
        ct = self.server.client("cloudtrail")
        ids = set()
        for _ in range(12):
            for _ in range(5):
                ids.add(sts.get_caller_identity()["ResponseMetadata"]["RequestId"])
            ct.lookup_events(MaxResults=1)
        seen, times, token = [], [], None
        while True:
            kwargs = {"NextToken": token} if token else {}
            page = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}],
                                    MaxResults=7, **kwargs)
            for e in page["Events"]:
                seen.append(json.loads(e["CloudTrailEvent"])["requestID"])
                times.append(e["EventTime"])
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(len(seen), len(set(seen)))  # once each
        self.assertTrue(ids <= set(seen))
        self.assertEqual(times, sorted(times, reverse=True))

    def test_lookup_pages_newest_first(self):
        ct = self.server.client("cloudtrail")
        for _ in range(4):
            self.server.client("sts").get_caller_identity()
        first = ct.lookup_events(MaxResults=2)
        self.assertEqual(len(first["Events"]), 2)
        second = ct.lookup_events(MaxResults=2, NextToken=first["NextToken"])
        ids = [e["EventId"] for e in first["Events"] + second["Events"]]
        self.assertEqual(len(set(ids)), 4)
        times = [e["EventTime"] for e in first["Events"] + second["Events"]]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_time_range_and_errors(self):
        import datetime
        ct = self.server.client("cloudtrail")
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        self.assertEqual(ct.lookup_events(StartTime=future, EndTime=future + datetime.timedelta(hours=1))["Events"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.lookup_events(StartTime=future, EndTime=future - datetime.timedelta(days=2))
        self.assertAwsError(ctx, "InvalidTimeRangeException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.lookup_events(NextToken="bogus")
        self.assertAwsError(ctx, "InvalidNextTokenException", 400)

    def test_a_user_sees_only_via_permission(self):
        ct = self.server.client("cloudtrail", self.key["AccessKeyId"], self.key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.lookup_events()
        self.assertAwsError(ctx, "AccessDeniedException", 400)

    def test_cli_v2_reads_the_trail(self):
        rc, out, err = self.server.aws_v2("cloudtrail", "lookup-events", "--lookup-attributes",
                                          "AttributeKey=EventName,AttributeValue=CreateAccessKey")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["Events"])


if __name__ == "__main__":
    unittest.main()
