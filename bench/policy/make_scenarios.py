#!/usr/bin/env python3
"""Writes bench/policy/scenarios.json: the realistic decision scenarios that policy_bench and
run_peers.sh time, as `citadel policy eval` requests (docs/policy.md). One source for every engine.

  identity_10x10   a user with 10 attached policies x 10 statements: conditions, policy
                   variables, IP ranges; the granting statement is in the last policy
  scp_depth3       one identity allow under an SCP chain of depth 3 (root, OU, account)
  resource_policy  a cross-account read through a 5-statement bucket policy
  typical          all of the above at once, same account (the server's common case)
"""
import json
import os

V = "2012-10-17"
SERVICES = ["s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "logs", "kms", "cloudwatch", "iam"]
VERBS = ["Get*", "List*", "Describe*", "Put*", "Create*", "Update*", "Delete*", "Tag*", "Start*", "Send*"]


def identity_policies():
    policies = []
    for p in range(10):
        stmts = []
        for j, svc in enumerate(SERVICES):
            if svc == "s3":
                bucket = "home-bucket" if p == 9 else f"bucket-{p}"
                resource = [f"arn:aws:s3:::{bucket}/${{aws:username}}/*", f"arn:aws:s3:::{bucket}"]
                actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
            else:
                resource = [f"arn:aws:{svc}:*:111122223333:*"]
                actions = [f"{svc}:{VERBS[(p + j) % 10]}", f"{svc}:{VERBS[(p + j + 3) % 10]}"]
            cond = {
                "IpAddress": {"aws:SourceIp": [f"10.{p}.0.0/16", "192.0.2.0/24", "2001:db8::/32"]},
                "StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}" if j % 2 else "platform"},
            }
            if j % 3 == 0:
                cond["DateLessThan"] = {"aws:CurrentTime": "2030-01-01T00:00:00Z"}
            if j % 4 == 0:
                cond["Bool"] = {"aws:SecureTransport": "true"}
            stmts.append({"Sid": f"P{p}S{j}", "Effect": "Allow", "Action": actions, "Resource": resource,
                          "Condition": cond})
        if p == 0:
            stmts[-1] = {"Sid": "P0Guard", "Effect": "Deny", "Action": ["s3:DeleteBucket", "iam:*AccessKey*"],
                         "Resource": "*"}
        policies.append({"Version": V, "Statement": stmts})
    return policies


def scps():
    full = {"Version": V, "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}
    root = [full, {"Version": V, "Statement": [
        {"Sid": "NoLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}]
    ou = [full, {"Version": V, "Statement": [
        {"Sid": "RegionLock", "Effect": "Deny",
         "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*", "cloudfront:*", "route53:*"],
         "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]}]
    account = [{"Version": V, "Statement": [
        {"Sid": "Services", "Effect": "Allow", "Action": ["s3:*", "ec2:*", "dynamodb:*", "sqs:*", "logs:*"],
         "Resource": "*"},
        {"Sid": "ProtectPolicies", "Effect": "Deny", "Action": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
         "Resource": "*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}}]}]
    return [root, ou, account]


def bucket_policy(reader_account):
    return {"Version": V, "Statement": [
        {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::home-bucket", "arn:aws:s3:::home-bucket/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": reader_account},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::home-bucket/*"],
         "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:user/*", "arn:aws:iam::*:role/reader-*"]}}},
        {"Sid": "CloudFront", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home-bucket/public/*",
         "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}}},
        {"Sid": "NoDeleteFromOutside", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
         "Resource": "arn:aws:s3:::home-bucket/*",
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::home-bucket/logs/*"},
    ]}


CONTEXT = {
    "aws:SourceIp": "10.9.4.20",
    "aws:PrincipalTag/team": "platform",
    "aws:CurrentTime": "2026-06-01T12:00:00Z",
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": "us-east-1",
}

scenarios = [
    {"name": "identity_10x10", "expect": "Allowed", "request": {
        "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::home-bucket/alice/reports/q2.pdf", "context": CONTEXT,
        "identityPolicies": identity_policies()}},
    {"name": "scp_depth3", "expect": "Allowed", "request": {
        "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::home-bucket/alice/reports/q2.pdf", "context": CONTEXT,
        "identityPolicies": [{"Version": V, "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home-bucket/*"}]}],
        "scps": scps()}},
    {"name": "resource_policy", "expect": "Allowed", "request": {
        "principal": "arn:aws:iam::444455556666:user/bob", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::home-bucket/alice/reports/q2.pdf", "resourceAccount": "111122223333",
        "context": CONTEXT,
        "identityPolicies": [{"Version": V, "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home-bucket/*"}]}],
        "resourcePolicy": bucket_policy("444455556666")}},
    {"name": "typical", "expect": "Allowed", "request": {
        "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::home-bucket/alice/reports/q2.pdf", "context": CONTEXT,
        "identityPolicies": identity_policies(), "scps": scps(),
        "resourcePolicy": bucket_policy("111122223333")}},
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios.json")
with open(out, "w") as f:
    json.dump(scenarios, f, indent=1)
    f.write("\n")
print(f"wrote {out}")
