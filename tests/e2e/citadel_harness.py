"""Starts a real build/citadel on a free port with a temporary data directory, and gives tests
real clients for it: boto3, the machine's aws CLI v1 (current protocols) and Debian's aws CLI v2
(older protocols)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

# Citadel's own operations (EC2's PutFlowLogRecords) in botocore's model-extras format: boto3 and
# both aws CLIs read them from AWS_DATA_PATH, as a user's clients do (docs/ec2.md).
CITADEL_MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models")
os.environ["AWS_DATA_PATH"] = os.pathsep.join(p for p in (CITADEL_MODELS, os.environ.get("AWS_DATA_PATH")) if p)

CITADEL = os.environ.get("CITADEL_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "citadel"))
AWS_V2 = "/usr/bin/aws"  # Debian's awscli package: CLI v2 with an older botocore


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One citadel process. `root` holds the root credentials printed on first start."""

    def __init__(self, data_dir=None, extra_args=()):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="citadel-e2e-")
        self.extra_args = list(extra_args)
        self.proc = None
        self.root = None
        self.port = None
        self.scheme = "http"

    @property
    def endpoint(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self):
        self.port = free_port()
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [CITADEL, "serve", "--data", self.data_dir, "--listen", f"127.0.0.1:{self.port}", *self.extra_args],
            stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"citadel exited with {self.proc.returncode}; see {self.data_dir}/server.log")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("citadel did not start listening")
        return self

    def read_root_credentials(self):
        """The first start prints one JSON line with the root credentials."""
        line = self.proc.stdout.readline()
        self.root = json.loads(line)
        return self.root

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        rc = self.proc.returncode if self.proc else None
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if getattr(self, "log", None):
            self.log.close()
        return rc

    def cleanup(self):
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # Clients -------------------------------------------------------------------------------
    @property
    def named_endpoint(self):
        """The endpoint by the name localhost: clients that put a prefix before the host (S3
        Control's ACCOUNT.host, virtual-hosted S3) need a name that resolves with the prefix
        (libnss-myhostname resolves *.localhost)."""
        return self.endpoint.replace("127.0.0.1", "localhost")

    def client(self, service, key_id=None, secret=None, region="us-east-1", endpoint=None, **kw):
        return boto3.client(
            service, endpoint_url=endpoint or self.endpoint, region_name=region,
            aws_access_key_id=key_id or self.root["AccessKeyId"],
            aws_secret_access_key=secret or self.root["SecretAccessKey"],
            config=Config(retries={"max_attempts": 1}, **kw), verify=False)

    def cli_env(self, key_id=None, secret=None):
        env = dict(os.environ)
        env.update(AWS_ACCESS_KEY_ID=key_id or self.root["AccessKeyId"],
                   AWS_SECRET_ACCESS_KEY=secret or self.root["SecretAccessKey"],
                   AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
        env.pop("AWS_SESSION_TOKEN", None)
        return env

    def aws_v1(self, *args, key_id=None, secret=None, endpoint=None):
        """The machine Python's aws CLI v1 (current botocore, current protocols)."""
        return self._run([sys.executable, "-m", "awscli", "--endpoint-url", endpoint or self.endpoint, "--output", "json", *args],
                         key_id, secret)

    def aws_v2(self, *args, key_id=None, secret=None, endpoint=None):
        """Debian's aws CLI v2 (older botocore: query protocol for CloudWatch and the like)."""
        return self._run([AWS_V2, "--endpoint-url", endpoint or self.endpoint, "--output", "json", *args], key_id, secret)

    def _run(self, cmd, key_id, secret):
        p = subprocess.run(cmd, env=self.cli_env(key_id, secret), capture_output=True, text=True, timeout=60)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def anonymous_get(self, bucket, key):
        """The status of an unsigned GET of an S3 object (the anonymous caller)."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{bucket}/{key}", timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def health(self):
        with urllib.request.urlopen(self.endpoint + "/_citadel/health", timeout=5) as r:
            return r.status, json.loads(r.read())


class CitadelTestCase(unittest.TestCase):
    """A test class with one server for all its tests."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=cls.server_args).start()
        cls.server.read_root_credentials()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def assertAwsError(self, ctx, code, status=None):
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err


def totp(base32_seed, step):
    """RFC 6238 (HMAC-SHA1, 6 digits) as authenticator apps compute it: the test's own reference."""
    import base64
    import hashlib
    import hmac
    import struct
    key = base64.b32decode(base32_seed)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def fresh_totp_step(margin=3):
    """The current 30-second step, waiting for the next one when fewer than `margin` seconds of
    this one remain (so that a test's codes do not straddle a step boundary)."""
    now = time.time()
    if 30 - now % 30 < margin:
        time.sleep(30 - now % 30 + 0.1)
    return int(time.time() // 30)


# Servers whose tests read trail deliveries: a delivery round every second.
TRAIL_DELIVERY_ARGS = ("--trail-delivery-interval", "1")


def cloudtrail_bucket_policy(bucket, account, region="us-east-1", trail="*"):
    """The bucket policy AWS documents for CloudTrail delivery to AWSLogs/ACCOUNT/."""
    source_arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{trail}"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringLike": {"aws:SourceArn": source_arn}}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
                       "StringLike": {"aws:SourceArn": source_arn}}}]})


