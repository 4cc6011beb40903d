"""Every operation the server implements, generated from the server's own declarations
(`citadel admin operations`): a user with no policy is denied and the denial is in CloudTrail; a
user allowed exactly that action is let through. New operations are covered without editing
this file."""
import json
import subprocess
import unittest

import botocore.exceptions
from botocore import xform_name

from citadel_harness import CITADEL, TRAIL_DELIVERY_ARGS, AllEventsTrail, CitadelTestCase

# EC2 says UnauthorizedOperation, SNS AuthorizationError.
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}


def sample_value(shape, account, depth=0):
    """A minimal value a shape accepts: required members only, lengths and enums respected."""
    t = shape.type_name
    if t == "structure":
        return {name: sample_value(shape.members[name], account, depth + 1) for name in shape.required_members} if depth < 6 else {}
    if t == "list":
        n = max(shape.metadata.get("min", 0), 1)  # a list the call requires is rarely meaningful empty
        item = sample_value(shape.member, account, depth + 1)
        if item == {} and shape.member.type_name == "structure" and shape.member.members:
            # An empty structure is not sent at all by the query serializers (EC2's Tags): give it a member.
            first = next(iter(shape.member.members))
            item = {first: sample_value(shape.member.members[first], account, depth + 1)}
        return [item for _ in range(n)]
    if t == "map":
        return {}
    if t == "string":
        if shape.enum:
            return shape.enum[0]
        n = max(shape.metadata.get("min", 1), 1)
        name = shape.name.lower()
        if name == "accountid":
            return account  # S3 Control's x-amz-account-id: the caller's own
        if "arn" in name:
            return f"arn:aws:iam::{account}:policy/citadel-matrix"  # the caller's own account
        if "policydocument" in name or name.endswith("document"):
            return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
        if "path" in name:
            return "/"
        return ("citadelmatrix" * 10)[:max(n, 8)][: shape.metadata.get("max", 128)]
    if t in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if t == "boolean":
        return False
    if t == "timestamp":
        return 0
    if t == "blob":
        return b"x"
    return None


class AuthorizationMatrix(AllEventsTrail, CitadelTestCase):
    server_args = TRAIL_DELIVERY_ARGS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_all_events_trail()
        out = subprocess.run([CITADEL, "admin", "operations"], capture_output=True, text=True, check=True)
        cls.operations = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        iam = cls.server.client("iam")
        cls.keys = {}
        for name in ("matrix-nobody", "matrix-grantee"):
            iam.create_user(UserName=name)
            cls.keys[name] = iam.create_access_key(UserName=name)["AccessKey"]

    def call(self, user, op):
        key = self.keys[user]
        # S3 Control puts the account id before the host: it needs the endpoint by name.
        endpoint = self.server.named_endpoint if op["service"] == "s3control" else None
        client = self.server.client(op["service"], key["AccessKeyId"], key["SecretAccessKey"], endpoint=endpoint)
        model = client.meta.service_model.operation_model(op["operation"])
        params = sample_value(model.input_shape, self.server.root["AccountId"]) if model.input_shape else {}
        try:
            getattr(client, xform_name(op["operation"]))(**params)
            return None
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"]

    def test_operations_are_listed_with_their_actions(self):
        names = {(o["service"], o["operation"]) for o in self.operations}
        self.assertIn(("iam", "CreateUser"), names)
        self.assertIn(("sts", "GetCallerIdentity"), names)
        for o in self.operations:
            self.assertRegex(o["action"], r"^[a-z0-9-]+:[A-Za-z0-9]+$", o)

    def test_a_user_without_policies_is_denied_every_operation_and_each_denial_is_audited(self):
        denied = []
        for op in self.operations:
            with self.subTest(op=op["operation"]):
                code = self.call("matrix-nobody", op)
                if op["alwaysAllowed"]:
                    self.assertNotIn(code, DENIED)
                else:
                    # A HEAD response has no body: its error is the status alone (S3's HeadObject).
                    self.assertIn(code, DENIED | ({"403"} if op["operation"].startswith("Head") else set()))
                    denied.append(op["operation"])
        ct = self.server.client("cloudtrail")
        events = []
        token = None
        while True:
            kw = {"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "matrix-nobody"}], "MaxResults": 50}
            if token:
                kw["NextToken"] = token
            page = ct.lookup_events(**kw)
            events += page["Events"]
            token = page.get("NextToken")
            if not token:
                break
        audited = {json.loads(e["CloudTrailEvent"])["eventName"] for e in events
                   if json.loads(e["CloudTrailEvent"]).get("errorCode") in DENIED}
        # Data events (S3 object calls) are not in Event history: the trail delivered them.
        nobody = f"arn:aws:iam::{self.server.root['AccountId']}:user/matrix-nobody"
        data_denied = {n for n in denied if n not in audited}
        delivered = self.trail_records(
            lambda r: r["eventCategory"] == "Data" and r["userIdentity"].get("arn") == nobody and r.get("errorCode") in DENIED,
            until=lambda found: {r["eventName"] for r in found} >= data_denied)
        audited |= {r["eventName"] for r in delivered}
        for name in denied:
            self.assertIn(name, audited)

    def test_a_user_allowed_exactly_the_action_is_authorized(self):
        iam = self.server.client("iam")
        for op in self.operations:
            if op["resourcePolicy"]:
                continue  # the resource's own policy must allow too (sts:AssumeRole: test_sts_assume_role)
            with self.subTest(op=op["operation"]):
                policy = {"Version": "2012-10-17",
                          "Statement": [{"Effect": "Allow", "Action": op["action"], "Resource": "*"}]}
                iam.put_user_policy(UserName="matrix-grantee", PolicyName="exactly-one-action",
                                    PolicyDocument=json.dumps(policy))
                code = self.call("matrix-grantee", op)
                self.assertNotIn(code, DENIED)
        iam.delete_user_policy(UserName="matrix-grantee", PolicyName="exactly-one-action")

    def test_an_explicit_deny_wins_over_an_allow(self):
        iam = self.server.client("iam")
        allow_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*"}]}
        iam.put_user_policy(UserName="matrix-grantee", PolicyName="all", PolicyDocument=json.dumps(allow_all))
        iam.put_user_policy(UserName="matrix-grantee", PolicyName="deny", PolicyDocument=json.dumps(deny))
        try:
            key = self.keys["matrix-grantee"]
            user_iam = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
            user_iam.list_access_keys()
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                user_iam.list_users()
            err = self.assertAwsError(ctx, "AccessDenied", 403)
            self.assertIn("with an explicit deny in an identity-based policy", err["Error"]["Message"])
        finally:
            iam.delete_user_policy(UserName="matrix-grantee", PolicyName="all")
            iam.delete_user_policy(UserName="matrix-grantee", PolicyName="deny")


if __name__ == "__main__":
    unittest.main()
