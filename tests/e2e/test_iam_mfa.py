"""Virtual MFA devices: the seed and its QR code, enabling with two consecutive codes, RFC 6238's
±1 step window, codes never accepted twice, resynchronisation, MFA-gated policies through STS
sessions and AssumeRole, and the rules for deactivating and deleting devices."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures, fresh_totp_step, totp


class VirtualMfa(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")

    def make_device(self, name):
        device = self.iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        return device["SerialNumber"], device["Base32StringSeed"].decode()

    def user_with_key(self, name):
        self.make_user(name)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def enable(self, user, name):
        """A device enabled for `user` with the codes of the last two steps; returns (serial, seed, step)."""
        serial, seed = self.make_device(name)
        step = fresh_totp_step()
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
        return serial, seed, step

    def test_seed_and_qr_code_name_the_same_secret(self):
        device = self.iam.create_virtual_mfa_device(VirtualMFADeviceName="qrdevice", Path="/team/")["VirtualMFADevice"]
        account = self.server.root["AccountId"]
        self.assertEqual(device["SerialNumber"], f"arn:aws:iam::{account}:mfa/team/qrdevice")
        seed = device["Base32StringSeed"].decode()
        self.assertRegex(seed, r"^[A-Z2-7]{64}$")
        png = device["QRCodePNG"]
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        if shutil.which("zbarimg"):
            with tempfile.NamedTemporaryFile(suffix=".png") as f:
                f.write(png)
                f.flush()
                decoded = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, text=True).stdout.strip()
            self.assertTrue(decoded.startswith("otpauth://totp/"), decoded)
            self.assertIn(f"secret={seed}", decoded)
            self.assertIn("qrdevice", decoded)
        # Debian's aws CLI v2 writes the PNG to a file, as a user would get it.
        out = os.path.join(tempfile.mkdtemp(), "qr.png")
        rc, body, err = self.server.aws_v2("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "clidevice",
                                           "--outfile", out, "--bootstrap-method", "QRCodePNG")
        self.assertEqual(rc, 0, err)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        listed = {d["SerialNumber"] for d in self.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]}
        self.assertIn(f"arn:aws:iam::{account}:mfa/clidevice", listed)
        # Names are unique per account.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.create_virtual_mfa_device(VirtualMFADeviceName="QRDEVICE")
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)
        for name in ("team/qrdevice", "clidevice"):
            self.iam.delete_virtual_mfa_device(SerialNumber=f"arn:aws:iam::{account}:mfa/{name}")

    def test_enable_needs_two_consecutive_current_codes(self):
        self.make_user("mfa-enable")
        serial, seed = self.make_device("enable-device")
        step = fresh_totp_step()
        for code1, code2 in (("000000", "000000"), (totp(seed, step - 1), totp(seed, step + 1)),
                             (totp(seed, step - 4), totp(seed, step - 3))):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.iam.enable_mfa_device(UserName="mfa-enable", SerialNumber=serial,
                                           AuthenticationCode1=code1, AuthenticationCode2=code2)
            self.assertAwsError(ctx, "InvalidAuthenticationCode", 403)
        self.iam.enable_mfa_device(UserName="mfa-enable", SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
        devices = self.iam.list_mfa_devices(UserName="mfa-enable")["MFADevices"]
        self.assertEqual([d["SerialNumber"] for d in devices], [serial])
        self.assertEqual(self.iam.get_mfa_device(UserName="mfa-enable", SerialNumber=serial)["UserName"], "mfa-enable")
        assigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
        self.assertIn("mfa-enable", [d["User"]["UserName"] for d in assigned if d["SerialNumber"] == serial])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.enable_mfa_device(UserName="mfa-enable", SerialNumber=serial,
                                       AuthenticationCode1=totp(seed, step), AuthenticationCode2=totp(seed, step + 1))
        self.assertAwsError(ctx, "EntityAlreadyExists", 409)
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertGreaterEqual(summary["MFADevicesInUse"], 1)
        # An enabled device cannot be deleted, nor can its user.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertAwsError(ctx, "DeleteConflict", 409)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_user(UserName="mfa-enable")
        self.assertAwsError(ctx, "DeleteConflict", 409)
        self.iam.deactivate_mfa_device(UserName="mfa-enable", SerialNumber=serial)
        self.assertEqual(self.iam.list_mfa_devices(UserName="mfa-enable")["MFADevices"], [])
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertAwsError(ctx, "NoSuchEntity", 404)

    def test_codes_are_accepted_once_within_one_step_of_now(self):
        key = self.user_with_key("mfa-window")
        serial, seed, step = self.enable("mfa-window", "window-device")
        sts = self.server.client("sts", *key)

        def session(code):
            return sts.get_session_token(SerialNumber=serial, TokenCode=code, DurationSeconds=900)

        # The enabling codes are spent; so is anything older; two steps ahead is outside the window.
        for code in (totp(seed, step), totp(seed, step - 1), totp(seed, step + 2), "12345x"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                session(code)
            self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("Credentials", session(totp(seed, step + 1)))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            session(totp(seed, step + 1))  # the same code again
        self.assertAwsError(ctx, "AccessDenied", 403)
        # A serial number that is not the caller's device proves nothing.
        other_serial, _ = self.make_device("not-mine")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_session_token(SerialNumber=other_serial, TokenCode=totp(seed, step + 1))
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.iam.delete_virtual_mfa_device(SerialNumber=other_serial)

    def test_resync_follows_a_drifted_device(self):
        key = self.user_with_key("mfa-resync")
        serial, seed, step = self.enable("mfa-resync", "resync-device")
        sts = self.server.client("sts", *key)
        # The device now runs eight steps (four minutes) ahead: its codes are outside the window.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, step + 8))
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.resync_mfa_device(UserName="mfa-resync", SerialNumber=serial,
                                       AuthenticationCode1="111111", AuthenticationCode2="222222")
        self.assertAwsError(ctx, "InvalidAuthenticationCode", 403)
        self.iam.resync_mfa_device(UserName="mfa-resync", SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, step + 6), AuthenticationCode2=totp(seed, step + 7))
        creds = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, step + 8))["Credentials"]
        self.assertTrue(creds["SessionToken"])

    def test_policies_can_require_mfa(self):
        key = self.user_with_key("mfa-gated")
        self.iam.put_user_policy(UserName="mfa-gated", PolicyName="needs-mfa", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
        serial, seed, step = self.enable("mfa-gated", "gated-device")
        sts = self.server.client("sts", *key)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.client("iam", *key).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        plain = sts.get_session_token()["Credentials"]
        with_mfa = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, step + 1))["Credentials"]

        def as_session(creds):
            import boto3
            return boto3.client("iam", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            as_session(plain).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("Users", as_session(with_mfa).list_users())

    def test_assume_role_with_mfa(self):
        key = self.user_with_key("mfa-assumer")
        account = self.server.root["AccountId"]
        self.iam.put_user_policy(UserName="mfa-assumer", PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
        self.iam.create_role(RoleName="needs-mfa", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole",
                           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
        self.addCleanup(self.iam.delete_role, RoleName="needs-mfa")
        serial, seed, step = self.enable("mfa-assumer", "assume-device")
        sts = self.server.client("sts", *key)
        role_arn = f"arn:aws:iam::{account}:role/needs-mfa"
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="no-mfa")
        self.assertAwsError(ctx, "AccessDenied", 403)
        out = sts.assume_role(RoleArn=role_arn, RoleSessionName="with-mfa", SerialNumber=serial, TokenCode=totp(seed, step + 1))
        self.assertTrue(out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/needs-mfa/with-mfa"))
        # The code is spent.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="again", SerialNumber=serial, TokenCode=totp(seed, step + 1))
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_device_tags(self):
        serial, _ = self.make_device("tagged-device")
        self.iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "team", "Value": "sec"}])
        self.assertEqual(self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"], [{"Key": "team", "Value": "sec"}])
        self.iam.untag_mfa_device(SerialNumber=serial, TagKeys=["team"])
        self.assertEqual(self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"], [])
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)


if __name__ == "__main__":
    unittest.main()
