"""A key's life: aliases name it wherever a KeyId goes and move between keys; rotation adds key
material while old ciphertexts keep decrypting; a key scheduled for deletion can be saved until its
date, and refuses to work meanwhile."""
import os
import signal
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, Server


class Aliases(CitadelTestCase):
    def setUp(self):
        self.kms = self.server.client("kms")
        self.account = self.server.root["AccountId"]

    def error(self, fn, code, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, 400)["Error"]["Message"]

    def test_an_alias_works_wherever_a_key_id_does(self):
        key = self.kms.create_key()["KeyMetadata"]
        self.kms.create_alias(AliasName="alias/billing", TargetKeyId=key["KeyId"])
        alias_arn = f"arn:aws:kms:us-east-1:{self.account}:alias/billing"
        for ref in ("alias/billing", alias_arn, key["KeyId"], key["Arn"]):
            blob = self.kms.encrypt(KeyId=ref, Plaintext=b"x")["CiphertextBlob"]
            self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, KeyId=ref)["KeyId"], key["Arn"])
            self.assertEqual(self.kms.describe_key(KeyId=ref)["KeyMetadata"]["KeyId"], key["KeyId"])
        listed = self.kms.list_aliases(KeyId=key["KeyId"])["Aliases"]
        self.assertEqual([(a["AliasName"], a["AliasArn"], a["TargetKeyId"]) for a in listed],
                         [("alias/billing", alias_arn, key["KeyId"])])
        msg = self.error(self.kms.create_alias, "AlreadyExistsException", AliasName="alias/billing", TargetKeyId=key["KeyId"])
        self.assertEqual(msg, f"An alias with the name {alias_arn} already exists")
        self.error(self.kms.create_alias, "NotAuthorizedException", AliasName="alias/aws/s3", TargetKeyId=key["KeyId"])
        self.error(self.kms.create_alias, "ValidationException", AliasName="billing2", TargetKeyId=key["KeyId"])
        self.error(self.kms.create_alias, "NotFoundException", AliasName="alias/x", TargetKeyId="11111111-2222-4333-8444-555555555555")

    def test_update_and_delete_an_alias(self):
        first = self.kms.create_key()["KeyMetadata"]
        second = self.kms.create_key()["KeyMetadata"]
        signing = self.kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        self.kms.create_alias(AliasName="alias/current", TargetKeyId=first["KeyId"])
        self.kms.update_alias(AliasName="alias/current", TargetKeyId=second["Arn"])
        self.assertEqual(self.kms.encrypt(KeyId="alias/current", Plaintext=b"x")["KeyId"], second["Arn"])
        self.error(self.kms.update_alias, "ValidationException", AliasName="alias/current", TargetKeyId=signing["KeyId"])
        self.kms.delete_alias(AliasName="alias/current")
        self.error(self.kms.encrypt, "NotFoundException", KeyId="alias/current", Plaintext=b"x")
        self.error(self.kms.delete_alias, "NotFoundException", AliasName="alias/current")


