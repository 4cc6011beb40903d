"""Envelope encryption with KMS keys: a team creates a key, encrypts with the aws CLI and decrypts
with boto3, wraps a file's data key with GenerateDataKey and uses it with openssl, and finds that a
changed blob or another encryption context is refused. Disabled and pending-deletion keys refuse
to work, with AWS's errors."""
import base64
import json
import os
import subprocess
import tempfile
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class Encryption(CitadelTestCase):
    def setUp(self):
        self.kms = self.server.client("kms")
        self.account = self.server.root["AccountId"]

    def make_key(self, **kw):
        return self.kms.create_key(**kw)["KeyMetadata"]

    def error(self, fn, code, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, 400)["Error"]["Message"]

    def test_create_describe_and_list_keys(self):
        key = self.make_key(Description="orders")
        self.assertRegex(key["KeyId"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(key["Arn"], f"arn:aws:kms:us-east-1:{self.account}:key/{key['KeyId']}")
        self.assertEqual((key["KeyState"], key["Enabled"], key["KeySpec"], key["KeyUsage"], key["Origin"], key["KeyManager"]),
                         ("Enabled", True, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "CUSTOMER"))
        self.assertEqual(key["EncryptionAlgorithms"], ["SYMMETRIC_DEFAULT"])
        for ref in (key["KeyId"], key["Arn"]):
            self.assertEqual(self.kms.describe_key(KeyId=ref)["KeyMetadata"]["Description"], "orders")
        ids = [k["KeyId"] for page in self.kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1})
               for k in page["Keys"]]
        self.assertIn(key["KeyId"], ids)
        policy = self.kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
        self.assertEqual(json.loads(policy), {
            "Version": "2012-10-17", "Id": "key-default-1",
            "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                           "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"}, "Action": "kms:*", "Resource": "*"}]})
        self.assertEqual(self.kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"], ["default"])
        self.kms.update_key_description(KeyId=key["KeyId"], Description="orders v2")
        self.assertEqual(self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"], "orders v2")

    def test_cli_encrypts_and_boto3_decrypts(self):
        key = self.make_key()
        with tempfile.NamedTemporaryFile(delete=False) as f:
            f.write(b"card 4111-1111-1111-1111")
        self.addCleanup(os.unlink, f.name)
        for cli in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = cli("kms", "encrypt", "--key-id", key["Arn"], "--plaintext", f"fileb://{f.name}",
                               "--encryption-context", "purpose=cards")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["KeyId"], key["Arn"])
            got = self.kms.decrypt(CiphertextBlob=base64.b64decode(out["CiphertextBlob"]), EncryptionContext={"purpose": "cards"})
            self.assertEqual(got["Plaintext"], b"card 4111-1111-1111-1111")
            self.assertEqual(got["KeyId"], key["Arn"])
            self.assertEqual(got["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT")

    def test_a_data_key_encrypts_a_file_with_openssl(self):
        key = self.make_key()
        data_key = self.kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"file": "report"})
        self.assertEqual(len(data_key["Plaintext"]), 32)
        work = tempfile.mkdtemp()
        plain, sealed, opened = (os.path.join(work, n) for n in ("report.txt", "report.enc", "report.out"))
        with open(plain, "wb") as f:
            f.write(b"quarterly numbers\n" * 100)
        iv = os.urandom(16).hex()
        subprocess.run(["openssl", "enc", "-aes-256-cbc", "-K", data_key["Plaintext"].hex(), "-iv", iv, "-in", plain, "-out", sealed],
                       check=True)
        wrapped = data_key["CiphertextBlob"]
        del data_key  # only the wrapped key is kept beside the file
        unwrapped = self.kms.decrypt(CiphertextBlob=wrapped, EncryptionContext={"file": "report"})["Plaintext"]
        subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-K", unwrapped.hex(), "-iv", iv, "-in", sealed, "-out", opened],
                       check=True)
        with open(opened, "rb") as a, open(plain, "rb") as b:
            self.assertEqual(a.read(), b.read())
        without = self.kms.generate_data_key_without_plaintext(KeyId=key["Arn"], NumberOfBytes=64)
        self.assertNotIn("Plaintext", without)
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]), 64)
        self.assertEqual(len(self.kms.generate_random(NumberOfBytes=1024)["Plaintext"]), 1024)
        self.error(self.kms.generate_data_key, "ValidationException", KeyId=key["KeyId"])

    def test_changed_blobs_and_other_contexts_are_refused(self):
        key = self.make_key()
        other = self.make_key()
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret", EncryptionContext={"tenant": "a"})["CiphertextBlob"]
        self.error(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=blob, EncryptionContext={"tenant": "b"})
        self.error(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=blob)
        for i in (0, 5, 19, 30, len(blob) - 1):
            tampered = bytearray(blob)
            tampered[i] ^= 0x01
            self.error(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=bytes(tampered), EncryptionContext={"tenant": "a"})
        self.error(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=b"not a blob at all")
        self.error(self.kms.decrypt, "IncorrectKeyException", CiphertextBlob=blob, EncryptionContext={"tenant": "a"}, KeyId=other["KeyId"])
        # ReEncrypt moves it under another key and context without the caller seeing the plaintext.
        moved = self.kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"tenant": "a"}, DestinationKeyId=other["Arn"],
                                    DestinationEncryptionContext={"tenant": "c"})
        self.assertEqual((moved["SourceKeyId"], moved["KeyId"]), (key["Arn"], other["Arn"]))
        got = self.kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"tenant": "c"})
        self.assertEqual((got["Plaintext"], got["KeyId"]), (b"secret", other["Arn"]))

    def test_disabled_and_pending_deletion_keys_refuse_to_work(self):
        key = self.make_key()
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.kms.disable_key(KeyId=key["KeyId"])
        self.assertEqual(self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"], "Disabled")
        msg = self.error(self.kms.encrypt, "DisabledException", KeyId=key["KeyId"], Plaintext=b"x")
        self.assertEqual(msg, f"{key['Arn']} is disabled.")
        self.error(self.kms.decrypt, "DisabledException", CiphertextBlob=blob)
        self.kms.enable_key(KeyId=key["KeyId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        scheduled = self.kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        self.assertEqual((scheduled["KeyState"], scheduled["PendingWindowInDays"]), ("PendingDeletion", 7))
        meta = self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        self.assertEqual((meta["KeyState"], meta["PendingDeletionWindowInDays"]), ("PendingDeletion", 7))
        self.assertIn("DeletionDate", meta)
        msg = self.error(self.kms.decrypt, "KMSInvalidStateException", CiphertextBlob=blob)
        self.assertEqual(msg, f"{key['Arn']} is pending deletion.")
        self.error(self.kms.enable_key, "KMSInvalidStateException", KeyId=key["KeyId"])
        self.error(self.kms.schedule_key_deletion, "KMSInvalidStateException", KeyId=key["KeyId"])
        self.assertEqual(self.kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"], key["Arn"])
        self.assertEqual(self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"], "Disabled")
        self.error(self.kms.cancel_key_deletion, "KMSInvalidStateException", KeyId=key["KeyId"])
        unchecked = self.server.client("kms", parameter_validation=False)
        self.error(unchecked.schedule_key_deletion, "ValidationException", KeyId=key["KeyId"], PendingWindowInDays=6)

    def test_bad_input_gets_aws_errors(self):
        missing = "11111111-2222-4333-8444-555555555555"
        msg = self.error(self.kms.describe_key, "NotFoundException", KeyId=missing)
        self.assertEqual(msg, f"Key 'arn:aws:kms:us-east-1:{self.account}:key/{missing}' does not exist")
        self.error(self.kms.describe_key, "NotFoundException", KeyId="not-a-key")
        self.error(self.kms.encrypt, "NotFoundException", KeyId="alias/nothing", Plaintext=b"x")
        self.error(self.kms.create_key, "ValidationException", KeySpec="RSA_2048")  # KeyUsage is required
        self.error(self.kms.create_key, "ValidationException", KeySpec="ECC_NIST_P256", KeyUsage="ENCRYPT_DECRYPT")
        self.error(self.kms.create_key, "MalformedPolicyDocumentException", Policy="{not json")
        self.error(self.kms.create_key, "TagException", Tags=[{"TagKey": "aws:x", "TagValue": "y"}])
        self.error(self.kms.encrypt, "InvalidGrantTokenException", KeyId=self.make_key()["KeyId"], Plaintext=b"x",
                   GrantTokens=["garbage"])
        unchecked = self.server.client("kms", parameter_validation=False)
        self.error(unchecked.encrypt, "ValidationException", KeyId=self.make_key()["KeyId"], Plaintext=b"x" * 4097)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.kms.create_custom_key_store(CustomKeyStoreName="hsm", CloudHsmClusterId="cluster-1234567890a",
                                             TrustAnchorCertificate="x", KeyStorePassword="password1")
        self.assertAwsError(ctx, "NotImplemented", 501)

    def test_tags(self):
        key = self.make_key(Tags=[{"TagKey": "team", "TagValue": "payments"}])
        self.kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "env", "TagValue": "prod"}])
        tags = self.kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]
        self.assertEqual(tags, [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "payments"}])
        self.kms.untag_resource(KeyId=key["KeyId"], TagKeys=["env"])
        self.assertEqual(self.kms.list_resource_tags(KeyId=key["KeyId"])["Tags"], [{"TagKey": "team", "TagValue": "payments"}])

    def test_kms_calls_are_in_cloudtrail(self):
        key = self.make_key()
        self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"audited")
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "kms.amazonaws.com"}], MaxResults=50)["Events"]
        names = {e["EventName"] for e in events}
        self.assertTrue({"CreateKey", "Encrypt"} <= names, names)
        encrypt = next(json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == "Encrypt")
        self.assertEqual(encrypt["eventSource"], "kms.amazonaws.com")
        self.assertNotIn("audited", json.dumps(encrypt))
        self.assertNotIn(base64.b64encode(b"audited").decode(), json.dumps(encrypt))


if __name__ == "__main__":
    unittest.main()
