"""ListPoliciesGrantingServiceAccess: which of a user's (and its groups') permissions policies let it
use a service."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


def document(*actions, not_action=False, effect="Allow"):
    key = "NotAction" if not_action else "Action"
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, key: list(actions), "Resource": "*"}]})


class PoliciesGrantingServiceAccess(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.server.client("iam")
        cls.account = cls.server.root["AccountId"]
        iam.create_user(UserName="olga")
        iam.create_group(GroupName="kms-admins")
        iam.add_user_to_group(GroupName="kms-admins", UserName="olga")
        iam.put_user_policy(UserName="olga", PolicyName="read-buckets", PolicyDocument=document("s3:Get*", "s3:List*"))
        iam.put_user_policy(UserName="olga", PolicyName="deny-kms", PolicyDocument=document("kms:*", effect="Deny"))
        iam.attach_user_policy(UserName="olga", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
        iam.attach_group_policy(GroupName="kms-admins", PolicyArn="arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser")

    def setUp(self):
        self.iam = self.server.client("iam")

    def granting(self, arn, *namespaces):
        out = self.iam.list_policies_granting_service_access(Arn=arn, ServiceNamespaces=list(namespaces))
        self.assertFalse(out["IsTruncated"])
        return {e["ServiceNamespace"]: [(p["PolicyName"], p["PolicyType"], p["EntityType"], p["EntityName"])
                                        for p in e["Policies"]] for e in out["PoliciesGrantingServiceAccess"]}

    def test_a_users_own_and_group_policies(self):
        got = self.granting(f"arn:aws:iam::{self.account}:user/olga", "s3", "kms", "iam")
        self.assertEqual(got["s3"], [("read-buckets", "INLINE", "USER", "olga"),
                                     ("PowerUserAccess", "MANAGED", "USER", "olga")])
        # The Deny does not grant; PowerUserAccess's NotAction leaves kms allowed.
        self.assertEqual(got["kms"], [("PowerUserAccess", "MANAGED", "USER", "olga"),
                                      ("AWSKeyManagementServicePowerUser", "MANAGED", "GROUP", "kms-admins")])
        # PowerUserAccess excludes iam:* but names a few iam actions in its second statement.
        self.assertEqual([p[0] for p in got["iam"]], ["PowerUserAccess", "AWSKeyManagementServicePowerUser"])

    def test_a_group_lists_only_its_own(self):
        got = self.granting(f"arn:aws:iam::{self.account}:group/kms-admins", "kms", "s3")
        self.assertEqual(got, {"kms": [("AWSKeyManagementServicePowerUser", "MANAGED", "GROUP", "kms-admins")], "s3": []})

    def test_unknown_identities(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.list_policies_granting_service_access(Arn=f"arn:aws:iam::{self.account}:user/nobody",
                                                           ServiceNamespaces=["s3"])
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.list_policies_granting_service_access(Arn=f"arn:aws:iam::{self.account}:policy/x",
                                                           ServiceNamespaces=["s3"])
        self.assertAwsError(ctx, "InvalidInput", 400)

    def test_cli_v2_lists_them(self):
        rc, out, err = self.server.aws_v2("iam", "list-policies-granting-service-access", "--arn",
                                          f"arn:aws:iam::{self.account}:user/olga", "--service-namespaces", "s3")
        self.assertEqual(rc, 0, err)
        self.assertEqual([p["PolicyName"] for p in out["PoliciesGrantingServiceAccess"][0]["Policies"]],
                         ["read-buckets", "PowerUserAccess"])


if __name__ == "__main__":
    unittest.main()
