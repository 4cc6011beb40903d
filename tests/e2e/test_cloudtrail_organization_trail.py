"""An organization trail: only the management account of an organization with all features may
create one, and it delivers every member account's events under AWSLogs/ORG_ID/ACCOUNT/."""
import gzip
import json
import time

import boto3
import botocore.exceptions
from botocore.config import Config

from citadel_harness import TRAIL_DELIVERY_ARGS, CitadelTestCase


def org_trail_bucket_policy(bucket, account, org_id):
    source_arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/*"
    write = {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
                           "StringLike": {"aws:SourceArn": source_arn}}}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
        dict(write, Sid="ManagementAccount", Resource=f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*"),
        dict(write, Sid="Organization", Resource=f"arn:aws:s3:::{bucket}/AWSLogs/{org_id}/*")]})


class OrganizationTrail(CitadelTestCase):
    server_args = TRAIL_DELIVERY_ARGS

    def test_organization_trail_logs_member_accounts(self):
        account = self.server.root["AccountId"]
        s3, ct = self.server.client("s3", signature_version="s3v4"), self.server.client("cloudtrail")
        s3.create_bucket(Bucket="org-trail")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.create_trail(Name="org", S3BucketName="org-trail", IsOrganizationTrail=True)
        self.assertAwsError(ctx, "OrganizationsNotInUseException", 400)

        org = self.server.client("organizations")
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        status = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
        member = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        # Roles are assumed by IAM identities, not by the root user.
        iam = self.server.client("iam")
        iam.create_user(UserName="org-admin")
        iam.put_user_policy(UserName="org-admin", PolicyName="admin", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="org-admin")["AccessKey"]
        creds = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="admin")["Credentials"]

        member_session = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                              aws_session_token=creds["SessionToken"])
        member_iam = boto3.client("iam", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                  config=Config(retries={"max_attempts": 1}), **member_session)
        member_ct = boto3.client("cloudtrail", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                 config=Config(retries={"max_attempts": 1}), **member_session)

        # The bucket policy must cover the organization's path, and only the management account may create it.
        s3.put_bucket_policy(Bucket="org-trail", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            json.loads(org_trail_bucket_policy("org-trail", account, org_id))["Statement"][0],
            json.loads(org_trail_bucket_policy("org-trail", account, org_id))["Statement"][1]]}))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ct.create_trail(Name="org", S3BucketName="org-trail", IsOrganizationTrail=True)
        self.assertAwsError(ctx, "InsufficientS3BucketPolicyException", 400)
        s3.put_bucket_policy(Bucket="org-trail", Policy=org_trail_bucket_policy("org-trail", account, org_id))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member_ct.create_trail(Name="org", S3BucketName="org-trail", IsOrganizationTrail=True)
        self.assertAwsError(ctx, "NotOrganizationMasterAccountException", 400)

        out = ct.create_trail(Name="org", S3BucketName="org-trail", IsOrganizationTrail=True, IsMultiRegionTrail=True)
        self.assertTrue(out["IsOrganizationTrail"])
        ct.start_logging(Name="org")
        member_iam.create_user(UserName="member-user")
        self.server.client("iam").create_user(UserName="management-user")

        def delivered(owner):
            records = []
            for o in s3.list_objects_v2(Bucket="org-trail", Prefix=f"AWSLogs/{org_id}/{owner}/CloudTrail/").get("Contents", []):
                records += json.loads(gzip.decompress(s3.get_object(Bucket="org-trail", Key=o["Key"])["Body"].read()))["Records"]
            return [r for r in records if r["eventName"] == "CreateUser"]

        deadline = time.time() + 20
        while time.time() < deadline and not (delivered(member) and delivered(account)):
            time.sleep(0.5)
        (m,), (g,) = delivered(member), delivered(account)
        self.assertEqual((m["requestParameters"]["userName"], m["recipientAccountId"]), ("member-user", member))
        self.assertEqual(m["userIdentity"]["type"], "AssumedRole")
        self.assertEqual((g["requestParameters"]["userName"], g["recipientAccountId"]), ("management-user", account))
