"""SSE-KMS: objects encrypted under a customer's KMS key, by request headers or the bucket's default
encryption, through single PUTs, copies and the CLI's multipart uploads; reading needs kms:Decrypt as
the caller, and a disabled key leaves the object unreadable until it is enabled again."""
import filecmp
import glob
import json
import os
import tempfile

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures


class S3SseKms(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3", signature_version="s3v4")
        cls.kms = cls.server.client("kms")
        cls.iam = cls.server.client("iam")
        cls.account = cls.server.root["AccountId"]

    def key(self):
        return self.kms.create_key()["KeyMetadata"]["Arn"]

    def test_put_get_with_a_named_key_and_a_disabled_key(self):
        key = self.key()
        self.s3.create_bucket(Bucket="kms-objects")
        out = self.s3.put_object(Bucket="kms-objects", Key="secret.txt", Body=b"top secret",
                                 ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
        self.assertEqual((out["ServerSideEncryption"], out["SSEKMSKeyId"]), ("aws:kms", key))
        got = self.s3.get_object(Bucket="kms-objects", Key="secret.txt")
        self.assertEqual(got["Body"].read(), b"top secret")
        self.assertEqual((got["ServerSideEncryption"], got["SSEKMSKeyId"]), ("aws:kms", key))
        head = self.s3.head_object(Bucket="kms-objects", Key="secret.txt")
        self.assertEqual(head["SSEKMSKeyId"], key)
        self.assertNotIn("citadelssekmsdatakey", json.dumps(head["ResponseMetadata"]["HTTPHeaders"]).lower())
        # The bytes on disk are wrapped by the data key as well (blob format CSB4: CSB2 with a fixed-size header).
        heads = set()
        for path in glob.glob(os.path.join(self.server.data_dir, "s3", "blobs", "*")):
            with open(path, "rb") as f:
                heads.add(f.read(4))
        self.assertIn(b"CSB4", heads)

        self.kms.disable_key(KeyId=key)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="kms-objects", Key="secret.txt")
        self.assertAwsError(ctx, "KMS.DisabledException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="kms-objects", Key="more.txt", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
        self.assertAwsError(ctx, "KMS.DisabledException", 400)
        self.kms.enable_key(KeyId=key)
        self.assertEqual(self.s3.get_object(Bucket="kms-objects", Key="secret.txt")["Body"].read(), b"top secret")

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="kms-objects", Key="x", Body=b"x", ServerSideEncryption="aws:kms",
                               SSEKMSKeyId="arn:aws:kms:us-east-1:%s:key/00000000-0000-0000-0000-000000000000" % self.account)
        self.assertAwsError(ctx, "KMS.NotFoundException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="kms-objects", Key="x", Body=b"x", ServerSideEncryption="aws:kms")
        self.assertAwsError(ctx, "NotImplemented", 501)  # the AWS managed key aws/s3 is not built

    def test_reading_needs_kms_decrypt_as_the_caller(self):
        key = self.key()
        self.s3.create_bucket(Bucket="kms-readers")
        self.s3.put_object(Bucket="kms-readers", Key="doc", Body=b"doc", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
        self.make_user("kms-reader")
        s3_only = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::kms-readers/*"}
        self.iam.put_user_policy(UserName="kms-reader", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [s3_only]}))
        access = self.iam.create_access_key(UserName="kms-reader")["AccessKey"]
        reader = self.server.client("s3", access["AccessKeyId"], access["SecretAccessKey"], signature_version="s3v4")
        self.assertEqual(reader.head_object(Bucket="kms-readers", Key="doc")["SSEKMSKeyId"], key)  # HEAD needs no KMS
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.get_object(Bucket="kms-readers", Key="doc")
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("kms:Decrypt", err["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.put_object(Bucket="kms-readers", Key="new", Body=b"n", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
        self.assertIn("kms:GenerateDataKey", self.assertAwsError(ctx, "AccessDenied", 403)["Error"]["Message"])
        # kms:ViaService limits the grant to calls S3 makes.
        self.iam.put_user_policy(UserName="kms-reader", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [s3_only, {
                "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key,
                "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}]}))
        self.assertEqual(reader.get_object(Bucket="kms-readers", Key="doc")["Body"].read(), b"doc")
        reader.put_object(Bucket="kms-readers", Key="new", Body=b"n", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
        kms_reader = self.server.client("kms", access["AccessKeyId"], access["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            kms_reader.generate_data_key(KeyId=key, KeySpec="AES_256")
        self.assertAwsError(ctx, "AccessDeniedException")

    def test_bucket_default_multipart_and_copies(self):
        key = self.key()
        self.s3.create_bucket(Bucket="kms-default")
        self.s3.put_bucket_encryption(Bucket="kms-default", ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
        rule = self.s3.get_bucket_encryption(Bucket="kms-default")["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key})
        self.assertEqual(self.s3.put_object(Bucket="kms-default", Key="plain-put", Body=b"p")["SSEKMSKeyId"], key)

        # The CLI uploads 20 MiB in 8 MiB parts: each part under the upload's data key.
        with tempfile.TemporaryDirectory() as d:
            src, back = os.path.join(d, "big.bin"), os.path.join(d, "back.bin")
            with open(src, "wb") as f:
                f.write(os.urandom(20 * 1024 * 1024 + 123))
            rc, _, err = self.server.aws_v1("s3", "cp", "--only-show-errors", src, "s3://kms-default/big.bin")
            self.assertEqual(rc, 0, err)
            head = self.s3.head_object(Bucket="kms-default", Key="big.bin")
            self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", key))
            self.assertIn("-", head["ETag"])  # multipart
            rc, _, err = self.server.aws_v1("s3", "cp", "--only-show-errors", "s3://kms-default/big.bin", back)
            self.assertEqual(rc, 0, err)
            self.assertTrue(filecmp.cmp(src, back, shallow=False))

        # A copy is encrypted as its request says: out of KMS into SSE-S3 ...
        self.s3.copy_object(Bucket="kms-default", Key="copy-s3", CopySource={"Bucket": "kms-default", "Key": "plain-put"},
                            ServerSideEncryption="AES256")
        self.assertEqual(self.s3.head_object(Bucket="kms-default", Key="copy-s3")["ServerSideEncryption"], "AES256")
        # ... or into another key.
        other = self.key()
        out = self.s3.copy_object(Bucket="kms-default", Key="copy-kms", CopySource={"Bucket": "kms-default", "Key": "plain-put"},
                                  ServerSideEncryption="aws:kms", SSEKMSKeyId=other)
        self.assertEqual(out["SSEKMSKeyId"], other)
        self.kms.disable_key(KeyId=key)
        self.assertEqual(self.s3.get_object(Bucket="kms-default", Key="copy-s3")["Body"].read(), b"p")
        self.assertEqual(self.s3.get_object(Bucket="kms-default", Key="copy-kms")["Body"].read(), b"p")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="kms-default", Key="big.bin")
        self.assertAwsError(ctx, "KMS.DisabledException", 400)
        self.kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="kms-default", Key="copy-kms")
        self.assertAwsError(ctx, "KMS.KMSInvalidStateException", 400)
        self.kms.enable_key(KeyId=key)
        self.s3.delete_bucket_encryption(Bucket="kms-default")
        self.assertEqual(self.s3.put_object(Bucket="kms-default", Key="after", Body=b"a")["ServerSideEncryption"], "AES256")


if __name__ == "__main__":
    import unittest
    unittest.main()
