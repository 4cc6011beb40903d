"""The IAM policy simulator answers with the same engine that authorizes requests: custom
policies, a user's own policies, boundaries, resource policies, context keys and the positions
of the statements that decided."""
import json
import unittest

from citadel_harness import CitadelTestCase

ALLOW_S3_READ = json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secrets/*"},
    ],
}, indent=2)

IP_CONDITION = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                   "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}],
})


class PolicySimulator(CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")

    def test_custom_policy_allow_deny_and_implicit(self):
        out = self.iam.simulate_custom_policy(
            PolicyInputList=[ALLOW_S3_READ],
            ActionNames=["s3:GetObject", "s3:PutObject"],
            ResourceArns=["arn:aws:s3:::public/a.txt", "arn:aws:s3:::secrets/key"])
        by_action = {r["EvalActionName"]: r for r in out["EvaluationResults"]}
        get = {r["EvalResourceName"]: r for r in by_action["s3:GetObject"]["ResourceSpecificResults"]}
        self.assertEqual(get["arn:aws:s3:::public/a.txt"]["EvalResourceDecision"], "allowed")
        self.assertEqual(get["arn:aws:s3:::secrets/key"]["EvalResourceDecision"], "explicitDeny")
        self.assertEqual(by_action["s3:GetObject"]["EvalDecision"], "explicitDeny")
        self.assertEqual(by_action["s3:PutObject"]["EvalDecision"], "implicitDeny")

    def test_matched_statements_carry_positions(self):
        out = self.iam.simulate_custom_policy(PolicyInputList=[ALLOW_S3_READ], ActionNames=["s3:GetObject"],
                                              ResourceArns=["arn:aws:s3:::secrets/key"])
        matched = out["EvaluationResults"][0]["MatchedStatements"]
        self.assertEqual(len(matched), 1)
        self.assertEqual(matched[0]["SourcePolicyId"], "PolicyInputList.1")
        start, end = matched[0]["StartPosition"], matched[0]["EndPosition"]
        lines = ALLOW_S3_READ.splitlines()
        # The span starts at the Deny statement's opening brace.
        self.assertIn("{", lines[start["Line"] - 1][start["Column"] - 1:])
        self.assertIn('"NoSecrets"', "\n".join(lines[start["Line"] - 1:end["Line"]]))

    def test_context_entries_and_missing_context_values(self):
        out = self.iam.simulate_custom_policy(PolicyInputList=[IP_CONDITION], ActionNames=["ec2:RunInstances"])
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "implicitDeny")
        self.assertIn("aws:SourceIp", out["EvaluationResults"][0]["MissingContextValues"])
        ok = self.iam.simulate_custom_policy(
            PolicyInputList=[IP_CONDITION], ActionNames=["ec2:RunInstances"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.9"], "ContextKeyType": "ip"}])
        self.assertEqual(ok["EvaluationResults"][0]["EvalDecision"], "allowed")
        self.assertEqual(ok["EvaluationResults"][0]["MissingContextValues"], [])

    def test_typed_context_entries(self):
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                          "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"},
                          "Bool": {"aws:SecureTransport": "true"}}}]})

        def decide(entries):
            return self.iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["iam:ListUsers"],
                                                   ContextEntries=entries)["EvaluationResults"][0]["EvalDecision"]
        good = [{"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2026-12-02T08:00:00Z"], "ContextKeyType": "date"},
                {"ContextKeyName": "aws:MultiFactorAuthAge", "ContextKeyValues": ["120"], "ContextKeyType": "numeric"},
                {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"}]
        self.assertEqual(decide(good), "allowed")
        late = [dict(good[0], ContextKeyValues=["2031-01-01T00:00:00Z"])] + good[1:]
        self.assertEqual(decide(late), "implicitDeny")
        import botocore.exceptions
        for bad in ({"ContextKeyName": "aws:MultiFactorAuthAge", "ContextKeyValues": ["soon"], "ContextKeyType": "numeric"},
                    {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["yes"], "ContextKeyType": "boolean"},
                    {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["300.1.1.1"], "ContextKeyType": "ip"},
                    {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.0.0.1", "10.0.0.2"], "ContextKeyType": "ip"}):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                decide([bad])
            self.assertAwsError(ctx, "InvalidInput", 400)

    def test_permissions_boundary_limits_the_allow(self):
        boundary = json.dumps({"Version": "2012-10-17",
                               "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})
        out = self.iam.simulate_custom_policy(PolicyInputList=[ALLOW_S3_READ], PermissionsBoundaryPolicyInputList=[boundary],
                                              ActionNames=["s3:GetObject", "s3:ListBucket"])
        by_action = {r["EvalActionName"]: r for r in out["EvaluationResults"]}
        self.assertEqual(by_action["s3:ListBucket"]["EvalDecision"], "allowed")
        self.assertEqual(by_action["s3:GetObject"]["EvalDecision"], "implicitDeny")
        self.assertFalse(by_action["s3:GetObject"]["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"])

    def test_malformed_policy_is_refused(self):
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.iam.simulate_custom_policy(PolicyInputList=['{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}'],
                                            ActionNames=["s3:GetObject"])
        self.assertAwsError(ctx, "MalformedPolicyDocument", 400)

    def test_principal_policy_reads_the_users_policies(self):
        self.iam.create_user(UserName="simulated")
        self.iam.put_user_policy(UserName="simulated", PolicyName="s3read", PolicyDocument=ALLOW_S3_READ)
        arn = self.iam.get_user(UserName="simulated")["User"]["Arn"]
        out = self.iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:ListBucket", "iam:CreateUser"])
        by_action = {r["EvalActionName"]: r for r in out["EvaluationResults"]}
        self.assertEqual(by_action["s3:ListBucket"]["EvalDecision"], "allowed")
        self.assertEqual(by_action["s3:ListBucket"]["MatchedStatements"][0]["SourcePolicyType"], "user")
        self.assertEqual(by_action["iam:CreateUser"]["EvalDecision"], "implicitDeny")

    def test_principal_policy_reads_a_roles_policies(self):
        self.iam.create_role(RoleName="simulated-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))
        self.iam.put_role_policy(RoleName="simulated-role", PolicyName="s3read", PolicyDocument=ALLOW_S3_READ)
        arn = self.iam.get_role(RoleName="simulated-role")["Role"]["Arn"]
        result = self.iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:ListBucket"])["EvaluationResults"][0]
        self.assertEqual(result["EvalDecision"], "allowed")
        self.assertEqual(result["MatchedStatements"][0]["SourcePolicyType"], "role")

    def test_cli_v2_simulates(self):
        rc, out, err = self.server.aws_v2("iam", "simulate-custom-policy", "--policy-input-list", ALLOW_S3_READ,
                                          "--action-names", "s3:ListBucket")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["EvaluationResults"][0]["EvalDecision"], "allowed")


if __name__ == "__main__":
    unittest.main()