class AllEventsTrail:
    """A trail that logs every management event and every S3 data event of the root account to its
    own bucket: where tests find data events, which Event history (LookupEvents) never shows. The
    server must run with TRAIL_DELIVERY_ARGS."""

    @classmethod
    def start_all_events_trail(cls, bucket="all-events-trail"):
        import gzip  # noqa: F401 (used by trail_records)
        account = cls.server.root["AccountId"]
        s3 = cls.server.client("s3", signature_version="s3v4")
        ct = cls.server.client("cloudtrail")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_policy(Bucket=bucket, Policy=cloudtrail_bucket_policy(bucket, account))
        ct.create_trail(Name=bucket, S3BucketName=bucket)
        ct.put_event_selectors(TrailName=bucket, AdvancedEventSelectors=[
            {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {"Name": "S3 objects", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                       {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}])
        ct.start_logging(Name=bucket)
        cls.all_events_bucket = bucket

    def trail_records(self, predicate, until=bool, timeout=30):
        """Delivered records for which predicate(record) holds, once until(those records) is true
        (by default: once there is one) or the timeout passes."""
        import gzip
        s3 = self.server.client("s3", signature_version="s3v4")
        prefix = f"AWSLogs/{self.server.root['AccountId']}/CloudTrail/"
        seen = {}
        deadline = time.time() + timeout
        while True:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.all_events_bucket, Prefix=prefix):
                for o in page.get("Contents", []):
                    if o["Key"] not in seen:
                        body = s3.get_object(Bucket=self.all_events_bucket, Key=o["Key"])["Body"].read()
                        seen[o["Key"]] = json.loads(gzip.decompress(body))["Records"]
            found = [r for records in seen.values() for r in records if predicate(r)]
            if until(found) or time.time() > deadline:
                return found
            time.sleep(0.5)


class IamFixtures:
    """Users and groups made for one test and removed after it, with everything IAM requires to be
    removed first (keys, inline and attached policies, memberships, boundaries). Expects self.iam."""

    def make_user(self, name, **kw):
        user = self.iam.create_user(UserName=name, **kw)["User"]
        self.addCleanup(self.delete_user, name)
        return user

    def make_group(self, name, **kw):
        group = self.iam.create_group(GroupName=name, **kw)["Group"]
        self.addCleanup(self.delete_group, name)
        return group

    def delete_user(self, name):
        import botocore.exceptions
        iam = self.iam
        try:
            for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
                iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
            for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
                iam.delete_user_policy(UserName=name, PolicyName=p)
            for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
                iam.detach_user_policy(UserName=name, PolicyArn=p["PolicyArn"])
            for g in iam.list_groups_for_user(UserName=name)["Groups"]:
                iam.remove_user_from_group(GroupName=g["GroupName"], UserName=name)
            for d in iam.list_mfa_devices(UserName=name)["MFADevices"]:
                iam.deactivate_mfa_device(UserName=name, SerialNumber=d["SerialNumber"])
                iam.delete_virtual_mfa_device(SerialNumber=d["SerialNumber"])
            try:
                iam.delete_login_profile(UserName=name)
            except botocore.exceptions.ClientError:
                pass  # the user has no password
            iam.delete_user(UserName=name)
        except botocore.exceptions.ClientError:
            pass  # already gone, or removed by the test itself

    def delete_group(self, name):
        import botocore.exceptions
        iam = self.iam
        try:
            for u in iam.get_group(GroupName=name)["Users"]:
                iam.remove_user_from_group(GroupName=name, UserName=u["UserName"])
            for p in iam.list_group_policies(GroupName=name)["PolicyNames"]:
                iam.delete_group_policy(GroupName=name, PolicyName=p)
            for p in iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]:
                iam.detach_group_policy(GroupName=name, PolicyArn=p["PolicyArn"])
            iam.delete_group(GroupName=name)
        except botocore.exceptions.ClientError:
            pass
