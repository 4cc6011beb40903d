"""Temporary credentials from STS: GetSessionToken issues ASIA keys with a sealed session token;
they act as the caller, are refused when altered, cannot mint further sessions, and leave
session context in CloudTrail."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class StsSessions(CitadelTestCase):
    def session_client(self, service, creds):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name="us-east-1",
                            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], config=Config(retries={"max_attempts": 1}))

    def test_root_session_acts_as_root(self):
        creds = self.server.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertTrue(creds["SessionToken"])
        ident = self.session_client("sts", creds).get_caller_identity()
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{self.server.root['AccountId']}:root")
        # The session can do what the root user can.
        self.session_client("iam", creds).list_users()

    def test_user_session_acts_as_the_user(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="sessionuser")
        key = iam.create_access_key(UserName="sessionuser")["AccessKey"]
        sts = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        creds = sts.get_session_token()["Credentials"]
        ident = self.session_client("sts", creds).get_caller_identity()
        self.assertTrue(ident["Arn"].endswith(":user/sessionuser"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.session_client("iam", creds).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        # Sessions cannot mint sessions.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.session_client("sts", creds).get_session_token()
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_altered_or_mismatched_tokens_are_refused(self):
        creds = self.server.client("sts").get_session_token()["Credentials"]
        token = creds["SessionToken"]
        flipped = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
        for bad in (dict(creds, SessionToken=flipped), dict(creds, SessionToken="garbage"),
                    dict(creds, AccessKeyId="ASIA" + "A" * 16)):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.session_client("sts", bad).get_caller_identity()
            self.assertIn(ctx.exception.response["Error"]["Code"], {"InvalidClientTokenId", "SignatureDoesNotMatch"})
        # A long-term key presented with a session token is refused too.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.session_client("sts", dict(creds, AccessKeyId=self.server.root["AccessKeyId"],
                                            SecretAccessKey=self.server.root["SecretAccessKey"])).get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)

    def test_get_access_key_info_names_the_account(self):
        sts = self.server.client("sts")
        out = sts.get_access_key_info(AccessKeyId=self.server.root["AccessKeyId"])
        self.assertEqual(out["Account"], self.server.root["AccountId"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_access_key_info(AccessKeyId="AKIAAAAAAAAAAAAAAAAA")
        self.assertAwsError(ctx, "InvalidParameterValue", 400)

    def test_session_calls_carry_session_context_in_cloudtrail(self):
        creds = self.server.client("sts").get_session_token()["Credentials"]
        self.session_client("sts", creds).get_caller_identity()
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": creds["AccessKeyId"]}])["Events"]
        self.assertTrue(events)
        identity = json.loads(events[0]["CloudTrailEvent"])["userIdentity"]
        self.assertEqual(identity["accessKeyId"], creds["AccessKeyId"])
        self.assertEqual(identity["sessionContext"]["attributes"]["mfaAuthenticated"], "false")
        # The secret and the token never reach the trail.
        for e in self.server.client("cloudtrail").lookup_events(
                LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetSessionToken"}])["Events"]:
            self.assertNotIn(creds["SecretAccessKey"], e["CloudTrailEvent"])
            self.assertNotIn(creds["SessionToken"][:40], e["CloudTrailEvent"])

    def test_cli_v2_gets_a_session_token(self):
        rc, out, err = self.server.aws_v2("sts", "get-session-token", "--duration-seconds", "900")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["Credentials"]["AccessKeyId"].startswith("ASIA"))


if __name__ == "__main__":
    unittest.main()
