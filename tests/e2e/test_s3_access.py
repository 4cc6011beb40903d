"""Who may reach a bucket: IAM users by their own policies and the bucket policy together, anonymous
callers by the bucket policy alone, presigned URLs as their signer, virtual-hosted requests, another
account only when the bucket policy names it, an organization-wide grant through
aws:PrincipalOrgID — and every call in CloudTrail."""
import json
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

from citadel_harness import CITADEL, TRAIL_DELIVERY_ARGS, AllEventsTrail, CitadelTestCase, IamFixtures


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class S3Access(AllEventsTrail, IamFixtures, CitadelTestCase):
    server_args = TRAIL_DELIVERY_ARGS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_all_events_trail()
        cls.s3 = cls.server.client("s3", signature_version="s3v4")
        cls.iam = cls.server.client("iam")
        cls.account = cls.server.root["AccountId"]

    def bucket(self, name, body=b"secret"):
        self.s3.create_bucket(Bucket=name)
        self.s3.put_object(Bucket=name, Key="doc.txt", Body=body)
        self.addCleanup(self.remove_bucket, name)
        return name

    def remove_bucket(self, name):
        for o in self.s3.list_objects_v2(Bucket=name).get("Contents", []):
            self.s3.delete_object(Bucket=name, Key=o["Key"])
        self.s3.delete_bucket(Bucket=name)

    def user_s3(self, name, *statements):
        self.make_user(name)
        if statements:
            self.iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=policy(*statements))
            self.addCleanup(self.iam.delete_user_policy, UserName=name, PolicyName="s3")
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return self.server.client("s3", key["AccessKeyId"], key["SecretAccessKey"])

    def http_get(self, url, headers=None):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_identity_policy_and_bucket_policy(self):
        self.bucket("policy-bucket")
        reader = self.user_s3("s3-reader", {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                            "Resource": ["arn:aws:s3:::policy-bucket", "arn:aws:s3:::policy-bucket/*"]})
        nobody = self.user_s3("s3-nobody")
        self.assertEqual(reader.get_object(Bucket="policy-bucket", Key="doc.txt")["Body"].read(), b"secret")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.put_object(Bucket="policy-bucket", Key="x", Body=b"x")
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("s3:PutObject", err["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            nobody.get_object(Bucket="policy-bucket", Key="doc.txt")
        self.assertAwsError(ctx, "AccessDenied", 403)
        # The bucket policy can grant a user of the same account on its own ...
        user_arn = f"arn:aws:iam::{self.account}:user/s3-nobody"
        self.s3.put_bucket_policy(Bucket="policy-bucket", Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::policy-bucket/*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::policy-bucket/private/*"}))
        self.assertEqual(nobody.get_object(Bucket="policy-bucket", Key="doc.txt")["Body"].read(), b"secret")
        # ... and an explicit deny in it beats the user's own allow.
        self.s3.put_object(Bucket="policy-bucket", Key="private/p.txt", Body=b"p")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.get_object(Bucket="policy-bucket", Key="private/p.txt")
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("explicit deny in a resource-based policy", err["Error"]["Message"])
        # s3:prefix limits what a user may list.
        lister = self.user_s3("s3-lister", {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::policy-bucket",
                                            "Condition": {"StringLike": {"s3:prefix": "public/*"}}})
        lister.list_objects_v2(Bucket="policy-bucket", Prefix="public/")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            lister.list_objects_v2(Bucket="policy-bucket", Prefix="private/")
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("s3:GetObject", self.s3.get_bucket_policy(Bucket="policy-bucket")["Policy"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_bucket_policy(Bucket="policy-bucket", Policy="{not json")
        self.assertAwsError(ctx, "MalformedPolicy", 400)
        self.s3.delete_bucket_policy(Bucket="policy-bucket")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_bucket_policy(Bucket="policy-bucket")
        self.assertAwsError(ctx, "NoSuchBucketPolicy", 404)

    def test_anonymous_presigned_and_virtual_hosted(self):
        self.bucket("public-bucket", body=b"hello world")
        url = f"{self.server.endpoint}/public-bucket/doc.txt"
        status, body = self.http_get(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        public = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-bucket/*"})
        # New buckets block public access, as S3 creates them: a public policy is refused ...
        self.assertEqual(self.s3.get_public_access_block(Bucket="public-bucket")["PublicAccessBlockConfiguration"],
                         {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_bucket_policy(Bucket="public-bucket", Policy=public)
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("BlockPublicPolicy", err["Error"]["Message"])
        # ... a policy pinned to a network is not public ...
        self.s3.put_bucket_policy(Bucket="public-bucket", Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-bucket/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}}))
        self.assertFalse(self.s3.get_bucket_policy_status(Bucket="public-bucket")["PolicyStatus"]["IsPublic"])
        # ... and with RestrictPublicBuckets a public policy gives outsiders nothing.
        self.s3.put_public_access_block(Bucket="public-bucket", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True})
        self.s3.put_bucket_policy(Bucket="public-bucket", Policy=public)
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket="public-bucket")["PolicyStatus"]["IsPublic"])
        self.assertEqual(self.http_get(url)[0], 403)
        self.s3.delete_public_access_block(Bucket="public-bucket")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_public_access_block(Bucket="public-bucket")
        self.assertAwsError(ctx, "NoSuchPublicAccessBlockConfiguration", 404)
        self.assertEqual(self.http_get(url), (200, b"hello world"))
        # The bucket owner's trail records anonymous calls, as CloudTrail names them.
        anonymous = self.trail_records(lambda r: r["eventName"] == "GetObject"
                                       and r["userIdentity"].get("accountId") == "ANONYMOUS_PRINCIPAL")
        self.assertTrue(anonymous)
        self.assertEqual(anonymous[0]["recipientAccountId"], self.account)
        # Only what the policy names: listing stays closed to anonymous callers.
        self.assertEqual(self.http_get(f"{self.server.endpoint}/public-bucket?list-type=2")[0], 403)
        # Virtual-hosted style names the bucket in Host.
        self.assertEqual(self.http_get(f"{self.server.endpoint}/doc.txt", {"Host": f"public-bucket.localhost:{self.server.port}"}),
                         (200, b"hello world"))
        # Presigned URLs act as their signer, for GET and PUT, until they expire.
        self.bucket("presigned-bucket", body=b"signed")
        get_url = self.s3.generate_presigned_url("get_object", Params={"Bucket": "presigned-bucket", "Key": "doc.txt"}, ExpiresIn=60)
        self.assertEqual(self.http_get(get_url), (200, b"signed"))
        put_url = self.s3.generate_presigned_url("put_object", Params={"Bucket": "presigned-bucket", "Key": "up.txt"}, ExpiresIn=60)
        req = urllib.request.Request(put_url, data=b"uploaded", method="PUT")
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(r.status, 200)
        self.assertEqual(self.s3.get_object(Bucket="presigned-bucket", Key="up.txt")["Body"].read(), b"uploaded")
        tampered = get_url.replace("doc.txt", "up.txt")
        self.assertEqual(self.http_get(tampered)[0], 403)
        # Signature Version 2 URLs (boto3's default for custom endpoints without s3v4) are refused.
        v2_url = self.server.client("s3").generate_presigned_url("get_object", Params={"Bucket": "presigned-bucket", "Key": "doc.txt"})
        if "AWSAccessKeyId=" in v2_url:
            status, body = self.http_get(v2_url)
            self.assertEqual(status, 400)
            self.assertIn(b"AWS4-HMAC-SHA256", body)
        expired = self.s3.generate_presigned_url("get_object", Params={"Bucket": "presigned-bucket", "Key": "doc.txt"}, ExpiresIn=1)
        time.sleep(2)
        self.assertEqual(self.http_get(expired)[0], 403)

    def test_another_account_needs_the_bucket_policy(self):
        org = self.server.client("organizations")
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.addCleanup(self.leave_org)
        status = org.create_account(Email="s3-member@example.com", AccountName="s3-member")["CreateAccountStatus"]
        member = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        out = subprocess.run([CITADEL, "admin", "create-root-key", "--data", self.server.data_dir, "--account", member],
                             capture_output=True, text=True, check=True)
        key = json.loads(out.stdout)
        other = self.server.client("s3", key["AccessKeyId"], key["SecretAccessKey"])
        self.bucket("shared-bucket", body=b"shared")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            other.get_object(Bucket="shared-bucket", Key="doc.txt")
        self.assertAwsError(ctx, "AccessDenied", 403)
        # Bucket names are global: the other account cannot take this one.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            other.create_bucket(Bucket="shared-bucket")
        self.assertAwsError(ctx, "BucketAlreadyExists", 409)
        self.s3.put_bucket_policy(Bucket="shared-bucket", Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}}))
        self.assertEqual(other.get_object(Bucket="shared-bucket", Key="doc.txt")["Body"].read(), b"shared")
        # Anonymous callers are outside every organization.
        self.assertEqual(self.http_get(f"{self.server.endpoint}/shared-bucket/doc.txt")[0], 403)
        # The other account's own buckets are not listed here.
        self.assertNotIn("shared-bucket", [b["Name"] for b in other.list_buckets()["Buckets"]])

    def leave_org(self):
        pass  # the organization stays for the life of this test server

    def test_acls_are_disabled_by_object_ownership(self):
        self.bucket("owned-bucket")
        rules = self.s3.get_bucket_ownership_controls(Bucket="owned-bucket")["OwnershipControls"]["Rules"]
        self.assertEqual(rules, [{"ObjectOwnership": "BucketOwnerEnforced"}])
        # Only the bucket owner's full control may be asked for; any other ACL is refused.
        self.s3.put_object(Bucket="owned-bucket", Key="ok", Body=b"x", ACL="bucket-owner-full-control")
        for acl in ("public-read", "authenticated-read"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.s3.put_object(Bucket="owned-bucket", Key="acl", Body=b"x", ACL=acl)
            self.assertAwsError(ctx, "AccessControlListNotSupported", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.create_bucket(Bucket="acl-bucket", ACL="public-read")
        self.assertAwsError(ctx, "InvalidBucketAclWithObjectOwnership", 400)
        rc, out, err = self.server.aws_v2("s3api", "get-bucket-ownership-controls", "--bucket", "owned-bucket")
        self.assertEqual(rc, 0, err)
        self.s3.delete_bucket_ownership_controls(Bucket="owned-bucket")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_bucket_ownership_controls(Bucket="owned-bucket")
        self.assertAwsError(ctx, "OwnershipControlsNotFoundError", 404)
        self.s3.put_bucket_ownership_controls(Bucket="owned-bucket",
                                              OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        self.s3.delete_object(Bucket="owned-bucket", Key="ok")

    def test_calls_are_in_cloudtrail(self):
        self.bucket("audited-bucket")
        self.s3.get_object(Bucket="audited-bucket", Key="doc.txt")
        # Bucket calls are management events, in Event history ...
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "s3.amazonaws.com"}], MaxResults=50)["Events"]
        names = {e["EventName"] for e in events}
        self.assertIn("CreateBucket", names)
        self.assertFalse({"PutObject", "GetObject"} & names, names)
        # ... object calls are data events, delivered to trails that select them.
        records = self.trail_records(lambda r: r["eventCategory"] == "Data"
                                     and (r.get("requestParameters") or {}).get("bucketName") == "audited-bucket",
                                     until=lambda found: {"PutObject", "GetObject"} <= {r["eventName"] for r in found})
        self.assertTrue({"PutObject", "GetObject"} <= {r["eventName"] for r in records})
        put = next(r for r in records if r["eventName"] == "PutObject")
        self.assertEqual(put["resources"][0], {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::audited-bucket/doc.txt"})
        self.assertEqual(put["requestParameters"]["bucketName"], "audited-bucket")
        self.assertEqual(put["requestParameters"]["key"], "doc.txt")
        self.assertNotIn("body", put["requestParameters"])  # object bytes are never audited
        self.assertNotIn("secret", json.dumps(put))


if __name__ == "__main__":
    unittest.main()
