"""Console passwords: login profiles checked against the account password policy (AWS's default
when none is set), reuse prevention, ChangePassword proving the old password, hard expiry, and
passwords kept only as Argon2id hashes."""
import json
import os
import sqlite3
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures


class Passwords(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")

    def tearDown(self):
        try:
            self.iam.delete_account_password_policy()
        except botocore.exceptions.ClientError:
            pass

    def user_with_key(self, name):
        self.make_user(name)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        self.iam.put_user_policy(UserName=name, PolicyName="own-password", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/${aws:username}"}]}))
        return self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])

    def assertViolation(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, "PasswordPolicyViolation", 400)["Error"]["Message"]

    def test_password_policy_round_trip(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_account_password_policy()
        self.assertAwsError(ctx, "NoSuchEntity", 404)
        self.iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
                                                RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
                                                AllowUsersToChangePassword=True, MaxPasswordAge=90,
                                                PasswordReusePrevention=3, HardExpiry=False)
        p = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertEqual(p["MinimumPasswordLength"], 14)
        self.assertTrue(p["ExpirePasswords"])
        self.assertEqual(p["MaxPasswordAge"], 90)
        self.assertEqual(p["PasswordReusePrevention"], 3)
        # Members left out return to IAM's defaults.
        self.iam.update_account_password_policy(RequireNumbers=True)
        p = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertEqual(p["MinimumPasswordLength"], 6)
        self.assertFalse(p["RequireSymbols"])
        self.assertFalse(p["ExpirePasswords"])
        # Out-of-range values are refused by IAM's constraints (the server's, not only the client's).
        unchecked = self.server.client("iam", parameter_validation=False)
        for bad in (dict(MinimumPasswordLength=5), dict(MaxPasswordAge=1096), dict(PasswordReusePrevention=25)):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                unchecked.update_account_password_policy(**bad)
            self.assertAwsError(ctx, "ValidationError", 400)
        rc, out, err = self.server.aws_v2("iam", "get-account-password-policy")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["PasswordPolicy"]["RequireNumbers"])
        self.iam.delete_account_password_policy()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_account_password_policy()
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_login_profile_follows_the_policy(self):
        self.make_user("pw-user")
        # AWS's default policy: at least 8 characters of three classes.
        self.assertViolation(self.iam.create_login_profile, UserName="pw-user", Password="short1A")
        self.assertViolation(self.iam.create_login_profile, UserName="pw-user", Password="alllowercase")
        self.iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, RequireUppercaseCharacters=True)
        msg = self.assertViolation(self.iam.create_login_profile, UserName="pw-user", Password="lowercase-only")
        self.assertIn("uppercase", msg)
        msg = self.assertViolation(self.iam.create_login_profile, UserName="pw-user", Password="Short!")
        self.assertIn("minimum length of 12", msg)
        profile = self.iam.create_login_profile(UserName="pw-user", Password="Correct-Horse!9", PasswordResetRequired=True)
        self.assertEqual(profile["LoginProfile"]["UserName"], "pw-user")
        self.assertTrue(profile["LoginProfile"]["PasswordResetRequired"])
        self.assertNotIn("Password", profile["LoginProfile"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_login_profile(UserName="pw-user", Password="Another-Horse!9")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)
        self.iam.update_login_profile(UserName="pw-user", PasswordResetRequired=False)
        self.assertFalse(self.iam.get_login_profile(UserName="pw-user")["LoginProfile"]["PasswordResetRequired"])
        self.assertViolation(self.iam.update_login_profile, UserName="pw-user", Password="nope")
        # The user cannot be deleted while it has a password.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_user(UserName="pw-user")
        self.assertAwsError(ctx, "DeleteConflict", 409)
        # Only a hash is stored.
        db = sqlite3.connect(f"file:{os.path.join(self.server.data_dir, 'citadel.db')}?mode=ro", uri=True)
        rows = db.execute("SELECT password_hash FROM iam_login_profiles").fetchall()
        db.close()
        self.assertTrue(rows and all(r[0].startswith("$argon2id$") for r in rows))
        self.assertFalse(any("Correct-Horse" in r[0] for r in rows))
        self.iam.delete_login_profile(UserName="pw-user")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.get_login_profile(UserName="pw-user")
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_change_password_proves_the_old_one_and_prevents_reuse(self):
        user_iam = self.user_with_key("pw-changer")
        self.iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=2, AllowUsersToChangePassword=True)
        self.iam.create_login_profile(UserName="pw-changer", Password="First-pass1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            user_iam.change_password(OldPassword="wrong-old1", NewPassword="Second-pass2")
        self.assertAwsError(ctx, "AccessDenied", 403)
        user_iam.change_password(OldPassword="First-pass1", NewPassword="Second-pass2")
        # The last two passwords may not come back.
        for old in ("Second-pass2", "First-pass1"):
            self.assertViolation(user_iam.change_password, OldPassword="Second-pass2", NewPassword=old)
        user_iam.change_password(OldPassword="Second-pass2", NewPassword="Third-pass3")
        user_iam.change_password(OldPassword="Third-pass3", NewPassword="Fourth-pass4")
        user_iam.change_password(OldPassword="Fourth-pass4", NewPassword="First-pass1")  # three back: allowed again
        # The root user has no console password here.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.change_password(OldPassword="x", NewPassword="Whatever-1")
        self.assertAwsError(ctx, "InvalidUserType", 400)

    def test_change_password_needs_permission(self):
        self.make_user("pw-noperm")
        key = self.iam.create_access_key(UserName="pw-noperm")["AccessKey"]
        self.iam.create_login_profile(UserName="pw-noperm", Password="Start-pass1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"]).change_password(
                OldPassword="Start-pass1", NewPassword="Next-pass2")
        self.assertAwsError(ctx, "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
