"""Resource control policies on real resources: a member account shares a bucket through its bucket
policy, and an RCP on the member's OU ("nobody outside the organization") takes that away from
callers outside the organization while callers inside keep it — whatever the bucket policy says."""
import json
import subprocess
import unittest

import botocore.exceptions

from citadel_harness import CITADEL, CitadelTestCase


class RcpOnBuckets(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.server.client("organizations")
        cls.org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        cls.root_id = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=cls.root_id, PolicyType="RESOURCE_CONTROL_POLICY")
        cls.ou = org.create_organizational_unit(ParentId=cls.root_id, Name="Data")["OrganizationalUnit"]["Id"]
        status = org.create_account(Email="data@example.com", AccountName="data")["CreateAccountStatus"]
        cls.member = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=cls.member, SourceParentId=cls.root_id, DestinationParentId=cls.ou)
        out = subprocess.run([CITADEL, "admin", "create-root-key", "--data", cls.server.data_dir, "--account", cls.member],
                             capture_output=True, text=True, check=True)
        key = json.loads(out.stdout)
        cls.member_s3 = cls.server.client("s3", key["AccessKeyId"], key["SecretAccessKey"])

    def test_an_rcp_keeps_a_shared_bucket_inside_the_organization(self):
        s3 = self.member_s3
        s3.create_bucket(Bucket="data-share")
        s3.put_object(Bucket="data-share", Key="report.csv", Body=b"a,b\n1,2\n")
        s3.delete_public_access_block(Bucket="data-share")
        s3.put_bucket_policy(Bucket="data-share", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-share/*"}]}))
        # Shared with everyone: the management account's root user and anonymous callers alike.
        mgmt = self.server.client("s3")
        self.assertEqual(mgmt.get_object(Bucket="data-share", Key="report.csv")["Body"].read(), b"a,b\n1,2\n")
        self.assertEqual(self.server.anonymous_get("data-share", "report.csv"), 200)

        org = self.server.client("organizations")
        rcp = org.create_policy(Name="org-only", Description="nobody outside the organization", Type="RESOURCE_CONTROL_POLICY",
                                Content=json.dumps({"Version": "2012-10-17", "Statement": [{
                                    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": self.org_id},
                                                  "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}))
        rcp_id = rcp["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=rcp_id, TargetId=self.ou)
        try:
            # Inside the organization: still shared. Outside (anonymous): denied despite the bucket policy.
            self.assertEqual(mgmt.get_object(Bucket="data-share", Key="report.csv")["Body"].read(), b"a,b\n1,2\n")
            self.assertEqual(self.server.anonymous_get("data-share", "report.csv"), 403)
            # The RCP binds the member account's own resources only: the management account's bucket is open.
            mgmt.create_bucket(Bucket="mgmt-open")
            mgmt.put_object(Bucket="mgmt-open", Key="k", Body=b"x")
            mgmt.delete_public_access_block(Bucket="mgmt-open")
            mgmt.put_bucket_policy(Bucket="mgmt-open", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mgmt-open/*"}]}))
            self.assertEqual(self.server.anonymous_get("mgmt-open", "k"), 200)
        finally:
            org.detach_policy(PolicyId=rcp_id, TargetId=self.ou)
        self.assertEqual(self.server.anonymous_get("data-share", "report.csv"), 200)


if __name__ == "__main__":
    unittest.main()