class Rotation(CitadelTestCase):
    def setUp(self):
        self.kms = self.server.client("kms")

    def test_old_ciphertexts_decrypt_after_rotations(self):
        key = self.kms.create_key()["KeyMetadata"]
        self.assertFalse(self.kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"])
        self.kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
        status = self.kms.get_key_rotation_status(KeyId=key["KeyId"])
        self.assertEqual((status["KeyRotationEnabled"], status["RotationPeriodInDays"]), (True, 90))
        self.assertIn("NextRotationDate", status)
        before = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before", EncryptionContext={"v": "1"})["CiphertextBlob"]
        self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        after = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
        self.assertNotEqual(before[17:21], after[17:21])  # another material version
        self.assertEqual(self.kms.decrypt(CiphertextBlob=before, EncryptionContext={"v": "1"})["Plaintext"], b"before")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=after)["Plaintext"], b"after")
        rotations = self.kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
        self.assertEqual([r["RotationType"] for r in rotations], ["ON_DEMAND", "ON_DEMAND"])
        self.kms.disable_key_rotation(KeyId=key["KeyId"])
        self.assertFalse(self.kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"])
        unchecked = self.server.client("kms", parameter_validation=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            unchecked.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=30)
        self.assertAwsError(ctx, "ValidationException", 400)
        # The CLI sees the same.
        rc, out, err = self.server.aws_v1("kms", "get-key-rotation-status", "--key-id", key["KeyId"])
        self.assertEqual(rc, 0, err)
        self.assertFalse(out["KeyRotationEnabled"])

    def test_only_symmetric_keys_rotate(self):
        hmac = self.kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
        for fn in (self.kms.enable_key_rotation, self.kms.rotate_key_on_demand):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                fn(KeyId=hmac["KeyId"])
            self.assertAwsError(ctx, "UnsupportedOperationException", 400)
        key = self.kms.create_key()["KeyMetadata"]
        self.kms.disable_key(KeyId=key["KeyId"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.kms.rotate_key_on_demand(KeyId=key["KeyId"])
        self.assertAwsError(ctx, "DisabledException", 400)


class Deletion(CitadelTestCase):
    def test_a_key_pending_deletion_is_listed_refuses_work_and_comes_back_disabled(self):
        kms = self.server.client("kms")
        key = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName="alias/doomed", TargetKeyId=key["KeyId"])
        blob = kms.encrypt(KeyId="alias/doomed", Plaintext=b"x")["CiphertextBlob"]
        kms.schedule_key_deletion(KeyId=key["KeyId"])
        self.assertIn(key["KeyId"], [k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]])
        for fn, kw in ((kms.encrypt, {"KeyId": "alias/doomed", "Plaintext": b"x"}), (kms.decrypt, {"CiphertextBlob": blob}),
                       (kms.generate_data_key, {"KeyId": key["KeyId"], "KeySpec": "AES_256"}),
                       (kms.create_alias, {"AliasName": "alias/late", "TargetKeyId": key["KeyId"]})):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                fn(**kw)
            self.assertAwsError(ctx, "KMSInvalidStateException", 400)
        kms.cancel_key_deletion(KeyId=key["KeyId"])
        kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")


class Durability(unittest.TestCase):
    def test_keys_survive_kill_9_and_their_material_is_sealed_at_rest(self):
        s = Server().start()
        s.read_root_credentials()
        try:
            kms = s.client("kms")
            key = kms.create_key()["KeyMetadata"]
            kms.rotate_key_on_demand(KeyId=key["KeyId"])
            data_key = kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=32)
            s.stop(sig=signal.SIGKILL)
            again = Server(data_dir=s.data_dir).start()
            again.root = s.root
            try:
                got = again.client("kms").decrypt(CiphertextBlob=data_key["CiphertextBlob"])
                self.assertEqual(got["Plaintext"], data_key["Plaintext"])
                self.assertEqual(len(again.client("kms").list_key_rotations(KeyId=key["KeyId"])["Rotations"]), 1)
            finally:
                again.stop()
            # Neither the data key nor anything but sealed material is in the database files.
            for name in os.listdir(s.data_dir):
                path = os.path.join(s.data_dir, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        self.assertNotIn(data_key["Plaintext"], f.read(), name)
        finally:
            s.cleanup()


class Regions(CitadelTestCase):
    def test_keys_and_aliases_belong_to_their_region(self):
        east, west = self.server.client("kms"), self.server.client("kms", region="eu-west-1")
        key = east.create_key()["KeyMetadata"]
        east.create_alias(AliasName="alias/regional", TargetKeyId=key["KeyId"])
        self.assertNotIn(key["KeyId"], [k["KeyId"] for k in west.list_keys()["Keys"]])
        for ref in (key["KeyId"], key["Arn"], "alias/regional"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                west.describe_key(KeyId=ref)
            self.assertAwsError(ctx, "NotFoundException", 400)
        made = west.create_key()["KeyMetadata"]
        self.assertTrue(made["Arn"].startswith("arn:aws:kms:eu-west-1:"))


if __name__ == "__main__":
    unittest.main()
