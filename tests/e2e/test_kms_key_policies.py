"""Key policies decide who uses a key: IAM policies count only where the key policy lets the
account delegate to IAM; a key policy naming a user allows it alone; an explicit Deny wins; another
account uses a key only when the key policy names it (and its own IAM allows); conditions see the
encryption context. PutKeyPolicy refuses to lock the caller out unless told to."""
import json
import subprocess
import unittest

import botocore.exceptions

from citadel_harness import CITADEL, CitadelTestCase


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class KeyPolicies(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.server.root["AccountId"]
        iam = cls.server.client("iam")
        cls.keys = {}
        for name in ("alice", "bob"):
            iam.create_user(UserName=name)
            cls.keys[name] = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName="bob", PolicyName="all-kms", PolicyDocument=doc(
            {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))

    def setUp(self):
        self.kms = self.server.client("kms")

    def as_user(self, name):
        k = self.keys[name]
        return self.server.client("kms", k["AccessKeyId"], k["SecretAccessKey"])

    def arn(self, user):
        return f"arn:aws:iam::{self.account}:user/{user}"

    def denied(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, "AccessDeniedException", 400)["Error"]["Message"]

    def test_the_default_policy_delegates_to_iam(self):
        key = self.kms.create_key()["KeyMetadata"]
        blob = self.as_user("bob").encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(self.as_user("bob").decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        msg = self.denied(self.as_user("alice").decrypt, CiphertextBlob=blob)  # alice has no IAM policy
        self.assertIn(f"User: {self.arn('alice')} is not authorized to perform: kms:Decrypt on resource: {key['Arn']}", msg)

    def test_a_key_policy_that_does_not_name_the_account_ignores_iam(self):
        policy = doc({"Sid": "root admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                      "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": "*"},
                     {"Sid": "alice uses it", "Effect": "Allow", "Principal": {"AWS": self.arn("alice")},
                      "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"})
        key = self.kms.create_key(Policy=policy)["KeyMetadata"]
        blob = self.as_user("alice").encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]  # no IAM policy needed
        msg = self.denied(self.as_user("bob").decrypt, CiphertextBlob=blob)  # kms:* in IAM is not enough
        self.assertIn("because no resource-based policy allows the kms:Decrypt action", msg)
        self.denied(self.as_user("bob").encrypt, KeyId=key["Arn"], Plaintext=b"x")
        self.as_user("bob").describe_key(KeyId=key["KeyId"])  # the account is named for DescribeKey

    def test_an_explicit_deny_in_the_key_policy_wins(self):
        policy = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"}, "Action": "kms:*", "Resource": "*"},
                     {"Effect": "Deny", "Principal": {"AWS": self.arn("bob")}, "Action": "kms:Decrypt", "Resource": "*"})
        key = self.kms.create_key(Policy=policy)["KeyMetadata"]
        blob = self.as_user("bob").encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        msg = self.denied(self.as_user("bob").decrypt, CiphertextBlob=blob)
        self.assertIn("with an explicit deny in a resource-based policy", msg)

    def test_conditions_see_the_encryption_context_and_the_alias(self):
        policy = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"}, "Action": "kms:*", "Resource": "*"},
                     {"Effect": "Allow", "Principal": {"AWS": self.arn("alice")}, "Action": "kms:Encrypt", "Resource": "*",
                      "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme", "kms:RequestAlias": "alias/acme"}}})
        key = self.kms.create_key(Policy=policy)["KeyMetadata"]
        self.kms.create_alias(AliasName="alias/acme", TargetKeyId=key["KeyId"])
        alice = self.as_user("alice")
        alice.encrypt(KeyId="alias/acme", Plaintext=b"x", EncryptionContext={"tenant": "acme"})
        self.denied(alice.encrypt, KeyId="alias/acme", Plaintext=b"x", EncryptionContext={"tenant": "other"})
        self.denied(alice.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "acme"})

    def test_iam_conditions_see_the_keys_tags_and_spec(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="carol")
        self.addCleanup(iam.delete_user, UserName="carol")
        self.addCleanup(iam.delete_user_policy, UserName="carol", PolicyName="team-keys")
        iam.put_user_policy(UserName="carol", PolicyName="team-keys", PolicyDocument=doc(
            {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:DescribeKey"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments", "kms:KeySpec": "SYMMETRIC_DEFAULT",
                                            "kms:CallerAccount": self.account}}},
            {"Effect": "Allow", "Action": ["kms:CreateKey", "kms:TagResource"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/team": "payments"}}}))
        key = iam.create_access_key(UserName="carol")["AccessKey"]
        self.addCleanup(iam.delete_access_key, UserName="carol", AccessKeyId=key["AccessKeyId"])
        carol = self.server.client("kms", key["AccessKeyId"], key["SecretAccessKey"])
        mine = carol.create_key(Tags=[{"TagKey": "team", "TagValue": "payments"}])["KeyMetadata"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            carol.create_key(Tags=[{"TagKey": "team", "TagValue": "search"}])
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        carol.encrypt(KeyId=mine["KeyId"], Plaintext=b"x")
        theirs = self.kms.create_key(Tags=[{"TagKey": "team", "TagValue": "search"}])["KeyMetadata"]
        self.denied(carol.encrypt, KeyId=theirs["KeyId"], Plaintext=b"x")
        self.denied(carol.describe_key, KeyId=theirs["KeyId"])

    def test_put_key_policy_checks_for_lockout(self):
        key = self.kms.create_key()["KeyMetadata"]
        lockout = doc({"Effect": "Allow", "Principal": {"AWS": self.arn("alice")}, "Action": "kms:*", "Resource": "*"})
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=lockout)
        err = self.assertAwsError(ctx, "MalformedPolicyDocumentException", 400)
        self.assertEqual(err["Error"]["Message"], "The new key policy will not allow you to update the key policy in the future.")
        self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=lockout, BypassPolicyLockoutSafetyCheck=True)
        # Now even the root user is out; alice, named, is in.
        got = self.as_user("alice").get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
        self.assertEqual(json.loads(got), json.loads(lockout))
        self.denied(self.kms.describe_key, KeyId=key["KeyId"])
        self.as_user("alice").describe_key(KeyId=key["KeyId"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.as_user("alice").put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                                                 Policy=doc({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}))
        self.assertAwsError(ctx, "MalformedPolicyDocumentException", 400)  # a key policy names its principals


class CrossAccount(CitadelTestCase):
    """A member account of the organization uses the management account's key through its key policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.server.root["AccountId"]
        org = cls.server.client("organizations")
        org.create_organization()
        cls.member = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
        p = subprocess.run([CITADEL, "admin", "create-root-key", "--data", cls.server.data_dir, "--account", cls.member],
                           capture_output=True, text=True, timeout=30, check=True)
        cls.member_key = json.loads(p.stdout)

    def member_kms(self):
        return self.server.client("kms", self.member_key["AccessKeyId"], self.member_key["SecretAccessKey"])

    def test_another_account_uses_a_key_its_policy_names(self):
        kms = self.server.client("kms")
        shared = kms.create_key(Policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.member}:root"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}))["KeyMetadata"]
        private = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName="alias/shared", TargetKeyId=shared["KeyId"])
        member = self.member_kms()
        blob = member.encrypt(KeyId=shared["Arn"], Plaintext=b"from the member")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"from the member")
        self.assertEqual(member.decrypt(CiphertextBlob=blob)["Plaintext"], b"from the member")
        self.assertEqual(member.describe_key(KeyId=shared["Arn"])["KeyMetadata"]["AWSAccountId"], self.account)
        member.encrypt(KeyId=f"arn:aws:kms:us-east-1:{self.account}:alias/shared", Plaintext=b"x")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.encrypt(KeyId=private["Arn"], Plaintext=b"x")
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.encrypt(KeyId="alias/shared", Plaintext=b"x")  # an alias name means the caller's own account
        self.assertAwsError(ctx, "NotFoundException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.disable_key(KeyId=shared["Arn"])  # managing a key is for its own account
        self.assertIn(ctx.exception.response["Error"]["Code"], ("AccessDeniedException", "NotFoundException"))
        self.assertEqual(kms.describe_key(KeyId=shared["KeyId"])["KeyMetadata"]["KeyState"], "Enabled")


if __name__ == "__main__":
    unittest.main()
