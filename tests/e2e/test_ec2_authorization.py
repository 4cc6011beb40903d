"""Who may do what in EC2: a user without permissions gets UnauthorizedOperation (for mutating
calls with an encoded message that sts:DecodeAuthorizationMessage decodes), and policies that
name instance types, regions and tags decide as they would in AWS."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures

AL2023 = "ami-01816d07b1128cd2d"


class Ec2Authorization(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.server.client("iam")
        cls.ec2 = cls.server.client("ec2")

    def user(self, name, policy=None):
        self.make_user(name)
        if policy:
            self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def test_a_user_without_permissions_gets_an_encoded_message_that_sts_decodes(self):
        key, secret = self.user("nobody")
        ec2 = self.server.client("ec2", key, secret)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ec2.describe_instances()
        err = self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        self.assertIn("is not authorized to perform: ec2:DescribeInstances", err["Error"]["Message"])
        rc, _, err = self.server.aws_v2("ec2", "run-instances", "--image-id", AL2023, "--instance-type", "t3.micro",
                                        "--count", "1", key_id=key, secret=secret)
        self.assertNotEqual(rc, 0)
        self.assertIn("UnauthorizedOperation", err)
        encoded = err.split("Encoded authorization failure message: ")[1].strip()
        rc, out, err = self.server.aws_v1("sts", "decode-authorization-message", "--encoded-message", encoded)
        self.assertEqual(rc, 0, err)
        decoded = json.loads(out["DecodedMessage"])
        self.assertFalse(decoded["allowed"])
        self.assertEqual(decoded["context"]["action"], "ec2:RunInstances")
        self.assertIn(":instance/*", decoded["context"]["resource"])
        # Nothing was created, not even the default VPC's instances.
        self.assertEqual(self.ec2.describe_instances()["Reservations"], [])

    def test_instance_type_and_tag_conditions(self):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:*:instance/*",
             "Condition": {"StringEquals": {"ec2:InstanceType": "t3.micro", "aws:RequestTag/team": "blue"}}},
            {"Effect": "Allow", "Action": "ec2:RunInstances", "NotResource": "arn:aws:ec2:*:*:instance/*"},
            {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
             "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}},
            {"Effect": "Allow", "Action": ["ec2:StopInstances", "ec2:TerminateInstances"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}]}
        key, secret = self.user("blue-dev", policy)
        ec2 = self.server.client("ec2", key, secret)
        tags = [{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "blue"}]}]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ec2.run_instances(ImageId=AL2023, InstanceType="m5.large", MinCount=1, MaxCount=1, TagSpecifications=tags)
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1)
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        blue = ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, TagSpecifications=tags)["Instances"][0]
        other = self.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
        ec2.stop_instances(InstanceIds=[blue["InstanceId"]])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ec2.stop_instances(InstanceIds=[other["InstanceId"]])
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ec2.stop_instances(InstanceIds=[blue["InstanceId"], other["InstanceId"]])  # every instance is decided
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        ec2.terminate_instances(InstanceIds=[blue["InstanceId"]])
        self.ec2.terminate_instances(InstanceIds=[other["InstanceId"]])

    def test_region_condition_and_pass_role(self):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEquals": {"ec2:Region": "eu-west-1"}}}]}
        key, secret = self.user("eu-only", policy)
        self.server.client("ec2", key, secret, region="eu-west-1").describe_vpcs()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.client("ec2", key, secret).describe_vpcs()
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        # An instance profile passes its role: iam:PassRole is needed too.
        self.iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
        self.iam.create_instance_profile(InstanceProfileName="worker")
        self.iam.add_role_to_instance_profile(InstanceProfileName="worker", RoleName="worker")
        eu = self.server.client("ec2", key, secret, region="eu-west-1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            eu.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "worker"})
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        policy["Statement"].append({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                                    "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}})
        self.iam.put_user_policy(UserName="eu-only", PolicyName="p", PolicyDocument=json.dumps(policy))
        inst = eu.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "worker"})
        eu.terminate_instances(InstanceIds=[inst["Instances"][0]["InstanceId"]])


if __name__ == "__main__":
    unittest.main()
