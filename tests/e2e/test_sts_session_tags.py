"""Session tags: AssumeRole's Tags need sts:TagSession in the trust policy (with aws:RequestTag),
become the session's aws:PrincipalTag values over the role's own tags, and transitive tags follow
a role chain without being restated."""
import json
import unittest

import boto3
import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures


def session_client(server, service, creds):
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class SessionTags(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")
        cls.account = cls.server.root["AccountId"]

    def make_role(self, name, trust, tags=(), policy=None):
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, Tags=list(tags))
        self.addCleanup(self.iam.delete_role, RoleName=name)
        if policy:
            self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy)
            self.addCleanup(self.iam.delete_role_policy, RoleName=name, PolicyName="p")
        return f"arn:aws:iam::{self.account}:role/{name}"

    def caller(self, name):
        self.make_user(name)
        self.iam.put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=doc(
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}))
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return self.server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])

    # Lists users only while the session is tagged project=blue.
    BLUE_ONLY = doc({"Effect": "Allow", "Action": ["iam:ListUsers", "sts:AssumeRole", "sts:TagSession"], "Resource": "*",
                     "Condition": {"StringEquals": {"aws:PrincipalTag/project": "blue"}}})

    def test_tags_need_tag_session_in_the_trust_policy(self):
        sts = self.caller("tags-plain")
        root = {"AWS": f"arn:aws:iam::{self.account}:root"}
        arn = self.make_role("no-tagging", doc({"Effect": "Allow", "Principal": root, "Action": "sts:AssumeRole"}))
        sts.assume_role(RoleArn=arn, RoleSessionName="untagged")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="tagged", Tags=[{"Key": "project", "Value": "blue"}])
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("sts:TagSession", err["Error"]["Message"])
        # The trust policy may limit which tags are passed.
        arn = self.make_role("blue-tagging", doc(
            {"Effect": "Allow", "Principal": root, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": root, "Action": "sts:TagSession",
             "Condition": {"StringEquals": {"aws:RequestTag/project": "blue"}}}))
        sts.assume_role(RoleArn=arn, RoleSessionName="blue", Tags=[{"Key": "project", "Value": "blue"}])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="red", Tags=[{"Key": "project", "Value": "red"}])
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_session_tags_are_principal_tags_over_the_roles(self):
        sts = self.caller("tags-principal")
        root = {"AWS": f"arn:aws:iam::{self.account}:root"}
        arn = self.make_role("tag-decides", doc({"Effect": "Allow", "Principal": root, "Action": ["sts:AssumeRole", "sts:TagSession"]}),
                             tags=[{"Key": "project", "Value": "red"}], policy=self.BLUE_ONLY)
        red = sts.assume_role(RoleArn=arn, RoleSessionName="as-role")["Credentials"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            session_client(self.server, "iam", red).list_users()
        self.assertAwsError(ctx, "AccessDenied", 403)
        blue = sts.assume_role(RoleArn=arn, RoleSessionName="as-blue", Tags=[{"Key": "Project", "Value": "blue"}])["Credentials"]
        self.assertIn("Users", session_client(self.server, "iam", blue).list_users())
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="dup", Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.assume_role(RoleArn=arn, RoleSessionName="bad-transitive", Tags=[{"Key": "a", "Value": "1"}],
                            TransitiveTagKeys=["b"])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)

    def test_transitive_tags_follow_the_chain(self):
        sts = self.caller("tags-chain")
        root = {"AWS": f"arn:aws:iam::{self.account}:root"}
        first = self.make_role("chain-first", doc({"Effect": "Allow", "Principal": root, "Action": ["sts:AssumeRole", "sts:TagSession"]}),
                               policy=self.BLUE_ONLY)
        second = self.make_role("chain-second", doc({"Effect": "Allow", "Principal": root, "Action": ["sts:AssumeRole", "sts:TagSession"]}),
                                policy=self.BLUE_ONLY)
        for transitive, allowed in ((["project"], True), ([], False)):
            creds = sts.assume_role(RoleArn=first, RoleSessionName="first", Tags=[{"Key": "project", "Value": "blue"}],
                                    TransitiveTagKeys=transitive)["Credentials"]
            chained = session_client(self.server, "sts", creds).assume_role(RoleArn=second, RoleSessionName="second")["Credentials"]
            if allowed:
                self.assertIn("Users", session_client(self.server, "iam", chained).list_users())
                # An inherited transitive tag cannot be restated.
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    session_client(self.server, "sts", creds).assume_role(
                        RoleArn=second, RoleSessionName="restate", Tags=[{"Key": "project", "Value": "red"}])
                self.assertAwsError(ctx, "InvalidParameterValue", 400)
            else:
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    session_client(self.server, "iam", chained).list_users()
                self.assertAwsError(ctx, "AccessDenied", 403)


if __name__ == "__main__":
    unittest.main()
