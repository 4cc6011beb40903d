"""Block Public Access at the account level (S3 Control), with real clients. S3 Control puts the
account id before the host (ACCOUNT.localhost), so the clients use the endpoint by name. The
account's settings apply to every bucket on top of the bucket's own: with the bucket's settings off,
the account's BlockPublicPolicy refuses a public bucket policy and its RestrictPublicBuckets keeps
an anonymous caller out of a bucket whose policy is public."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures

PUBLIC_READ = lambda bucket: json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


class AccountPublicAccessBlock(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.iam = cls.server.client("iam")
        cls.s3control = cls.server.client("s3control", endpoint=cls.server.named_endpoint)
        cls.account = cls.server.client("sts").get_caller_identity()["Account"]

    def tearDown(self):
        self.s3control.delete_public_access_block(AccountId=self.account)

    def test_put_get_delete(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3control.get_public_access_block(AccountId=self.account)
        self.assertAwsError(ctx, "NoSuchPublicAccessBlockConfiguration", 404)
        conf = dict(ALL_ON, IgnorePublicAcls=False)
        self.s3control.put_public_access_block(AccountId=self.account, PublicAccessBlockConfiguration=conf)
        self.assertEqual(self.s3control.get_public_access_block(AccountId=self.account)["PublicAccessBlockConfiguration"], conf)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:  # another account's
            self.s3control.get_public_access_block(AccountId="111122223333")
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.s3control.delete_public_access_block(AccountId=self.account)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3control.get_public_access_block(AccountId=self.account)
        self.assertAwsError(ctx, "NoSuchPublicAccessBlockConfiguration", 404)

    def test_account_settings_apply_on_top_of_the_buckets(self):
        bucket = "acct-bpa-site"
        self.s3.create_bucket(Bucket=bucket)
        self.s3.delete_public_access_block(Bucket=bucket)  # the bucket's own settings off
        self.s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>hi</h1>")
        self.s3control.put_public_access_block(AccountId=self.account, PublicAccessBlockConfiguration=ALL_ON)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_bucket_policy(Bucket=bucket, Policy=PUBLIC_READ(bucket))
        self.assertAwsError(ctx, "AccessDenied", 403)
        # Only RestrictPublicBuckets: the public policy is accepted but ignored for the public.
        self.s3control.put_public_access_block(AccountId=self.account, PublicAccessBlockConfiguration=dict(
            ALL_ON, BlockPublicPolicy=False))
        self.s3.put_bucket_policy(Bucket=bucket, Policy=PUBLIC_READ(bucket))
        self.assertEqual(self.server.anonymous_get(bucket, "index.html"), 403)
        # The bucket's GetPublicAccessBlock shows the bucket's own settings only, as in AWS.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_public_access_block(Bucket=bucket)
        self.assertAwsError(ctx, "NoSuchPublicAccessBlockConfiguration", 404)
        self.s3control.delete_public_access_block(AccountId=self.account)
        self.assertEqual(self.server.anonymous_get(bucket, "index.html"), 200)

    def test_authorization_and_both_clis(self):
        self.make_user("auditor")
        key = self.iam.create_access_key(UserName="auditor")["AccessKey"]
        s3control = self.server.client("s3control", key["AccessKeyId"], key["SecretAccessKey"], endpoint=self.server.named_endpoint)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3control.put_public_access_block(AccountId=self.account, PublicAccessBlockConfiguration=ALL_ON)
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.iam.put_user_policy(UserName="auditor", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetAccountPublicAccessBlock", "Resource": "*"}]}))
        self.s3control.put_public_access_block(AccountId=self.account, PublicAccessBlockConfiguration=ALL_ON)
        self.assertTrue(s3control.get_public_access_block(AccountId=self.account)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"])
        for cli in (self.server.aws_v1, self.server.aws_v2):
            with self.subTest(cli=cli.__name__):
                rc, out, err = cli("s3control", "get-public-access-block", "--account-id", self.account,
                                   endpoint=self.server.named_endpoint)
                self.assertEqual(rc, 0, err)
                self.assertEqual(out["PublicAccessBlockConfiguration"], ALL_ON)


if __name__ == "__main__":
    unittest.main()
