"""Inline policies of users and groups: put, read back, replace, list and delete, with IAM's size
quotas. Driven with boto3 and both aws CLIs as the root user."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures


def document(*actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})


class InlinePolicies(IamFixtures, CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")

    def error(self, fn, code, status, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)["Error"]["Message"]

    def test_user_inline_policy_lifecycle(self):
        self.make_user("ada")
        self.iam.put_user_policy(UserName="ada", PolicyName="read", PolicyDocument=document("s3:GetObject"))
        got = self.iam.get_user_policy(UserName="ADA", PolicyName="read")
        self.assertEqual(got["UserName"], "ada")
        self.assertEqual(got["PolicyName"], "read")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], ["s3:GetObject"])
        # Putting the same name replaces the document.
        self.iam.put_user_policy(UserName="ada", PolicyName="read", PolicyDocument=document("s3:ListBucket"))
        got = self.iam.get_user_policy(UserName="ada", PolicyName="read")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], ["s3:ListBucket"])
        self.iam.put_user_policy(UserName="ada", PolicyName="keys", PolicyDocument=document("kms:DescribeKey"))
        self.assertEqual(self.iam.list_user_policies(UserName="ada")["PolicyNames"], ["keys", "read"])
        self.iam.delete_user_policy(UserName="ada", PolicyName="read")
        self.assertEqual(self.iam.list_user_policies(UserName="ada")["PolicyNames"], ["keys"])
        message = self.error(self.iam.get_user_policy, "NoSuchEntity", 404, UserName="ada", PolicyName="read")
        self.assertEqual(message, "The user policy with name read cannot be found.")
        self.error(self.iam.delete_user_policy, "NoSuchEntity", 404, UserName="ada", PolicyName="read")

    def test_group_inline_policy_lifecycle(self):
        self.make_group("analysts")
        self.iam.put_group_policy(GroupName="analysts", PolicyName="logs", PolicyDocument=document("logs:FilterLogEvents"))
        got = self.iam.get_group_policy(GroupName="analysts", PolicyName="logs")
        self.assertEqual(got["GroupName"], "analysts")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], ["logs:FilterLogEvents"])
        self.assertEqual(self.iam.list_group_policies(GroupName="analysts")["PolicyNames"], ["logs"])
        self.iam.delete_group_policy(GroupName="analysts", PolicyName="logs")
        message = self.error(self.iam.get_group_policy, "NoSuchEntity", 404, GroupName="analysts", PolicyName="logs")
        self.assertEqual(message, "The group policy with name logs cannot be found.")

    def test_missing_owner_is_no_such_entity(self):
        message = self.error(self.iam.put_user_policy, "NoSuchEntity", 404, UserName="ghost", PolicyName="p",
                             PolicyDocument=document("s3:GetObject"))
        self.assertEqual(message, "The user with name ghost cannot be found.")
        message = self.error(self.iam.list_group_policies, "NoSuchEntity", 404, GroupName="ghosts")
        self.assertEqual(message, "The group with name ghosts cannot be found.")

    def test_malformed_documents_are_refused(self):
        self.make_user("bea")
        no_effect = json.dumps({"Version": "2012-10-17", "Statement": [{"Action": "s3:*", "Resource": "*"}]})
        self.error(self.iam.put_user_policy, "MalformedPolicyDocument", 400, UserName="bea", PolicyName="p",
                   PolicyDocument=no_effect)
        with_principal = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]})
        self.error(self.iam.put_user_policy, "MalformedPolicyDocument", 400, UserName="bea", PolicyName="p",
                   PolicyDocument=with_principal)
        self.assertEqual(self.iam.list_user_policies(UserName="bea")["PolicyNames"], [])

    def test_size_quotas_of_users_and_groups(self):
        self.make_user("cid")
        self.make_group("big")
        # ~1,100 characters each: one fits a user's 2,048, two do not; a group's 5,120 holds four.
        chunk = document(*[f"s3:GetObject{i:04d}" for i in range(55)])
        self.iam.put_user_policy(UserName="cid", PolicyName="one", PolicyDocument=chunk)
        message = self.error(self.iam.put_user_policy, "LimitExceeded", 409, UserName="cid", PolicyName="two",
                             PolicyDocument=chunk)
        self.assertEqual(message, "Maximum policy size of 2048 bytes exceeded for user cid")
        # Replacing the one policy with a document of the same size is fine.
        self.iam.put_user_policy(UserName="cid", PolicyName="one", PolicyDocument=chunk)
        for name in ("a", "b", "c", "d"):
            self.iam.put_group_policy(GroupName="big", PolicyName=name, PolicyDocument=chunk)
        message = self.error(self.iam.put_group_policy, "LimitExceeded", 409, GroupName="big", PolicyName="e",
                             PolicyDocument=chunk)
        self.assertEqual(message, "Maximum policy size of 5120 bytes exceeded for group big")

    def test_a_user_with_inline_policies_cannot_be_deleted(self):
        self.make_user("dot")
        self.iam.put_user_policy(UserName="dot", PolicyName="p", PolicyDocument=document("s3:GetObject"))
        message = self.error(self.iam.delete_user, "DeleteConflict", 409, UserName="dot")
        self.assertEqual(message, "Cannot delete entity, must delete policies first.")

    def test_both_clis_manage_inline_policies(self):
        self.make_user("eve")
        rc, _, err = self.server.aws_v2("iam", "put-user-policy", "--user-name", "eve", "--policy-name", "cli",
                                        "--policy-document", document("sts:GetCallerIdentity"))
        self.assertEqual(rc, 0, err)
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("iam", "get-user-policy", "--user-name", "eve", "--policy-name", "cli")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["PolicyDocument"]["Statement"][0]["Action"], ["sts:GetCallerIdentity"])
            rc, out, err = run("iam", "list-user-policies", "--user-name", "eve")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["PolicyNames"], ["cli"])
        rc, _, err = self.server.aws_v1("iam", "delete-user-policy", "--user-name", "eve", "--policy-name", "cli")
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    unittest.main()
