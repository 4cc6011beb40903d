"""What an IAM user may do is what its own, its groups' and its boundary's policies say, and a change
takes effect on the next request: the policies reach authorization through load_user_policies."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase

IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def document(*actions, effect="Allow", condition=None):
    statement = {"Effect": effect, "Action": list(actions), "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class EffectivePermissions(CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")
        self.account = self.server.root["AccountId"]

    def user_client(self, name, **kw):
        """A user with a key, and an IAM client acting as it."""
        self.iam.create_user(UserName=name, **kw)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])

    def allowed(self, call, **kw):
        try:
            call(**kw)
            return True
        except botocore.exceptions.ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "AccessDenied", e.response)
            self.last_denial = e.response["Error"]["Message"]
            return False

    def test_permissions_through_a_group_come_and_go_with_membership(self):
        me = self.user_client("gina")
        self.assertFalse(self.allowed(me.list_users))
        self.iam.create_group(GroupName="readers")
        self.iam.attach_group_policy(GroupName="readers", PolicyArn=IAM_READ)
        self.iam.add_user_to_group(GroupName="readers", UserName="gina")
        self.assertTrue(self.allowed(me.list_users))
        self.assertFalse(self.allowed(me.create_group, GroupName="mine"))
        self.iam.remove_user_from_group(GroupName="readers", UserName="gina")
        self.assertFalse(self.allowed(me.list_users))

    def test_group_inline_policy_and_user_inline_policy(self):
        me = self.user_client("hank")
        self.iam.create_group(GroupName="listers")
        self.iam.add_user_to_group(GroupName="listers", UserName="hank")
        self.iam.put_group_policy(GroupName="listers", PolicyName="groups", PolicyDocument=document("iam:ListGroups"))
        self.assertTrue(self.allowed(me.list_groups))
        self.assertFalse(self.allowed(me.list_users))
        self.iam.put_user_policy(UserName="hank", PolicyName="users", PolicyDocument=document("iam:ListUsers"))
        self.assertTrue(self.allowed(me.list_users))
        self.iam.delete_group_policy(GroupName="listers", PolicyName="groups")
        self.assertFalse(self.allowed(me.list_groups))

    def test_the_default_version_is_the_one_that_counts(self):
        me = self.user_client("ivy")
        arn = self.iam.create_policy(PolicyName="Evolving", PolicyDocument=document("iam:ListUsers"))["Policy"]["Arn"]
        self.iam.attach_user_policy(UserName="ivy", PolicyArn=arn)
        self.assertTrue(self.allowed(me.list_users))
        self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=document("iam:ListGroups"))
        self.assertTrue(self.allowed(me.list_users))  # v2 is not the default yet
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
        self.assertFalse(self.allowed(me.list_users))
        self.assertTrue(self.allowed(me.list_groups))
        self.iam.detach_user_policy(UserName="ivy", PolicyArn=arn)
        self.assertFalse(self.allowed(me.list_groups))

    def test_a_boundary_caps_what_attached_policies_allow(self):
        me = self.user_client("jon", PermissionsBoundary=IAM_READ)
        self.iam.attach_user_policy(UserName="jon", PolicyArn=ADMIN)
        self.assertTrue(self.allowed(me.list_users))
        self.assertFalse(self.allowed(me.create_group, GroupName="jons"))
        self.assertIn("because no permissions boundary allows the iam:CreateGroup action", self.last_denial)
        self.iam.delete_user_permissions_boundary(UserName="jon")
        self.assertTrue(self.allowed(me.create_group, GroupName="jons"))

    def test_an_explicit_deny_in_a_group_wins(self):
        me = self.user_client("kim")
        self.iam.attach_user_policy(UserName="kim", PolicyArn=IAM_READ)
        self.iam.create_group(GroupName="fenced")
        self.iam.add_user_to_group(GroupName="fenced", UserName="kim")
        self.iam.put_group_policy(GroupName="fenced", PolicyName="no-users",
                                  PolicyDocument=document("iam:ListUsers", effect="Deny"))
        self.assertFalse(self.allowed(me.list_users))
        self.assertIn("with an explicit deny in an identity-based policy", self.last_denial)
        self.assertTrue(self.allowed(me.list_groups))

    def test_principal_tags_reach_conditions(self):
        me = self.user_client("lou")
        self.iam.put_user_policy(UserName="lou", PolicyName="team-only", PolicyDocument=document(
            "iam:ListUsers", condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}))
        self.assertFalse(self.allowed(me.list_users))
        self.iam.tag_user(UserName="lou", Tags=[{"Key": "team", "Value": "blue"}])
        self.assertTrue(self.allowed(me.list_users))

    def test_resource_tags_of_users_and_policies_reach_conditions(self):
        me = self.user_client("mia")
        self.iam.put_user_policy(UserName="mia", PolicyName="blue-only", PolicyDocument=document(
            "iam:GetUser", "iam:GetPolicy", condition={"StringEquals": {"aws:ResourceTag/team": "blue"}}))
        self.iam.create_user(UserName="blue-user", Tags=[{"Key": "team", "Value": "blue"}])
        self.iam.create_user(UserName="red-user", Tags=[{"Key": "team", "Value": "red"}])
        self.assertTrue(self.allowed(me.get_user, UserName="blue-user"))
        self.assertFalse(self.allowed(me.get_user, UserName="red-user"))
        blue = self.iam.create_policy(PolicyName="BluePolicy", PolicyDocument=document("s3:GetObject"),
                                      Tags=[{"Key": "team", "Value": "blue"}])["Policy"]["Arn"]
        red = self.iam.create_policy(PolicyName="RedPolicy", PolicyDocument=document("s3:GetObject"))["Policy"]["Arn"]
        self.assertTrue(self.allowed(me.get_policy, PolicyArn=blue))
        self.assertFalse(self.allowed(me.get_policy, PolicyArn=red))

    def test_delegated_admin_may_only_manage_users_within_a_boundary(self):
        """The pattern AWS documents for delegation: iam:PermissionsBoundary pins the boundary."""
        me = self.user_client("ned")
        self.iam.put_user_policy(UserName="ned", PolicyName="delegate", PolicyDocument=document(
            "iam:CreateUser", "iam:PutUserPolicy", "iam:AttachUserPolicy",
            condition={"StringEquals": {"iam:PermissionsBoundary": IAM_READ}}))
        self.assertFalse(self.allowed(me.create_user, UserName="unbounded"))
        self.assertTrue(self.allowed(me.create_user, UserName="bounded", PermissionsBoundary=IAM_READ))
        self.assertTrue(self.allowed(me.attach_user_policy, UserName="bounded", PolicyArn=ADMIN))
        self.assertTrue(self.allowed(me.put_user_policy, UserName="bounded", PolicyName="p", PolicyDocument=document("s3:*")))
        self.iam.create_user(UserName="free")
        self.assertFalse(self.allowed(me.attach_user_policy, UserName="free", PolicyArn=ADMIN))
        self.assertFalse(self.allowed(me.put_user_policy, UserName="free", PolicyName="p", PolicyDocument=document("s3:*")))


if __name__ == "__main__":
    unittest.main()
