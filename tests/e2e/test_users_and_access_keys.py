"""The root user creates the first users and keys; users act with their own keys and are denied
everything IAM has not granted them."""
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures


class UsersAndKeys(IamFixtures, CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")

    def test_create_get_list_user(self):
        account = self.server.root["AccountId"]
        user = self.make_user("alice", Path="/engineering/", Tags=[{"Key": "team", "Value": "red"}])
        self.assertRegex(user["UserId"], r"^AIDA[A-Z2-7]{16,}$")
        self.assertEqual(user["Arn"], f"arn:aws:iam::{account}:user/engineering/alice")
        self.assertEqual(user["Tags"], [{"Key": "team", "Value": "red"}])
        got = self.iam.get_user(UserName="ALICE")["User"]  # names are case-insensitive
        self.assertEqual(got["UserName"], "alice")
        self.assertEqual(got["UserId"], user["UserId"])
        names = [u["UserName"] for u in self.iam.list_users(PathPrefix="/engineering/")["Users"]]
        self.assertEqual(names, ["alice"])
        self.assertEqual(self.iam.list_users(PathPrefix="/sales/")["Users"], [])

    def test_duplicate_user_is_entity_already_exists(self):
        self.make_user("bob")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_user(UserName="BOB")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)

    def test_missing_user_is_no_such_entity(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_user(UserName="nobody")
        err = self.assertAwsError(ctx, "NoSuchEntity", 404)
        self.assertEqual(err["Error"]["Message"], "The user with name nobody cannot be found.")

    def test_invalid_path_is_rejected(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_user(UserName="carol", Path="no-slashes")
        self.assertAwsError(ctx, "ValidationError", 400)

    def test_list_users_pages_with_marker(self):
        for i in range(5):
            self.make_user(f"pager{i}")
        page = self.iam.list_users(MaxItems=2)
        self.assertTrue(page["IsTruncated"])
        seen = [u["UserName"] for u in page["Users"]]
        while page["IsTruncated"]:
            page = self.iam.list_users(MaxItems=2, Marker=page["Marker"])
            seen += [u["UserName"] for u in page["Users"]]
        self.assertEqual([n for n in seen if n.startswith("pager")], [f"pager{i}" for i in range(5)])

    def test_user_acts_with_own_key_and_is_denied_by_default(self):
        account = self.server.root["AccountId"]
        user = self.make_user("dave")
        key = self.iam.create_access_key(UserName="dave")["AccessKey"]
        self.assertRegex(key["AccessKeyId"], r"^AKIA[A-Z2-7]{16}$")
        self.assertEqual(key["Status"], "Active")
        ident = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{account}:user/dave")
        self.assertEqual(ident["UserId"], user["UserId"])
        dave_iam = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            dave_iam.list_users()
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn(f"User: arn:aws:iam::{account}:user/dave is not authorized to perform: iam:ListUsers",
                      err["Error"]["Message"])
        # Both CLIs see the same denial.
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, _, stderr = run("iam", "list-users", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
            self.assertNotEqual(rc, 0)
            self.assertIn("AccessDenied", stderr)

    def test_inactive_and_deleted_keys_are_refused(self):
        self.make_user("erin")
        key = self.iam.create_access_key(UserName="erin")["AccessKey"]
        sts = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        sts.get_caller_identity()
        self.iam.update_access_key(UserName="erin", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)
        self.iam.update_access_key(UserName="erin", AccessKeyId=key["AccessKeyId"], Status="Active")
        sts.get_caller_identity()
        self.iam.delete_access_key(UserName="erin", AccessKeyId=key["AccessKeyId"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)

    def test_at_most_two_keys_per_user(self):
        self.make_user("frank")
        self.iam.create_access_key(UserName="frank")
        self.iam.create_access_key(UserName="frank")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_access_key(UserName="frank")
        err = self.assertAwsError(ctx, "LimitExceeded", 409)
        self.assertEqual(err["Error"]["Message"], "Cannot exceed quota for AccessKeysPerUser: 2")
        self.assertEqual(len(self.iam.list_access_keys(UserName="frank")["AccessKeyMetadata"]), 2)

    def test_user_with_keys_cannot_be_deleted(self):
        self.make_user("grace")
        key = self.iam.create_access_key(UserName="grace")["AccessKey"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_user(UserName="grace")
        self.assertAwsError(ctx, "DeleteConflict", 409)
        self.iam.delete_access_key(UserName="grace", AccessKeyId=key["AccessKeyId"])
        self.iam.delete_user(UserName="grace")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_user(UserName="grace")
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_renamed_user_keeps_working_keys(self):
        self.make_user("heidi")
        key = self.iam.create_access_key(UserName="heidi")["AccessKey"]
        self.iam.update_user(UserName="heidi", NewUserName="heidi2", NewPath="/ops/")
        self.addCleanup(self.delete_user, "heidi2")
        ident = self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
        self.assertTrue(ident["Arn"].endswith(":user/ops/heidi2"), ident["Arn"])
        keys = self.iam.list_access_keys(UserName="heidi2")["AccessKeyMetadata"]
        self.assertEqual([k["AccessKeyId"] for k in keys], [key["AccessKeyId"]])

    def test_cli_v2_creates_and_lists_users(self):
        rc, out, err = self.server.aws_v2("iam", "create-user", "--user-name", "ivan")
        self.addCleanup(self.delete_user, "ivan")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["User"]["UserName"], "ivan")
        rc, out, err = self.server.aws_v1("iam", "list-users")
        self.assertEqual(rc, 0, err)
        self.assertIn("ivan", [u["UserName"] for u in out["Users"]])

    def test_tags_on_users(self):
        self.make_user("judy")
        self.iam.tag_user(UserName="judy", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.iam.untag_user(UserName="judy", TagKeys=["a"])
        self.assertEqual(self.iam.list_user_tags(UserName="judy")["Tags"], [{"Key": "b", "Value": "2"}])

    def test_access_key_last_used_tracks_time_service_and_region(self):
        self.make_user("ken")
        key = self.iam.create_access_key(UserName="ken")["AccessKey"]
        out = self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(out["UserName"], "ken")
        self.assertEqual(out["AccessKeyLastUsed"]["ServiceName"], "N/A")
        self.assertNotIn("LastUsedDate", out["AccessKeyLastUsed"])
        self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"], region="eu-central-1").get_caller_identity()
        self.server.client("cloudtrail").lookup_events(MaxResults=1)  # waits until the trail is indexed
        used = self.iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        self.assertEqual(used["ServiceName"], "sts")
        self.assertEqual(used["Region"], "eu-central-1")
        self.assertIn("LastUsedDate", used)


if __name__ == "__main__":
    unittest.main()
