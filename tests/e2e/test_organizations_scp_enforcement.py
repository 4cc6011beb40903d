"""Service control policies bind every principal of a member account — its root user included —
and never the management account; moving an account between OUs changes its rights on the next
request; aws:PrincipalOrgID works in identity policies."""
import json
import subprocess
import unittest

import botocore.exceptions

from citadel_harness import CITADEL, CitadelTestCase

DENY_IAM = json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]})


class ScpEnforcement(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.server.client("organizations")
        cls.org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        cls.root_id = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=cls.root_id, PolicyType="SERVICE_CONTROL_POLICY")
        cls.test_ou = org.create_organizational_unit(ParentId=cls.root_id, Name="Test")["OrganizationalUnit"]["Id"]
        cls.prod_ou = org.create_organizational_unit(ParentId=cls.root_id, Name="Prod")["OrganizationalUnit"]["Id"]
        status = org.create_account(Email="test@example.com", AccountName="test")["CreateAccountStatus"]
        cls.member = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=cls.member, SourceParentId=cls.root_id, DestinationParentId=cls.test_ou)
        # An operator reaches the member account's root user offline.
        out = subprocess.run([CITADEL, "admin", "create-root-key", "--data", cls.server.data_dir, "--account", cls.member],
                             capture_output=True, text=True, check=True)
        cls.member_key = json.loads(out.stdout)
        cls.deny_iam = org.create_policy(Name="deny-iam", Description="no IAM", Type="SERVICE_CONTROL_POLICY",
                                         Content=DENY_IAM)["Policy"]["PolicySummary"]["Id"]

    def member_iam(self):
        return self.server.client("iam", self.member_key["AccessKeyId"], self.member_key["SecretAccessKey"])

    def test_member_root_is_bound_by_an_scp_on_its_ou_and_the_management_account_is_not(self):
        org = self.server.client("organizations")
        self.member_iam().list_users()  # FullAWSAccess alone allows everything
        org.attach_policy(PolicyId=self.deny_iam, TargetId=self.test_ou)
        try:
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.member_iam().list_users()
            err = self.assertAwsError(ctx, "AccessDenied", 403)
            self.assertIn(f"arn:aws:iam::{self.member}:root", err["Error"]["Message"])
            self.assertIn("with an explicit deny in a service control policy", err["Error"]["Message"])
            # GetCallerIdentity needs no permission, so no SCP can deny it.
            sts = self.server.client("sts", self.member_key["AccessKeyId"], self.member_key["SecretAccessKey"])
            self.assertEqual(sts.get_caller_identity()["Account"], self.member)
            # The same SCP on the root does not bind the management account.
            org.attach_policy(PolicyId=self.deny_iam, TargetId=self.root_id)
            try:
                self.server.client("iam").list_users()
            finally:
                org.detach_policy(PolicyId=self.deny_iam, TargetId=self.root_id)
        finally:
            org.detach_policy(PolicyId=self.deny_iam, TargetId=self.test_ou)
        self.member_iam().list_users()  # detaching takes effect on the next request

    def test_moving_the_account_changes_its_rights_on_the_next_request(self):
        org = self.server.client("organizations")
        org.attach_policy(PolicyId=self.deny_iam, TargetId=self.test_ou)
        try:
            with self.assertRaises(botocore.exceptions.ClientError):
                self.member_iam().list_users()
            org.move_account(AccountId=self.member, SourceParentId=self.test_ou, DestinationParentId=self.prod_ou)
            self.member_iam().list_users()
            org.move_account(AccountId=self.member, SourceParentId=self.prod_ou, DestinationParentId=self.test_ou)
            with self.assertRaises(botocore.exceptions.ClientError):
                self.member_iam().list_users()
        finally:
            org.detach_policy(PolicyId=self.deny_iam, TargetId=self.test_ou)

    def test_an_scp_allow_list_without_the_action_denies_it(self):
        org = self.server.client("organizations")
        only_sts = org.create_policy(
            Name="only-sts", Description="allow list", Type="SERVICE_CONTROL_POLICY",
            Content=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]})
        )["Policy"]["PolicySummary"]["Id"]
        # Replace FullAWSAccess on the Test OU with the allow list: iam:* is no longer allowed there.
        org.attach_policy(PolicyId=only_sts, TargetId=self.test_ou)
        org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=self.test_ou)
        try:
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.member_iam().list_users()
            self.assertIn("because no service control policy allows the iam:ListUsers action",
                          ctx.exception.response["Error"]["Message"])
        finally:
            org.attach_policy(PolicyId="p-FullAWSAccess", TargetId=self.test_ou)
            org.detach_policy(PolicyId=only_sts, TargetId=self.test_ou)
        self.member_iam().list_users()

    def test_the_simulator_reports_the_organizations_decision(self):
        org = self.server.client("organizations")
        iam = self.server.client("iam")
        # The management account is never bound, but it is in the organization.
        iam.create_user(UserName="simulated-mgmt")
        arn = iam.get_user(UserName="simulated-mgmt")["User"]["Arn"]
        iam.put_user_policy(UserName="simulated-mgmt", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        org.attach_policy(PolicyId=self.deny_iam, TargetId=self.root_id)
        try:
            result = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["iam:ListUsers"])["EvaluationResults"][0]
            self.assertEqual(result["EvalDecision"], "allowed")
            self.assertTrue(result["OrganizationsDecisionDetail"]["AllowedByOrganizations"])
        finally:
            org.detach_policy(PolicyId=self.deny_iam, TargetId=self.root_id)
        # In the member account, an SCP on its OU that denies S3 decides against an identity allow.
        deny_s3 = org.create_policy(Name="deny-s3", Description="no S3", Type="SERVICE_CONTROL_POLICY", Content=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
        )["Policy"]["PolicySummary"]["Id"]
        member_iam = self.member_iam()
        member_iam.create_user(UserName="simulated-member")
        member_arn = member_iam.get_user(UserName="simulated-member")["User"]["Arn"]
        member_iam.put_user_policy(UserName="simulated-member", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        org.attach_policy(PolicyId=deny_s3, TargetId=self.test_ou)
        try:
            result = member_iam.simulate_principal_policy(PolicySourceArn=member_arn,
                                                          ActionNames=["s3:GetObject"])["EvaluationResults"][0]
            self.assertEqual(result["EvalDecision"], "explicitDeny")
            self.assertFalse(result["OrganizationsDecisionDetail"]["AllowedByOrganizations"])
            self.assertEqual(result["MatchedStatements"][0]["SourcePolicyId"], deny_s3)
        finally:
            org.detach_policy(PolicyId=deny_s3, TargetId=self.test_ou)
        result = member_iam.simulate_principal_policy(PolicySourceArn=member_arn,
                                                      ActionNames=["s3:GetObject"])["EvaluationResults"][0]
        self.assertEqual(result["EvalDecision"], "allowed")
        self.assertTrue(result["OrganizationsDecisionDetail"]["AllowedByOrganizations"])

    def test_the_management_account_administers_a_new_account_through_its_access_role(self):
        org = self.server.client("organizations")
        iam = self.server.client("iam")
        iam.create_user(UserName="org-admin")
        key = iam.create_access_key(UserName="org-admin")["AccessKey"]
        role_arn = f"arn:aws:iam::{self.member}:role/OrganizationAccountAccessRole"
        iam.put_user_policy(UserName="org-admin", PolicyName="assume", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}))
        sts = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="admin")["Credentials"]
        import boto3
        member_iam = boto3.client("iam", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                  aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                  aws_session_token=creds["SessionToken"])
        member_iam.create_user(UserName="made-by-admin-role")  # AdministratorAccess in the member account
        self.assertIn("made-by-admin-role", [u["UserName"] for u in self.member_iam().list_users()["Users"]])
        # An SCP on the account's OU binds the role too.
        org.attach_policy(PolicyId=self.deny_iam, TargetId=self.test_ou)
        try:
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                member_iam.list_users()
            self.assertIn("service control policy", ctx.exception.response["Error"]["Message"])
        finally:
            org.detach_policy(PolicyId=self.deny_iam, TargetId=self.test_ou)

    def test_principal_org_id_in_an_identity_policy(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="orgbound")
        key = iam.create_access_key(UserName="orgbound")["AccessKey"]
        cases = [("aws:PrincipalOrgID", self.org_id, True), ("aws:PrincipalOrgID", "o-0000000000", False),
                 ("aws:ResourceOrgID", self.org_id, True), ("aws:ResourceOrgID", "o-0000000000", False),
                 ("aws:ResourceAccount", self.server.root["AccountId"], True), ("aws:ResourceAccount", "000000000000", False)]
        for condition_key, org_id, allowed in cases:
            iam.put_user_policy(UserName="orgbound", PolicyName="in-org", PolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                               "Condition": {"StringEquals": {condition_key: org_id}}}]}))
            user_iam = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
            if allowed:
                user_iam.list_users()
            else:
                with self.assertRaises(botocore.exceptions.ClientError):
                    user_iam.list_users()


if __name__ == "__main__":
    unittest.main()
