"""A new user starts Citadel for the first time, gets root credentials once, and asks who they are
with boto3 and both aws CLIs."""
import os
import subprocess
import unittest

from citadel_harness import CITADEL, CitadelTestCase, Server


class FirstStart(CitadelTestCase):
    def test_root_credentials_have_aws_formats(self):
        root = self.server.root
        self.assertRegex(root["AccountId"], r"^[1-9][0-9]{11}$")
        self.assertRegex(root["AccessKeyId"], r"^AKIA[A-Z2-7]{16}$")
        self.assertEqual(len(root["SecretAccessKey"]), 40)

    def test_health_lists_services(self):
        status, body = self.server.health()
        self.assertEqual(status, 200)
        self.assertIn("version", body)
        self.assertIn("iam", body["services"])
        self.assertIn("sts", body["services"])

    def test_get_caller_identity_with_boto3(self):
        ident = self.server.client("sts").get_caller_identity()
        account = self.server.root["AccountId"]
        self.assertEqual(ident["Account"], account)
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{account}:root")
        self.assertEqual(ident["UserId"], account)

    def test_get_caller_identity_with_cli_v1_and_v2(self):
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("sts", "get-caller-identity")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["Account"], self.server.root["AccountId"])

    def test_region_comes_from_the_credential_scope(self):
        sts = self.server.client("sts", region="eu-west-1")
        self.assertEqual(sts.get_caller_identity()["Account"], self.server.root["AccountId"])
        ct = self.server.client("cloudtrail")
        events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}])["Events"]
        regions = {__import__("json").loads(e["CloudTrailEvent"])["awsRegion"] for e in events}
        self.assertIn("eu-west-1", regions)


class CredentialsAreShownOnce(unittest.TestCase):
    def test_second_start_prints_no_credentials_and_old_ones_still_work(self):
        first = Server().start()
        try:
            root = first.read_root_credentials()
            first.stop()
            second = Server(data_dir=first.data_dir).start()
            try:
                second.root = root
                self.assertEqual(second.client("sts").get_caller_identity()["Account"], root["AccountId"])
                second.stop()
                self.assertEqual(second.proc.stdout.read() if not second.proc.stdout.closed else b"", b"")
            finally:
                second.stop()
        finally:
            first.cleanup()

    def test_admin_bootstrap_prints_json_once(self):
        import json
        import tempfile
        d = tempfile.mkdtemp(prefix="citadel-boot-")
        try:
            p = subprocess.run([CITADEL, "admin", "bootstrap", "--data", d], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            creds = json.loads(p.stdout)
            self.assertEqual(set(creds), {"AccountId", "AccessKeyId", "SecretAccessKey"})
            self.assertIn("root", p.stderr.lower())
            self.assertEqual(os.stat(os.path.join(d, "master.key")).st_mode & 0o777, 0o600)
            again = subprocess.run([CITADEL, "admin", "bootstrap", "--data", d], capture_output=True, text=True, timeout=30)
            self.assertNotEqual(again.returncode, 0)
            self.assertEqual(again.stdout, "")
            # A lost root key is replaced offline: a second key, then the limit of two.
            second = subprocess.run([CITADEL, "admin", "create-root-key", "--data", d], capture_output=True, text=True, timeout=30)
            self.assertEqual(second.returncode, 0, second.stderr)
            key2 = json.loads(second.stdout)
            self.assertEqual(key2["AccountId"], creds["AccountId"])
            self.assertNotEqual(key2["AccessKeyId"], creds["AccessKeyId"])
            third = subprocess.run([CITADEL, "admin", "create-root-key", "--data", d], capture_output=True, text=True, timeout=30)
            self.assertNotEqual(third.returncode, 0)
            self.assertIn("quota", third.stderr)
            s = Server(data_dir=d).start()
            try:
                s.root = key2
                self.assertEqual(s.client("sts").get_caller_identity()["Account"], creds["AccountId"])
            finally:
                s.stop()
            missing = subprocess.run([CITADEL, "admin", "create-root-key", "--data", d, "--account", "000000000001"],
                                     capture_output=True, text=True, timeout=30)
            self.assertNotEqual(missing.returncode, 0)
        finally:
            import shutil
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
