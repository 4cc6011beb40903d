"""Account-level reports and settings: the credential report (AWS's CSV columns, the root user and
every IAM user), service last accessed data and RoleLastUsed from what entities actually called,
and account aliases."""
import csv
import io
import json
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures

COLUMNS = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
           "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
           "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
           "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
           "cert_1_last_rotated,cert_2_active,cert_2_last_rotated").split(",")


def eventually(fn, timeout=5):
    """Activity is recorded from the audit trail, which is indexed within moments of each call."""
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value or time.time() > deadline:
            return value
        time.sleep(0.1)


class Reports(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")
        cls.account = cls.server.root["AccountId"]

    def test_credential_report(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_credential_report()
        self.assertAwsError(ctx, "ReportNotPresent", 410)
        self.make_user("report-keys")
        key = self.iam.create_access_key(UserName="report-keys")["AccessKey"]
        self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"], region="eu-west-1").get_caller_identity()
        self.make_user("report-password")
        self.iam.create_login_profile(UserName="report-password", Password="Report-pass1")
        # Key use is recorded from the audit trail; wait for it before the report reads it.
        eventually(lambda: "LastUsedDate" in self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"])
        self.assertEqual(self.iam.generate_credential_report()["State"], "STARTED")
        self.assertEqual(self.iam.generate_credential_report()["State"], "COMPLETE")
        report = self.iam.get_credential_report()
        self.assertEqual(report["ReportFormat"], "text/csv")
        rows = list(csv.reader(io.StringIO(report["Content"].decode())))
        self.assertEqual(rows[0], COLUMNS)
        by_user = {r[0]: dict(zip(COLUMNS, r)) for r in rows[1:]}
        root = by_user["<root_account>"]
        self.assertEqual(root["arn"], f"arn:aws:iam::{self.account}:root")
        self.assertEqual(root["password_enabled"], "not_supported")
        self.assertEqual(root["access_key_1_active"], "true")
        keys = by_user["report-keys"]
        self.assertEqual(keys["arn"], f"arn:aws:iam::{self.account}:user/report-keys")
        self.assertEqual(keys["password_enabled"], "false")
        self.assertEqual(keys["access_key_1_active"], "true")
        self.assertEqual(keys["access_key_1_last_used_service"], "sts")
        self.assertEqual(keys["access_key_1_last_used_region"], "eu-west-1")
        self.assertRegex(keys["access_key_1_last_used_date"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertEqual(keys["access_key_2_active"], "false")
        password = by_user["report-password"]
        self.assertEqual(password["password_enabled"], "true")
        self.assertEqual(password["password_last_used"], "no_information")
        self.assertEqual(password["mfa_active"], "false")
        # Debian's aws CLI v2 reads the same report.
        rc, out, err = self.server.aws_v2("iam", "get-credential-report")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["ReportFormat"], "text/csv")

    def test_service_last_accessed_and_role_last_used(self):
        self.make_user("sla-user")
        key = self.iam.create_access_key(UserName="sla-user")["AccessKey"]
        self.iam.put_user_policy(UserName="sla-user", PolicyName="some", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["iam:ListUsers", "sts:AssumeRole", "kms:Encrypt"], "Resource": "*"}]}))
        user_arn = f"arn:aws:iam::{self.account}:user/sla-user"
        self.iam.create_role(RoleName="sla-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}]}))
        self.addCleanup(self.iam.delete_role, RoleName="sla-role")
        self.iam.put_role_policy(RoleName="sla-role", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]}))
        self.addCleanup(self.iam.delete_role_policy, RoleName="sla-role", PolicyName="read")
        self.assertEqual(self.iam.get_role(RoleName="sla-role")["Role"]["RoleLastUsed"], {})

        user_iam = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"], region="us-west-2")
        user_iam.list_users()
        creds = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
            RoleArn=f"arn:aws:iam::{self.account}:role/sla-role", RoleSessionName="sla")["Credentials"]
        import boto3
        boto3.client("iam", endpoint_url=self.server.endpoint, region_name="eu-central-1",
                     aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                     aws_session_token=creds["SessionToken"]).get_role(RoleName="sla-role")

        used = eventually(lambda: self.iam.get_role(RoleName="sla-role")["Role"]["RoleLastUsed"])
        self.assertEqual(used["Region"], "eu-central-1")
        self.assertIn("LastUsedDate", used)

        def report(arn):
            job = self.iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
            details = self.iam.get_service_last_accessed_details(JobId=job)
            self.assertEqual(details["JobStatus"], "COMPLETED")
            return job, {s["ServiceNamespace"]: s for s in details["ServicesLastAccessed"]}

        _, services = eventually(lambda: (lambda r: r if "LastAuthenticated" in r[1].get("sts", {}) else None)(report(user_arn)))
        self.assertEqual(set(services), {"iam", "kms", "sts"})
        self.assertEqual(services["iam"]["ServiceName"], "AWS Identity and Access Management")
        self.assertEqual(services["iam"]["LastAuthenticatedEntity"], user_arn)
        self.assertEqual(services["iam"]["LastAuthenticatedRegion"], "us-west-2")
        self.assertEqual(services["iam"]["TotalAuthenticatedEntities"], 1)
        self.assertNotIn("LastAuthenticated", services["kms"])  # granted, never used
        self.assertEqual(services["kms"]["TotalAuthenticatedEntities"], 0)

        job, role_services = report(f"arn:aws:iam::{self.account}:role/sla-role")
        self.assertEqual(set(role_services), {"iam"})
        self.assertEqual(role_services["iam"]["LastAuthenticatedEntity"], f"arn:aws:iam::{self.account}:role/sla-role")
        entities = self.iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
        self.assertEqual([e["EntityInfo"]["Type"] for e in entities["EntityDetailsList"]], ["ROLE"])

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_service_last_accessed_details(JobId="00000000-0000-0000-0000-000000000000")
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{self.account}:user/nobody")
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_account_alias(self):
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])
        for bad in ("-bad", "Upper", "a--b", "bad-"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.iam.create_account_alias(AccountAlias=bad)
            self.assertAwsError(ctx, "ValidationError", 400)
        self.iam.create_account_alias(AccountAlias="citadel-test")
        rc, out, err = self.server.aws_v1("iam", "list-account-aliases")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["AccountAliases"], ["citadel-test"])
        self.iam.create_account_alias(AccountAlias="citadel-renamed")  # one alias per account: replaced
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], ["citadel-renamed"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_account_alias(AccountAlias="citadel-test")
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        self.iam.delete_account_alias(AccountAlias="citadel-renamed")
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])


if __name__ == "__main__":
    unittest.main()
