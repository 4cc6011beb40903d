"""Groups and membership: a team lead groups users, renames and moves the group, and IAM refuses to
delete what is still in use. Driven with boto3 and both aws CLIs as the root user."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures

DOC = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


class Groups(IamFixtures, CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")
        self.account = self.server.root["AccountId"]

    def error(self, fn, code, status, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)["Error"]["Message"]

    def test_create_get_and_list_groups(self):
        group = self.make_group("developers", Path="/eng/")
        self.assertRegex(group["GroupId"], r"^AGPA[A-Z2-7]{17}$")
        self.assertEqual(group["Arn"], f"arn:aws:iam::{self.account}:group/eng/developers")
        got = self.iam.get_group(GroupName="DEVELOPERS")  # names are case-insensitive
        self.assertEqual(got["Group"]["GroupId"], group["GroupId"])
        self.assertEqual(got["Users"], [])
        self.make_group("auditors", Path="/sec/")
        self.assertEqual([g["GroupName"] for g in self.iam.list_groups(PathPrefix="/eng/")["Groups"]], ["developers"])
        names = [g["GroupName"] for g in self.iam.list_groups()["Groups"]]
        self.assertIn("auditors", names)
        self.assertIn("developers", names)

    def test_duplicate_and_missing_groups(self):
        self.make_group("ops")
        message = self.error(self.iam.create_group, "EntityAlreadyExists", 409, GroupName="OPS")
        self.assertEqual(message, "Group with name OPS already exists.")
        message = self.error(self.iam.get_group, "NoSuchEntity", 404, GroupName="nobody")
        self.assertEqual(message, "The group with name nobody cannot be found.")
        self.error(self.iam.create_group, "ValidationError", 400, GroupName="badpath", Path="no-slash")

    def test_membership(self):
        self.make_group("readers")
        self.make_user("ann")
        self.make_user("bob")
        self.iam.add_user_to_group(GroupName="readers", UserName="ann")
        self.iam.add_user_to_group(GroupName="readers", UserName="bob")
        self.iam.add_user_to_group(GroupName="readers", UserName="bob")  # adding twice changes nothing
        group = self.iam.get_group(GroupName="readers")
        self.assertEqual([u["UserName"] for u in group["Users"]], ["ann", "bob"])
        self.assertEqual(group["Users"][0]["Arn"], f"arn:aws:iam::{self.account}:user/ann")
        self.assertEqual([g["GroupName"] for g in self.iam.list_groups_for_user(UserName="ann")["Groups"]], ["readers"])
        self.iam.remove_user_from_group(GroupName="readers", UserName="ann")
        self.assertEqual([u["UserName"] for u in self.iam.get_group(GroupName="readers")["Users"]], ["bob"])
        self.assertEqual(self.iam.list_groups_for_user(UserName="ann")["Groups"], [])
        self.error(self.iam.remove_user_from_group, "NoSuchEntity", 404, GroupName="readers", UserName="ann")
        message = self.error(self.iam.add_user_to_group, "NoSuchEntity", 404, GroupName="readers", UserName="ghost")
        self.assertEqual(message, "The user with name ghost cannot be found.")
        self.error(self.iam.add_user_to_group, "NoSuchEntity", 404, GroupName="ghosts", UserName="bob")

    def test_get_group_pages_its_users(self):
        self.make_group("crowd")
        for i in range(5):
            self.make_user(f"member{i}")
            self.iam.add_user_to_group(GroupName="crowd", UserName=f"member{i}")
        page = self.iam.get_group(GroupName="crowd", MaxItems=2)
        names = [u["UserName"] for u in page["Users"]]
        self.assertTrue(page["IsTruncated"])
        while page["IsTruncated"]:
            page = self.iam.get_group(GroupName="crowd", MaxItems=2, Marker=page["Marker"])
            names += [u["UserName"] for u in page["Users"]]
        self.assertEqual(names, [f"member{i}" for i in range(5)])

    def test_a_user_is_in_at_most_ten_groups(self):
        self.make_user("joiner")
        for i in range(10):
            self.make_group(f"club{i}")
            self.iam.add_user_to_group(GroupName=f"club{i}", UserName="joiner")
        self.make_group("club10")
        message = self.error(self.iam.add_user_to_group, "LimitExceeded", 409, GroupName="club10", UserName="joiner")
        self.assertEqual(message, "Cannot exceed quota for GroupsPerUser: 10")
        self.assertEqual(len(self.iam.list_groups_for_user(UserName="joiner")["Groups"]), 10)

    def test_rename_and_move_keeps_members(self):
        self.make_group("old-name")
        self.make_user("carl")
        self.iam.add_user_to_group(GroupName="old-name", UserName="carl")
        self.iam.update_group(GroupName="old-name", NewGroupName="new-name", NewPath="/moved/")
        self.addCleanup(self.delete_group, "new-name")
        self.error(self.iam.get_group, "NoSuchEntity", 404, GroupName="old-name")
        group = self.iam.get_group(GroupName="new-name")
        self.assertEqual(group["Group"]["Arn"], f"arn:aws:iam::{self.account}:group/moved/new-name")
        self.assertEqual([u["UserName"] for u in group["Users"]], ["carl"])
        self.make_group("taken")
        self.error(self.iam.update_group, "EntityAlreadyExists", 409, GroupName="new-name", NewGroupName="Taken")

    def test_delete_refused_while_in_use(self):
        self.make_group("busy")
        self.make_user("dana")
        self.iam.add_user_to_group(GroupName="busy", UserName="dana")
        message = self.error(self.iam.delete_group, "DeleteConflict", 409, GroupName="busy")
        self.assertEqual(message, "Cannot delete entity, must remove users from group first.")
        self.iam.remove_user_from_group(GroupName="busy", UserName="dana")
        self.iam.put_group_policy(GroupName="busy", PolicyName="inline", PolicyDocument=DOC)
        message = self.error(self.iam.delete_group, "DeleteConflict", 409, GroupName="busy")
        self.assertEqual(message, "Cannot delete entity, must delete policies first.")
        self.iam.delete_group_policy(GroupName="busy", PolicyName="inline")
        self.iam.attach_group_policy(GroupName="busy", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        message = self.error(self.iam.delete_group, "DeleteConflict", 409, GroupName="busy")
        self.assertEqual(message, "Cannot delete entity, must detach all policies first.")
        self.iam.detach_group_policy(GroupName="busy", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.iam.delete_group(GroupName="busy")
        self.error(self.iam.get_group, "NoSuchEntity", 404, GroupName="busy")

    def test_a_user_in_a_group_cannot_be_deleted(self):
        self.make_group("keepers")
        self.make_user("erin")
        self.iam.add_user_to_group(GroupName="keepers", UserName="erin")
        message = self.error(self.iam.delete_user, "DeleteConflict", 409, UserName="erin")
        self.assertEqual(message, "Cannot delete entity, must remove users from group first.")
        self.iam.remove_user_from_group(GroupName="keepers", UserName="erin")
        self.iam.delete_user(UserName="erin")

    def test_both_clis_manage_groups(self):
        self.make_user("fred")
        rc, out, err = self.server.aws_v2("iam", "create-group", "--group-name", "cli-group", "--path", "/cli/")
        self.assertEqual(rc, 0, err)
        self.addCleanup(self.delete_group, "cli-group")
        self.assertEqual(out["Group"]["Path"], "/cli/")
        rc, _, err = self.server.aws_v1("iam", "add-user-to-group", "--group-name", "cli-group", "--user-name", "fred")
        self.assertEqual(rc, 0, err)
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("iam", "get-group", "--group-name", "cli-group")
            self.assertEqual(rc, 0, err)
            self.assertEqual([u["UserName"] for u in out["Users"]], ["fred"])
            rc, out, err = run("iam", "list-groups-for-user", "--user-name", "fred")
            self.assertEqual(rc, 0, err)
            self.assertEqual([g["GroupName"] for g in out["Groups"]], ["cli-group"])
        rc, _, err = self.server.aws_v2("iam", "delete-group", "--group-name", "cli-group")
        self.assertNotEqual(rc, 0)
        self.assertIn("DeleteConflict", err)


if __name__ == "__main__":
    unittest.main()
