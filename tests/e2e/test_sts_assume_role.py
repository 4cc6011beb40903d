"""Roles and their sessions: the trust policy decides who may assume a role (with the caller's own
policies when the trust names only the account), sessions act with the role's policies limited by
session policies, durations and role chaining are capped, and CloudTrail names the issuer."""
import json
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from citadel_harness import CitadelTestCase


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class AssumeRole(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.server.root["AccountId"]
        iam = cls.server.client("iam")
        iam.create_user(UserName="alice")
        cls.alice = iam.create_access_key(UserName="alice")["AccessKey"]
        iam.create_user(UserName="bob")
        cls.bob = iam.create_access_key(UserName="bob")["AccessKey"]
        # deployer trusts the account (so callers also need their own permission); auditor names alice.
        iam.create_role(RoleName="deployer", MaxSessionDuration=7200, AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{cls.account}:root"}, "Action": "sts:AssumeRole"}))
        iam.put_role_policy(RoleName="deployer", PolicyName="iam-read", PolicyDocument=doc(
            {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:ListRoles", "sts:AssumeRole"], "Resource": "*"}))
        iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{cls.account}:user/alice"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "audit-2026"}}}))
        iam.put_role_policy(RoleName="auditor", PolicyName="trail", PolicyDocument=doc(
            {"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}))
        iam.put_user_policy(UserName="alice", PolicyName="assume-deployer", PolicyDocument=doc(
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{cls.account}:role/deployer"}))

    def sts_as(self, key):
        return self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])

    def session(self, service, creds):
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name="us-east-1",
                            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], config=Config(retries={"max_attempts": 1}))

    def assume(self, key, role, **kw):
        return self.sts_as(key).assume_role(RoleArn=f"arn:aws:iam::{self.account}:role/{role}", RoleSessionName="s1", **kw)

    def test_session_acts_with_the_roles_policies(self):
        out = self.assume(self.alice, "deployer")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{self.account}:assumed-role/deployer/s1")
        self.assertRegex(out["AssumedRoleUser"]["AssumedRoleId"], r"^AROA[A-Z2-7]+:s1$")
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        ident = self.session("sts", creds).get_caller_identity()
        self.assertEqual(ident["Arn"], out["AssumedRoleUser"]["Arn"])
        self.session("iam", creds).list_users()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.session("iam", creds).create_user(UserName="nope")
        self.assertIn(f"assumed-role/deployer/s1 is not authorized to perform: iam:CreateUser",
                      ctx.exception.response["Error"]["Message"])

    def test_trust_naming_only_the_account_needs_the_callers_permission(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(self.bob, "deployer")
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_trust_naming_the_user_with_an_external_id(self):
        with self.assertRaises(botocore.exceptions.ClientError):
            self.assume(self.alice, "auditor")  # no ExternalId
        with self.assertRaises(botocore.exceptions.ClientError):
            self.assume(self.alice, "auditor", ExternalId="wrong")
        creds = self.assume(self.alice, "auditor", ExternalId="audit-2026")["Credentials"]
        self.session("cloudtrail", creds).lookup_events(MaxResults=1)
        with self.assertRaises(botocore.exceptions.ClientError):
            self.assume(self.bob, "auditor", ExternalId="audit-2026")  # the trust names alice only

    def test_session_policy_limits_the_session(self):
        creds = self.assume(self.alice, "deployer", Policy=doc({"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}))["Credentials"]
        self.session("iam", creds).list_roles()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.session("iam", creds).list_users()
        self.assertIn("because no session policy allows the iam:ListUsers action", ctx.exception.response["Error"]["Message"])

    def test_durations_and_role_chaining(self):
        self.assume(self.alice, "deployer", DurationSeconds=7200)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(self.alice, "deployer", DurationSeconds=7201)
        self.assertAwsError(ctx, "ValidationError", 400)
        creds = self.assume(self.alice, "deployer")["Credentials"]
        chained = self.session("sts", creds)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            chained.assume_role(RoleArn=f"arn:aws:iam::{self.account}:role/deployer", RoleSessionName="s2", DurationSeconds=7200)
        self.assertIn("role chaining", ctx.exception.response["Error"]["Message"])
        again = chained.assume_role(RoleArn=f"arn:aws:iam::{self.account}:role/deployer", RoleSessionName="s2")
        self.assertTrue(again["AssumedRoleUser"]["Arn"].endswith("/deployer/s2"))

    def test_root_may_not_assume_roles_and_unknown_roles_are_denied(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.client("sts").assume_role(RoleArn=f"arn:aws:iam::{self.account}:role/deployer", RoleSessionName="rootsession")
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.assume(self.alice, "no-such-role")
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.sts_as(self.alice).assume_role(RoleArn=f"arn:aws:iam::{self.account}:role/deployer", RoleSessionName="bad name!")
        self.assertAwsError(ctx, "ValidationError", 400)

    def test_cloudtrail_names_the_session_issuer(self):
        creds = self.assume(self.alice, "deployer")["Credentials"]
        self.session("iam", creds).list_users()
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": creds["AccessKeyId"]}])["Events"]
        self.assertTrue(events)
        identity = json.loads(events[0]["CloudTrailEvent"])["userIdentity"]
        self.assertEqual(identity["type"], "AssumedRole")
        self.assertEqual(identity["sessionContext"]["sessionIssuer"]["arn"], f"arn:aws:iam::{self.account}:role/deployer")
        self.assertEqual(identity["sessionContext"]["sessionIssuer"]["userName"], "deployer")

    def test_cli_v2_assumes_a_role(self):
        rc, out, err = self.server.aws_v2("sts", "assume-role", "--role-arn", f"arn:aws:iam::{self.account}:role/deployer",
                                          "--role-session-name", "cli", key_id=self.alice["AccessKeyId"],
                                          secret=self.alice["SecretAccessKey"])
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["Credentials"]["AccessKeyId"].startswith("ASIA"))


if __name__ == "__main__":
    unittest.main()
