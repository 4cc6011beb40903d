"""Grants: a key owner lets a worker use a key for some operations without touching the key policy
or the worker's IAM policies, optionally only for one encryption context; the worker's grant ends
when it is retired (by the worker or the retiring principal) or revoked by the owner."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class Grants(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.server.root["AccountId"]
        iam = cls.server.client("iam")
        cls.creds = {}
        for name in ("worker", "janitor"):
            iam.create_user(UserName=name)
            cls.creds[name] = iam.create_access_key(UserName=name)["AccessKey"]

    def setUp(self):
        self.kms = self.server.client("kms")
        self.key = self.kms.create_key()["KeyMetadata"]

    def as_user(self, name):
        c = self.creds[name]
        return self.server.client("kms", c["AccessKeyId"], c["SecretAccessKey"])

    def user(self, name):
        return f"arn:aws:iam::{self.account}:user/{name}"

    def code(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return ctx.exception.response["Error"]["Code"]

    def test_a_grant_lets_its_grantee_use_the_key_for_its_operations(self):
        worker = self.as_user("worker")  # no IAM policy at all
        blob = self.kms.encrypt(KeyId=self.key["KeyId"], Plaintext=b"job input")["CiphertextBlob"]
        self.assertEqual(self.code(worker.decrypt, CiphertextBlob=blob), "AccessDeniedException")
        grant = self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=self.user("worker"),
                                      Operations=["Decrypt", "GenerateDataKey"], Name="batch")
        self.assertRegex(grant["GrantId"], r"^[0-9a-f]{64}$")
        got = worker.decrypt(CiphertextBlob=blob, GrantTokens=[grant["GrantToken"]])
        self.assertEqual(got["Plaintext"], b"job input")
        worker.generate_data_key(KeyId=self.key["Arn"], KeySpec="AES_256")
        self.assertEqual(self.code(worker.encrypt, KeyId=self.key["KeyId"], Plaintext=b"x"), "AccessDeniedException")
        self.assertEqual(self.code(worker.describe_key, KeyId=self.key["KeyId"]), "AccessDeniedException")
        listed = self.kms.list_grants(KeyId=self.key["KeyId"])["Grants"]
        self.assertEqual(len(listed), 1)
        g = listed[0]
        self.assertEqual((g["GrantId"], g["Name"], g["GranteePrincipal"], g["KeyId"], g["IssuingAccount"]),
                         (grant["GrantId"], "batch", self.user("worker"), self.key["Arn"], f"arn:aws:iam::{self.account}:root"))
        self.assertEqual(sorted(g["Operations"]), ["Decrypt", "GenerateDataKey"])
        # Creating the same named grant again gives the same grant.
        again = self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=self.user("worker"),
                                      Operations=["Decrypt", "GenerateDataKey"], Name="batch")
        self.assertEqual(again["GrantId"], grant["GrantId"])
        self.kms.revoke_grant(KeyId=self.key["KeyId"], GrantId=grant["GrantId"])
        self.assertEqual(self.code(worker.decrypt, CiphertextBlob=blob), "AccessDeniedException")
        self.assertEqual(self.kms.list_grants(KeyId=self.key["KeyId"])["Grants"], [])
        self.assertEqual(self.code(self.kms.revoke_grant, KeyId=self.key["KeyId"], GrantId=grant["GrantId"]), "NotFoundException")

    def test_encryption_context_constraints(self):
        worker = self.as_user("worker")
        self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=self.user("worker"), Operations=["Encrypt", "Decrypt"],
                              Constraints={"EncryptionContextSubset": {"tenant": "acme"}})
        blob = worker.encrypt(KeyId=self.key["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "acme", "job": "7"})["CiphertextBlob"]
        worker.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "acme", "job": "7"})
        self.assertEqual(self.code(worker.encrypt, KeyId=self.key["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "other"}),
                         "AccessDeniedException")
        self.assertEqual(self.code(worker.encrypt, KeyId=self.key["KeyId"], Plaintext=b"x"), "AccessDeniedException")
        equals = self.kms.create_key()["KeyMetadata"]
        self.kms.create_grant(KeyId=equals["KeyId"], GranteePrincipal=self.user("worker"), Operations=["Encrypt"],
                              Constraints={"EncryptionContextEquals": {"tenant": "acme"}})
        worker.encrypt(KeyId=equals["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "acme"})
        self.assertEqual(self.code(worker.encrypt, KeyId=equals["KeyId"], Plaintext=b"x",
                                   EncryptionContext={"tenant": "acme", "job": "7"}), "AccessDeniedException")

    def test_retiring_grants(self):
        worker, janitor = self.as_user("worker"), self.as_user("janitor")
        by_janitor = self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=self.user("worker"), Operations=["Encrypt"],
                                           RetiringPrincipal=self.user("janitor"))
        by_worker = self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=self.user("worker"),
                                          Operations=["Encrypt", "RetireGrant"])
        retirable = self.kms.list_retirable_grants(RetiringPrincipal=self.user("janitor"))["Grants"]
        self.assertEqual([g["GrantId"] for g in retirable], [by_janitor["GrantId"]])
        # The worker may not retire the janitor's grant; the janitor may, by token.
        self.assertEqual(self.code(worker.retire_grant, KeyId=self.key["Arn"], GrantId=by_janitor["GrantId"]), "AccessDeniedException")
        janitor.retire_grant(GrantToken=by_janitor["GrantToken"])
        worker.retire_grant(KeyId=self.key["Arn"], GrantId=by_worker["GrantId"])
        self.assertEqual(self.kms.list_grants(KeyId=self.key["KeyId"])["Grants"], [])
        self.assertEqual(self.code(self.kms.retire_grant, GrantToken="not a token"), "InvalidGrantTokenException")

    def test_an_explicit_deny_in_the_key_policy_beats_a_grant(self):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Deny", "Principal": {"AWS": self.user("worker")}, "Action": "kms:Encrypt", "Resource": "*"}]}
        self.kms.put_key_policy(KeyId=self.key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
        self.kms.create_grant(KeyId=self.key["KeyId"], GranteePrincipal=self.user("worker"), Operations=["Encrypt"])
        self.assertEqual(self.code(self.as_user("worker").encrypt, KeyId=self.key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


if __name__ == "__main__":
    unittest.main()
