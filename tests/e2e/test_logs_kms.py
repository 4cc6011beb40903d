"""KMS-encrypted log groups: CreateLogGroup with kmsKeyId, AssociateKmsKey and DisassociateKmsKey.
The key's policy must let the Logs service use it (AWS's errors otherwise); events are sealed at
rest (no plaintext in the data files), read back in the clear while the key is enabled, and
unreadable while it is disabled."""
import glob
import json
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


def now_ms():
    return int(time.time() * 1000)


class EncryptedLogGroups(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs, cls.kms = cls.server.client("logs"), cls.server.client("kms")
        cls.account = cls.server.root["AccountId"]

    def key(self, logs_allowed=True, group="*"):
        statements = [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                       "Action": "kms:*", "Resource": "*"}]
        if logs_allowed:
            statements.append({"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
                               "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                               "Resource": "*",
                               "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                                         f"arn:aws:logs:us-east-1:{self.account}:log-group:{group}"}}})
        policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
        return self.kms.create_key(Policy=policy)["KeyMetadata"]["Arn"]

    def put(self, group, messages):
        self.logs.put_log_events(logGroupName=group, logStreamName="s",
                                 logEvents=[{"timestamp": now_ms(), "message": m} for m in messages])

    def messages(self, group):
        return [e["message"] for e in self.logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]]

    def data_files_contain(self, marker):
        for path in glob.glob(self.server.data_dir + "/**", recursive=True):
            try:
                with open(path, "rb") as f:
                    if marker.encode() in f.read():
                        return True
            except (IsADirectoryError, PermissionError):
                pass
        return False

    def test_encrypted_group_round_trip_sealed_at_rest(self):
        key = self.key(group="/enc/*")
        self.logs.create_log_group(logGroupName="/enc/app", kmsKeyId=key)
        self.logs.create_log_stream(logGroupName="/enc/app", logStreamName="s")
        group = self.logs.describe_log_groups(logGroupNamePrefix="/enc/app")["logGroups"][0]
        self.assertEqual(group["kmsKeyId"], key)
        self.put("/enc/app", ["secret-marker-4f1c9 login failed for alice", "ok"])
        self.assertEqual(self.messages("/enc/app"), ["secret-marker-4f1c9 login failed for alice", "ok"])
        found = self.logs.filter_log_events(logGroupName="/enc/app", filterPattern="failed")["events"]
        self.assertEqual([e["message"] for e in found], ["secret-marker-4f1c9 login failed for alice"])
        # The audit trail records the call's parameters, so look for a marker only the message carries.
        self.assertFalse(self.data_files_contain("4f1c9 login failed"), "plaintext of a sealed event found on disk")

        # Disabled key: the group's data cannot be read (or written); enabled again, it can.
        self.kms.disable_key(KeyId=key)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.messages("/enc/app")
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.put("/enc/app", ["while disabled"])
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        self.kms.enable_key(KeyId=key)
        self.assertEqual(len(self.messages("/enc/app")), 2)

    def test_associate_and_disassociate_on_an_existing_group(self):
        self.logs.create_log_group(logGroupName="/enc/later")
        self.logs.create_log_stream(logGroupName="/enc/later", logStreamName="s")
        self.put("/enc/later", ["before"])
        key = self.key()
        self.logs.associate_kms_key(logGroupName="/enc/later", kmsKeyId=key)
        self.put("/enc/later", ["during"])
        self.logs.disassociate_kms_key(logGroupName="/enc/later")
        self.assertNotIn("kmsKeyId", self.logs.describe_log_groups(logGroupNamePrefix="/enc/later")["logGroups"][0])
        self.put("/enc/later", ["after"])
        self.assertEqual(self.messages("/enc/later"), ["before", "during", "after"])
        # The aws CLI sees the same group.
        code, out, err = self.server.aws_v1("logs", "associate-kms-key", "--log-group-name", "/enc/later", "--kms-key-id", key)
        self.assertEqual(code, 0, err)
        code, out, err = self.server.aws_v2("logs", "describe-log-groups", "--log-group-name-prefix", "/enc/later")
        self.assertEqual(code, 0, err)
        self.assertEqual(out["logGroups"][0]["kmsKeyId"], key)

    def test_keys_the_logs_service_may_not_use_are_refused(self):
        no_grant = self.key(logs_allowed=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_group(logGroupName="/enc/refused", kmsKeyId=no_grant)
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        self.assertIn("is not allowed to be used with Arn 'arn:aws:logs:us-east-1:", ctx.exception.response["Error"]["Message"])
        # Nothing half-made: the group was not created.
        self.assertEqual(self.logs.describe_log_groups(logGroupNamePrefix="/enc/refused")["logGroups"], [])
        other_group = self.key(group="/somewhere-else/*")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_group(logGroupName="/enc/refused", kmsKeyId=other_group)
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        missing = f"arn:aws:kms:us-east-1:{self.account}:key/00000000-0000-0000-0000-000000000000"
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_group(logGroupName="/enc/refused", kmsKeyId=missing)
        self.assertAwsError(ctx, "AccessDeniedException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.create_log_group(logGroupName="/enc/refused", kmsKeyId="not-an-arn")
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        disabled = self.key()
        self.kms.disable_key(KeyId=disabled)
        self.logs.create_log_group(logGroupName="/enc/plain")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.associate_kms_key(logGroupName="/enc/plain", kmsKeyId=disabled)
        self.assertAwsError(ctx, "InvalidParameterException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.logs.associate_kms_key(logGroupName="/enc/missing-group", kmsKeyId=self.key())
        self.assertAwsError(ctx, "ResourceNotFoundException", 400)


if __name__ == "__main__":
    unittest.main()
