"""Managed policies attached to users and groups, ListEntitiesForPolicy, and users' permissions
boundaries. Driven with boto3 and both aws CLIs as the root user."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def document(*actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})


class AttachmentsAndBoundaries(IamFixtures, CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")
        self.account = self.server.root["AccountId"]

    def make_policy(self, name, path="/"):
        arn = self.iam.create_policy(PolicyName=name, Path=path, PolicyDocument=document("s3:GetObject"))["Policy"]["Arn"]
        self.addCleanup(self.delete_policy, arn)
        return arn

    def delete_policy(self, arn):
        try:
            self.iam.delete_policy(PolicyArn=arn)
        except botocore.exceptions.ClientError:
            pass

    def error(self, fn, code, status, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)["Error"]["Message"]

    def test_attach_list_and_detach_for_users(self):
        self.make_user("alice")
        own = self.make_policy("AliceReads", path="/team/")
        self.iam.attach_user_policy(UserName="alice", PolicyArn=own)
        self.iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
        self.iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)  # attaching twice changes nothing
        attached = self.iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AliceReads", "PolicyArn": own},
                                    {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}])
        filtered = self.iam.list_attached_user_policies(UserName="alice", PathPrefix="/team/")["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in filtered], ["AliceReads"])
        self.assertEqual(self.iam.get_policy(PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"], 1)
        message = self.error(self.iam.delete_user, "DeleteConflict", 409, UserName="alice")
        self.assertEqual(message, "Cannot delete entity, must detach all policies first.")
        self.iam.detach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
        message = self.error(self.iam.detach_user_policy, "NoSuchEntity", 404, UserName="alice", PolicyArn=READ_ONLY)
        self.assertEqual(message, f"Policy {READ_ONLY} was not found.")
        self.assertEqual(self.iam.get_policy(PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"], 0)

    def test_attach_for_groups(self):
        self.make_group("auditors")
        self.iam.attach_group_policy(GroupName="auditors", PolicyArn=IAM_READ)
        self.assertEqual(self.iam.list_attached_group_policies(GroupName="auditors")["AttachedPolicies"],
                         [{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": IAM_READ}])
        self.iam.detach_group_policy(GroupName="auditors", PolicyArn=IAM_READ)
        self.assertEqual(self.iam.list_attached_group_policies(GroupName="auditors")["AttachedPolicies"], [])

    def test_unknown_policy_or_entity(self):
        self.make_user("bob")
        missing = f"arn:aws:iam::{self.account}:policy/missing"
        message = self.error(self.iam.attach_user_policy, "NoSuchEntity", 404, UserName="bob", PolicyArn=missing)
        self.assertEqual(message, f"Policy {missing} does not exist or is not attachable.")
        message = self.error(self.iam.attach_group_policy, "NoSuchEntity", 404, GroupName="nogroup", PolicyArn=READ_ONLY)
        self.assertEqual(message, "The group with name nogroup cannot be found.")
        self.error(self.iam.attach_user_policy, "NoSuchEntity", 404, UserName="nobody", PolicyArn=READ_ONLY)

    def test_at_most_ten_managed_policies_per_user_and_group(self):
        self.make_user("carol")
        self.make_group("crowd")
        arns = [self.make_policy(f"Ten{i}") for i in range(11)]
        for arn in arns[:10]:
            self.iam.attach_user_policy(UserName="carol", PolicyArn=arn)
            self.iam.attach_group_policy(GroupName="crowd", PolicyArn=arn)
        message = self.error(self.iam.attach_user_policy, "LimitExceeded", 409, UserName="carol", PolicyArn=arns[10])
        self.assertEqual(message, "Cannot exceed quota for PoliciesPerUser: 10")
        message = self.error(self.iam.attach_group_policy, "LimitExceeded", 409, GroupName="crowd", PolicyArn=arns[10])
        self.assertEqual(message, "Cannot exceed quota for PoliciesPerGroup: 10")

    def test_list_entities_for_policy(self):
        arn = self.make_policy("Shared")
        self.make_user("dan", Path="/eng/")
        self.make_user("eva")
        self.make_group("devs")
        self.iam.attach_user_policy(UserName="dan", PolicyArn=arn)
        self.iam.attach_group_policy(GroupName="devs", PolicyArn=arn)
        self.iam.put_user_permissions_boundary(UserName="eva", PermissionsBoundary=arn)
        out = self.iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual([u["UserName"] for u in out["PolicyUsers"]], ["dan", "eva"])
        self.assertEqual([g["GroupName"] for g in out["PolicyGroups"]], ["devs"])
        self.assertEqual(out["PolicyRoles"], [])
        only_policies = self.iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy")
        self.assertEqual([u["UserName"] for u in only_policies["PolicyUsers"]], ["dan"])
        only_boundaries = self.iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
        self.assertEqual([u["UserName"] for u in only_boundaries["PolicyUsers"]], ["eva"])
        self.assertEqual(only_boundaries["PolicyGroups"], [])
        groups = self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Group")
        self.assertEqual((groups["PolicyUsers"], [g["GroupName"] for g in groups["PolicyGroups"]]), ([], ["devs"]))
        by_path = self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User", PathPrefix="/eng/")
        self.assertEqual([u["UserName"] for u in by_path["PolicyUsers"]], ["dan"])
        page = self.iam.list_entities_for_policy(PolicyArn=arn, MaxItems=2)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_entities_for_policy(PolicyArn=arn, MaxItems=2, Marker=page["Marker"])
        seen = page["PolicyGroups"] + page["PolicyUsers"] + rest["PolicyGroups"] + rest["PolicyUsers"]
        self.assertEqual(len(seen), 3)
        self.assertFalse(rest["IsTruncated"])

    def test_permissions_boundaries(self):
        arn = self.make_policy("Boundary")
        user = self.make_user("fay", PermissionsBoundary=arn)
        self.assertEqual(user["PermissionsBoundary"], {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn})
        self.assertEqual(self.iam.get_user(UserName="fay")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"], arn)
        policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual((policy["AttachmentCount"], policy["PermissionsBoundaryUsageCount"]), (0, 1))
        message = self.error(self.iam.delete_policy, "DeleteConflict", 409, PolicyArn=arn)
        self.assertEqual(message, "Cannot delete a policy attached to entities.")
        boundaries = self.iam.list_policies(Scope="Local", OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")
        self.assertEqual([p["PolicyName"] for p in boundaries["Policies"]], ["Boundary"])
        self.iam.put_user_permissions_boundary(UserName="fay", PermissionsBoundary=READ_ONLY)
        self.assertEqual(self.iam.get_user(UserName="fay")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"], READ_ONLY)
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"], 0)
        self.iam.delete_user_permissions_boundary(UserName="fay")
        self.assertNotIn("PermissionsBoundary", self.iam.get_user(UserName="fay")["User"])
        missing = f"arn:aws:iam::{self.account}:policy/NoSuchBoundary"
        self.error(self.iam.put_user_permissions_boundary, "NoSuchEntity", 404, UserName="fay", PermissionsBoundary=missing)
        self.error(self.iam.create_user, "NoSuchEntity", 404, UserName="gus", PermissionsBoundary=missing)
        self.error(self.iam.get_user, "NoSuchEntity", 404, UserName="gus")

    def test_both_clis_attach_and_list(self):
        self.make_user("hal")
        rc, _, err = self.server.aws_v2("iam", "attach-user-policy", "--user-name", "hal", "--policy-arn", READ_ONLY)
        self.assertEqual(rc, 0, err)
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("iam", "list-attached-user-policies", "--user-name", "hal")
            self.assertEqual(rc, 0, err)
            self.assertEqual([p["PolicyArn"] for p in out["AttachedPolicies"]], [READ_ONLY])
            rc, out, err = run("iam", "list-entities-for-policy", "--policy-arn", READ_ONLY)
            self.assertEqual(rc, 0, err)
            self.assertEqual([u["UserName"] for u in out["PolicyUsers"]], ["hal"])
        rc, _, err = self.server.aws_v1("iam", "put-user-permissions-boundary", "--user-name", "hal",
                                        "--permissions-boundary", IAM_READ)
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws_v2("iam", "get-user", "--user-name", "hal")
        self.assertEqual(out["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"], IAM_READ)
        rc, _, err = self.server.aws_v1("iam", "detach-user-policy", "--user-name", "hal", "--policy-arn", READ_ONLY)
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    unittest.main()
