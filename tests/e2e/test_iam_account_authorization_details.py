"""GetAccountAuthorizationDetails and GetAccountSummary: an auditor takes one snapshot of who may do what in
the account, and of how close it is to IAM's quotas."""
import json
import unittest

from citadel_harness import CitadelTestCase

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


class AccountAuthorizationDetails(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.server.client("iam")
        cls.policy_arn = iam.create_policy(PolicyName="Reader", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
        iam.create_policy_version(PolicyArn=cls.policy_arn, PolicyDocument=json.dumps(DOC), SetAsDefault=True)
        iam.create_user(UserName="auditee", Path="/ops/", Tags=[{"Key": "team", "Value": "ops"}],
                        PermissionsBoundary=READ_ONLY)
        iam.create_group(GroupName="operators")
        iam.add_user_to_group(GroupName="operators", UserName="auditee")
        iam.put_user_policy(UserName="auditee", PolicyName="own", PolicyDocument=json.dumps(DOC))
        iam.attach_user_policy(UserName="auditee", PolicyArn=cls.policy_arn)
        iam.put_group_policy(GroupName="operators", PolicyName="shared", PolicyDocument=json.dumps(DOC))
        iam.attach_group_policy(GroupName="operators", PolicyArn=READ_ONLY)

    def setUp(self):
        self.iam = self.server.client("iam")

    def test_snapshot_of_users_groups_and_policies(self):
        out = self.iam.get_account_authorization_details()
        self.assertFalse(out["IsTruncated"])
        user = {u["UserName"]: u for u in out["UserDetailList"]}["auditee"]
        self.assertEqual(user["Path"], "/ops/")
        self.assertEqual(user["UserPolicyList"], [{"PolicyName": "own", "PolicyDocument": DOC}])
        self.assertEqual(user["GroupList"], ["operators"])
        self.assertEqual(user["AttachedManagedPolicies"], [{"PolicyName": "Reader", "PolicyArn": self.policy_arn}])
        self.assertEqual(user["PermissionsBoundary"]["PermissionsBoundaryArn"], READ_ONLY)
        self.assertEqual(user["Tags"], [{"Key": "team", "Value": "ops"}])
        group = {g["GroupName"]: g for g in out["GroupDetailList"]}["operators"]
        self.assertEqual(group["GroupPolicyList"], [{"PolicyName": "shared", "PolicyDocument": DOC}])
        self.assertEqual(group["AttachedManagedPolicies"], [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}])
        self.assertEqual(out["RoleDetailList"], [])
        policies = {p["Arn"]: p for p in out["Policies"]}
        # AWS managed policies appear only when the account uses them.
        self.assertEqual(set(policies), {self.policy_arn, READ_ONLY})
        reader = policies[self.policy_arn]
        self.assertEqual([v["VersionId"] for v in reader["PolicyVersionList"]], ["v2", "v1"])
        self.assertEqual(reader["PolicyVersionList"][0]["Document"], DOC)
        self.assertEqual(reader["DefaultVersionId"], "v2")
        self.assertEqual(policies[READ_ONLY]["AttachmentCount"], 1)
        self.assertEqual(policies[READ_ONLY]["PermissionsBoundaryUsageCount"], 1)

    def test_filter_and_paging(self):
        only_groups = self.iam.get_account_authorization_details(Filter=["Group"])
        self.assertEqual([g["GroupName"] for g in only_groups["GroupDetailList"]], ["operators"])
        self.assertEqual((only_groups["UserDetailList"], only_groups["Policies"]), ([], []))
        local = self.iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])["Policies"]
        self.assertEqual([p["Arn"] for p in local], [self.policy_arn])
        seen = []
        page = self.iam.get_account_authorization_details(MaxItems=1)
        while True:
            seen += [u["UserName"] for u in page["UserDetailList"]] + [g["GroupName"] for g in page["GroupDetailList"]]
            seen += [p["PolicyName"] for p in page["Policies"]]
            if not page["IsTruncated"]:
                break
            page = self.iam.get_account_authorization_details(MaxItems=1, Marker=page["Marker"])
        self.assertEqual(seen, ["auditee", "operators", "Reader", "ReadOnlyAccess"])

    def test_account_summary_counts_entities_and_states_quotas(self):
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual((summary["Users"], summary["Groups"], summary["Policies"]), (1, 1, 1))
        self.assertEqual(summary["PolicyVersionsInUse"], 2)
        self.assertEqual(summary["AccountAccessKeysPresent"], 1)  # the root user's key
        self.assertEqual((summary["GroupsPerUserQuota"], summary["AttachedPoliciesPerUserQuota"]), (10, 10))
        self.assertEqual((summary["UserPolicySizeQuota"], summary["VersionsPerPolicyQuota"]), (2048, 5))
        rc, out, err = self.server.aws_v2("iam", "get-account-summary")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["SummaryMap"]["Users"], 1)

    def test_both_clis_read_the_snapshot(self):
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("iam", "get-account-authorization-details", "--filter", "User")
            self.assertEqual(rc, 0, err)
            self.assertEqual([u["UserName"] for u in out["UserDetailList"]], ["auditee"])
            self.assertEqual(out["UserDetailList"][0]["UserPolicyList"][0]["PolicyDocument"], DOC)


if __name__ == "__main__":
    unittest.main()
