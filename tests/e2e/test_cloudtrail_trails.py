"""CloudTrail trails end to end: creating a trail checks the bucket and its policy as AWS does;
a logging trail delivers gzipped log files to S3 under AWSLogs/ACCOUNT/CloudTrail/REGION/...; event
selectors choose management and data events; digest files sign what was delivered, and the real
`aws cloudtrail validate-logs` verifies them and names the file a test modified, deleted or moved."""
import gzip
import json
import os
import re
import subprocess
import sys
import time
import unittest
from datetime import datetime, timedelta, timezone

import botocore.exceptions

from citadel_harness import CitadelTestCase, cloudtrail_bucket_policy

DELIVERY_SECONDS = 1
DIGEST_SECONDS = 3


class CloudTrailTrails(CitadelTestCase):
    server_args = ("--trail-delivery-interval", str(DELIVERY_SECONDS), "--digest-interval", str(DIGEST_SECONDS))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ct = cls.server.client("cloudtrail")
        cls.s3 = cls.server.client("s3", signature_version="s3v4")
        cls.iam = cls.server.client("iam")
        cls.account = cls.server.root["AccountId"]

    def create_trail(self, **kw):
        """CreateTrail, deleted after the test (an account has at most 5 trails per region)."""
        out = self.ct.create_trail(**kw)
        self.addCleanup(lambda: self.ct.delete_trail(Name=out["TrailARN"]) if kw["Name"] in
                        [t["Name"] for t in self.ct.list_trails()["Trails"]] else None)
        return out

    def trail_bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        self.s3.put_bucket_policy(Bucket=name, Policy=cloudtrail_bucket_policy(name, self.account))
        return name

    def keys(self, bucket, prefix=""):
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return out

    def records(self, bucket, key):
        body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        return json.loads(gzip.decompress(body))["Records"]

    def delivered_records(self, bucket, prefix):
        out = []
        for key in self.keys(bucket, prefix):
            if "/CloudTrail/" in key:
                out += self.records(bucket, key)
        return out

    def wait_for(self, predicate, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.25)
        self.fail("timed out waiting")

    def test_create_trail_checks_name_bucket_and_policy(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="trail-one", S3BucketName="no-such-trail-bucket")
        self.assertAwsError(ctx, "S3BucketDoesNotExistException", 400)
        self.s3.create_bucket(Bucket="bare-bucket")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="trail-one", S3BucketName="bare-bucket")
        self.assertAwsError(ctx, "InsufficientS3BucketPolicyException", 400)
        # A policy for another account's path is not enough either.
        self.s3.put_bucket_policy(Bucket="bare-bucket", Policy=cloudtrail_bucket_policy("bare-bucket", "111122223333"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="trail-one", S3BucketName="bare-bucket")
        self.assertAwsError(ctx, "InsufficientS3BucketPolicyException", 400)
        for bad in ("ab", "-starts-with-dash", "has space", "a..b", "192.168.1.1"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ct.create_trail(Name=bad, S3BucketName="bare-bucket")
            self.assertAwsError(ctx, "InvalidTrailNameException", 400)

        bucket = self.trail_bucket("checked-trail-bucket")
        out = self.create_trail(Name="checked", S3BucketName=bucket, IsMultiRegionTrail=True,
                                   TagsList=[{"Key": "team", "Value": "sec"}])
        arn = f"arn:aws:cloudtrail:us-east-1:{self.account}:trail/checked"
        self.assertEqual(out["TrailARN"], arn)
        self.assertTrue(out["IsMultiRegionTrail"])
        self.assertTrue(out["IncludeGlobalServiceEvents"])
        self.assertFalse(out["LogFileValidationEnabled"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="checked", S3BucketName=bucket)
        self.assertAwsError(ctx, "TrailAlreadyExistsException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="multi", S3BucketName=bucket, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=False)
        self.assertAwsError(ctx, "InvalidParameterCombinationException", 400)

        trail = self.ct.get_trail(Name=arn)["Trail"]
        self.assertEqual((trail["Name"], trail["HomeRegion"], trail["S3BucketName"]), ("checked", "us-east-1", bucket))
        self.assertFalse(trail["HasCustomEventSelectors"])
        self.assertIn("checked", [t["Name"] for t in self.ct.describe_trails()["trailList"]])
        self.assertIn(arn, [t["TrailARN"] for t in self.ct.list_trails()["Trails"]])
        # A multi-region trail is seen from other regions too, as a shadow trail.
        west = self.server.client("cloudtrail", region="eu-west-1")
        self.assertIn(arn, [t["TrailARN"] for t in west.describe_trails()["trailList"]])
        self.assertEqual(west.describe_trails(includeShadowTrails=False)["trailList"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            west.delete_trail(Name=arn)
        self.assertAwsError(ctx, "InvalidHomeRegionException", 400)
        self.assertEqual(self.ct.list_tags(ResourceIdList=[arn])["ResourceTagList"][0]["TagsList"],
                         [{"Key": "team", "Value": "sec"}])

        status = self.ct.get_trail_status(Name="checked")
        self.assertFalse(status["IsLogging"])
        # The bucket policy grants AWSLogs/ACCOUNT/* only, not logs/AWSLogs/...
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.update_trail(Name="checked", S3KeyPrefix="logs")
        self.assertAwsError(ctx, "InsufficientS3BucketPolicyException", 400)
        updated = self.ct.update_trail(Name="checked", EnableLogFileValidation=True)
        self.assertTrue(updated["LogFileValidationEnabled"])
        self.ct.delete_trail(Name="checked")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.get_trail(Name="checked")
        self.assertAwsError(ctx, "TrailNotFoundException", 400)

    def test_cli_v1_and_v2(self):
        bucket = self.trail_bucket("cli-trail-bucket")
        for i, cli in enumerate((self.server.aws_v1, self.server.aws_v2)):
            name = f"cli-trail-{i}"
            rc, out, err = cli("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket,
                               "--enable-log-file-validation")
            self.assertEqual(rc, 0, err)
            self.assertTrue(out["LogFileValidationEnabled"])
            self.assertEqual(cli("cloudtrail", "start-logging", "--name", name)[0], 0)
            rc, out, err = cli("cloudtrail", "get-trail-status", "--name", name)
            self.assertEqual(rc, 0, err)
            self.assertTrue(out["IsLogging"])
            rc, out, err = cli("cloudtrail", "describe-trails", "--trail-name-list", name)
            self.assertEqual([t["Name"] for t in out["trailList"]], [name], err)
            rc, out, err = cli("cloudtrail", "get-trail", "--name", "no-such-trail")
            self.assertNotEqual(rc, 0)
            self.assertIn("TrailNotFoundException", err)
            self.assertEqual(cli("cloudtrail", "delete-trail", "--name", name)[0], 0)

    def test_log_files_encrypted_with_the_trails_kms_key(self):
        bucket = self.trail_bucket("kms-trail-bucket")
        kms = self.server.client("kms")
        key = kms.create_key()["KeyMetadata"]["Arn"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="encrypted", S3BucketName=bucket, KmsKeyId=key)
        self.assertAwsError(ctx, "InsufficientEncryptionPolicyException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="encrypted", S3BucketName=bucket, KmsKeyId="alias/no-such-key")
        self.assertAwsError(ctx, "KmsKeyNotFoundException", 400)
        # The key policy statement AWS documents for CloudTrail.
        policy = json.loads(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"])
        policy["Statement"].append({
            "Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*", "Resource": "*",
            "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{self.account}:trail/*"}}})
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))
        kms.create_alias(AliasName="alias/trail-logs", TargetKeyId=key)
        out = self.create_trail(Name="encrypted", S3BucketName=bucket, KmsKeyId="alias/trail-logs")
        self.assertEqual(out["KmsKeyId"], key)
        self.assertEqual(self.ct.get_trail(Name="encrypted")["Trail"]["KmsKeyId"], key)
        self.ct.start_logging(Name="encrypted")
        self.iam.create_user(UserName="encrypted-trail-user")
        prefix = f"AWSLogs/{self.account}/CloudTrail/"
        self.wait_for(lambda: [r for r in self.delivered_records(bucket, prefix) if r["eventName"] == "CreateUser"])
        log_key = self.keys(bucket, prefix)[0]
        head = self.s3.head_object(Bucket=bucket, Key=log_key)
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", key))
        # Disabling the key stops delivery (reported in the trail's status) and reading the files.
        kms.disable_key(KeyId=key)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket=bucket, Key=log_key)
        self.assertAwsError(ctx, "KMS.DisabledException", 400)
        self.iam.create_user(UserName="encrypted-trail-user-2")
        status = self.wait_for(lambda: (lambda s: s if s.get("LatestDeliveryError") else None)(
            self.ct.get_trail_status(Name="encrypted")))
        self.assertEqual(status["LatestDeliveryError"], "KmsKeyDisabledException")
        kms.enable_key(KeyId=key)
        records = self.wait_for(lambda: [r for r in self.delivered_records(bucket, prefix)
                                         if (r.get("requestParameters") or {}).get("userName") == "encrypted-trail-user-2"])
        self.assertEqual(len(records), 1)
        self.assertNotIn("LatestDeliveryError", self.ct.get_trail_status(Name="encrypted"))

    def test_delivery_into_a_cloudwatch_logs_group(self):
        bucket = self.trail_bucket("cwl-trail-bucket")
        logs = self.server.client("logs")
        logs.create_log_group(logGroupName="CloudTrail/Default")
        group_arn = f"arn:aws:logs:us-east-1:{self.account}:log-group:CloudTrail/Default:*"
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                                         "Action": "sts:AssumeRole"}]}
        role = self.iam.create_role(RoleName="CloudTrailToLogs", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        ec2_trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                                        "Action": "sts:AssumeRole"}]})
        other = self.iam.create_role(RoleName="NotForCloudTrail", AssumeRolePolicyDocument=ec2_trust)["Role"]["Arn"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="to-logs", S3BucketName=bucket, CloudWatchLogsRoleArn=role,
                                 CloudWatchLogsLogGroupArn=group_arn.replace("Default", "Missing"))
        self.assertAwsError(ctx, "InvalidCloudWatchLogsLogGroupArnException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="to-logs", S3BucketName=bucket, CloudWatchLogsRoleArn=other, CloudWatchLogsLogGroupArn=group_arn)
        self.assertAwsError(ctx, "InvalidCloudWatchLogsRoleArnException", 400)
        out = self.create_trail(Name="to-logs", S3BucketName=bucket, CloudWatchLogsRoleArn=role, CloudWatchLogsLogGroupArn=group_arn)
        self.assertEqual((out["CloudWatchLogsLogGroupArn"], out["CloudWatchLogsRoleArn"]), (group_arn, role))
        self.ct.start_logging(Name="to-logs")
        self.iam.create_user(UserName="watched-in-logs")
        stream = f"{self.account}_CloudTrail_us-east-1"

        def found():
            try:
                events = logs.filter_log_events(logGroupName="CloudTrail/Default", logStreamNames=[stream],
                                                filterPattern='{ $.eventName = "CreateUser" && $.requestParameters.userName = "watched-in-logs" }')
                return events["events"]
            except botocore.exceptions.ClientError:
                return None
        events = self.wait_for(found)
        self.assertEqual(len(events), 1)
        self.assertEqual(json.loads(events[0]["message"])["eventSource"], "iam.amazonaws.com")
        self.assertIn("LatestCloudWatchLogsDeliveryTime", self.ct.get_trail_status(Name="to-logs"))

    def test_prefix_outside_the_policy_is_refused(self):
        bucket = self.trail_bucket("prefix-trail-bucket")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.create_trail(Name="prefixed", S3BucketName=bucket, S3KeyPrefix="elsewhere")
        self.assertAwsError(ctx, "InsufficientS3BucketPolicyException", 400)

    def test_logging_trail_delivers_management_events_once(self):
        bucket = self.trail_bucket("delivery-trail-bucket")
        self.create_trail(Name="delivery", S3BucketName=bucket)
        self.ct.start_logging(Name="delivery")
        self.iam.create_user(UserName="trail-watched")
        self.s3.put_object(Bucket=bucket, Key="not-logged.txt", Body=b"data event")
        prefix = f"AWSLogs/{self.account}/CloudTrail/us-east-1/"
        records = self.wait_for(lambda: [r for r in self.delivered_records(bucket, prefix)
                                         if r["eventName"] == "CreateUser"
                                         and r["requestParameters"]["userName"] == "trail-watched"])
        self.assertEqual(len(records), 1)
        rec = records[0]
        self.assertEqual(rec["eventSource"], "iam.amazonaws.com")
        self.assertEqual(rec["recipientAccountId"], self.account)
        self.assertEqual(rec["userIdentity"]["arn"], f"arn:aws:iam::{self.account}:root")
        key = [k for k in self.keys(bucket, prefix) if "/CloudTrail/" in k][0]
        self.assertRegex(key, rf"^AWSLogs/{self.account}/CloudTrail/us-east-1/\d{{4}}/\d{{2}}/\d{{2}}/"
                              rf"{self.account}_CloudTrail_us-east-1_\d{{8}}T\d{{4}}Z_[A-Za-z0-9]{{16}}\.json\.gz$")
        # Data events are not selected by default.
        names = [r["eventName"] for r in self.delivered_records(bucket, prefix)]
        self.assertNotIn("PutObject", names)
        status = self.ct.get_trail_status(Name="delivery")
        self.assertTrue(status["IsLogging"])
        self.assertIn("LatestDeliveryTime", status)
        self.assertNotIn("LatestDeliveryError", status)

        # Events after StopLogging are not delivered.
        self.ct.stop_logging(Name="delivery")
        self.iam.create_user(UserName="trail-unwatched")
        time.sleep(DELIVERY_SECONDS * 3)
        names = [(r["eventName"], (r.get("requestParameters") or {}).get("userName"))
                 for r in self.delivered_records(bucket, prefix)]
        self.assertIn(("StopLogging", None), [(n, None) for n, _ in names if n == "StopLogging"])
        self.assertNotIn(("CreateUser", "trail-unwatched"), names)
        self.assertEqual(names.count(("CreateUser", "trail-watched")), 1)

    def test_event_selectors_choose_data_events(self):
        bucket = self.trail_bucket("selector-trail-bucket")
        self.s3.create_bucket(Bucket="watched-data")
        self.create_trail(Name="selective", S3BucketName=bucket)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.put_event_selectors(TrailName="selective", EventSelectors=[
                {"DataResources": [{"Type": "AWS::S3::Bucket", "Values": ["arn:aws:s3:::x/"]}]}])
        self.assertAwsError(ctx, "InvalidEventSelectorsException", 400)
        out = self.ct.put_event_selectors(TrailName="selective", EventSelectors=[
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": False,
             "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::watched-data/"]}]}])
        self.assertEqual(out["EventSelectors"][0]["ReadWriteType"], "WriteOnly")
        got = self.ct.get_event_selectors(TrailName="selective")
        self.assertEqual(got["EventSelectors"][0]["DataResources"][0]["Values"], ["arn:aws:s3:::watched-data/"])
        self.assertTrue(self.ct.get_trail(Name="selective")["Trail"]["HasCustomEventSelectors"])
        self.ct.start_logging(Name="selective")
        self.s3.put_object(Bucket="watched-data", Key="in.txt", Body=b"1")
        self.s3.get_object(Bucket="watched-data", Key="in.txt")  # a read: not selected
        self.s3.put_object(Bucket=bucket, Key="other.txt", Body=b"2")  # another bucket: not selected
        self.iam.create_user(UserName="selector-mgmt")  # management: not selected
        prefix = f"AWSLogs/{self.account}/CloudTrail/"
        recs = self.wait_for(lambda: [r for r in self.delivered_records(bucket, prefix) if r["eventName"] == "PutObject"])
        time.sleep(DELIVERY_SECONDS * 2)
        recs = self.delivered_records(bucket, prefix)
        self.assertEqual([(r["eventName"], r["requestParameters"]["key"]) for r in recs], [("PutObject", "in.txt")])
        rec = recs[0]
        self.assertEqual(rec["eventCategory"], "Data")
        self.assertFalse(rec["managementEvent"])
        self.assertIn({"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::watched-data/in.txt"}, rec["resources"])
        # Data events never reach Event history.
        events = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutObject"}])
        self.assertEqual(events["Events"], [])
        # Advanced selectors replace basic ones.
        out = self.ct.put_event_selectors(TrailName="selective", AdvancedEventSelectors=[
            {"Name": "reads of one bucket", "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "Equals": ["true"]},
                {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::watched-data/"]}]}])
        self.assertNotIn("EventSelectors", self.ct.get_event_selectors(TrailName="selective"))
        self.s3.get_object(Bucket="watched-data", Key="in.txt")
        self.wait_for(lambda: [r for r in self.delivered_records(bucket, prefix) if r["eventName"] == "GetObject"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ct.put_event_selectors(TrailName="selective", AdvancedEventSelectors=[
                {"FieldSelectors": [{"Field": "readOnly", "Equals": ["true"]}]}])
        self.assertAwsError(ctx, "InvalidEventSelectorsException", 400)

    def test_digests_verify_with_aws_cloudtrail_validate_logs(self):
        bucket = self.trail_bucket("validated-trail-bucket")
        start = datetime.now(timezone.utc) - timedelta(seconds=5)
        trail_arn = self.create_trail(Name="validated", S3BucketName=bucket, EnableLogFileValidation=True)["TrailARN"]
        self.ct.start_logging(Name="validated")
        digest_prefix = f"AWSLogs/{self.account}/CloudTrail-Digest/us-east-1/"
        log_prefix = f"AWSLogs/{self.account}/CloudTrail/us-east-1/"

        def digested_files():
            listed = []
            for key in self.keys(bucket, digest_prefix):
                digest = json.loads(gzip.decompress(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
                listed += [f["s3Object"] for f in digest["logFiles"]]
            return listed

        # Activity over several delivery rounds and digest periods, until digests already list at
        # least two log files (the digest written after StopLogging is then a further one).
        deadline = time.time() + 60
        i = 0
        while time.time() < deadline and (i < 3 or len(digested_files()) < 2):
            self.iam.create_user(UserName=f"validated-{i}")
            i += 1
            time.sleep(DELIVERY_SECONDS * 1.5)
        self.ct.stop_logging(Name="validated")

        def all_digested():  # including the digest written after StopLogging
            logs = set(self.keys(bucket, log_prefix))
            return logs and logs == set(digested_files()) and len(self.keys(bucket, digest_prefix)) >= 2
        self.wait_for(all_digested, timeout=DIGEST_SECONDS * 6)
        digests = sorted(self.keys(bucket, digest_prefix))
        self.assertGreaterEqual(len(digests), 1)
        self.assertRegex(digests[0], rf"/{self.account}_CloudTrail-Digest_us-east-1_validated_us-east-1_\d{{8}}T\d{{6}}Z\.json\.gz$")
        head = self.s3.head_object(Bucket=bucket, Key=digests[-1])
        self.assertEqual(head["Metadata"]["signature-algorithm"], "SHA256withRSA")
        digest = json.loads(gzip.decompress(self.s3.get_object(Bucket=bucket, Key=digests[-1])["Body"].read()))
        keys = self.ct.list_public_keys()["PublicKeyList"]
        self.assertIn(digest["digestPublicKeyFingerprint"], [k["Fingerprint"] for k in keys])
        if len(digests) > 1:
            self.assertEqual(digest["previousDigestS3Object"], digests[-2])

        def validate():
            env = self.server.cli_env()
            env["AWS_ENDPOINT_URL"] = self.server.endpoint
            p = subprocess.run([sys.executable, "-m", "awscli", "cloudtrail", "validate-logs", "--trail-arn", trail_arn,
                                "--start-time", start.strftime("%Y-%m-%dT%H:%M:%SZ"), "--verbose"],
                               env=env, capture_output=True, text=True, timeout=120)
            return p.returncode, p.stdout + p.stderr

        rc, out = validate()
        self.assertEqual(rc, 0, out)
        log_files = sorted(self.keys(bucket, log_prefix))
        self.assertGreaterEqual(len(log_files), 2, out)
        for key in log_files:
            self.assertIn(f"Log file\ts3://{bucket}/{key}\tvalid", out)
        self.assertRegex(out, rf"{len(log_files)}/{len(log_files)} log files valid")

        # Tamper: change one log file, delete another (both listed by older digests, which stay
        # valid), and move the newest digest.
        self.assertGreaterEqual(len(digests), 2, out)
        older_files = []
        for key in digests[:-1]:
            older = json.loads(gzip.decompress(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
            older_files += [f["s3Object"] for f in older["logFiles"]]
        self.assertGreaterEqual(len(older_files), 2, out)
        changed, deleted = older_files[0], older_files[1]
        original = gzip.decompress(self.s3.get_object(Bucket=bucket, Key=changed)["Body"].read())
        self.s3.put_object(Bucket=bucket, Key=changed, Body=gzip.compress(original.replace(b"validated-", b"tampered--")))
        self.s3.delete_object(Bucket=bucket, Key=deleted)
        newest = digests[-1]
        moved_stamp = (datetime.now(timezone.utc) + timedelta(minutes=1)).strftime("%Y%m%dT%H%M%SZ")
        moved = re.sub(r"_\d{8}T\d{6}Z\.json\.gz$", f"_{moved_stamp}.json.gz", newest)
        self.s3.copy_object(Bucket=bucket, Key=moved, CopySource={"Bucket": bucket, "Key": newest}, MetadataDirective="COPY")
        self.s3.delete_object(Bucket=bucket, Key=newest)
        rc, out = validate()
        self.assertNotEqual(rc, 0, out)
        self.assertIn(f"Log file\ts3://{bucket}/{changed}\tINVALID: hash value doesn't match", out)
        self.assertIn(f"Log file\ts3://{bucket}/{deleted}\tINVALID: not found", out)
        self.assertIn(f"Digest file\ts3://{bucket}/{moved}\tINVALID: has been moved from its original location", out)


if __name__ == "__main__":
    unittest.main()
