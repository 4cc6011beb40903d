"""EC2 as a record keeper: the default VPC every account gets, VPCs and subnets with CIDR checks,
the image catalog, and an instance's life (run, describe, stop, start, terminate) with its root
volume, tags and filters, through boto3 and both aws CLIs."""
import base64
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase

AL2023 = "ami-01816d07b1128cd2d"
AL2023_ARM = "ami-0a7a4e87939439934"


class Ec2Instances(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ec2 = cls.server.client("ec2")

    def test_every_account_has_a_default_vpc_with_a_subnet_per_zone_and_a_default_group(self):
        vpcs = self.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        self.assertEqual(len(vpcs), 1)
        vpc = vpcs[0]
        self.assertRegex(vpc["VpcId"], r"^vpc-[0-9a-f]{17}$")
        self.assertEqual(vpc["CidrBlock"], "172.31.0.0/16")
        subnets = self.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
        by_zone = {s["AvailabilityZone"]: s for s in subnets}
        self.assertEqual(sorted(by_zone), ["us-east-1a", "us-east-1b", "us-east-1c"])
        self.assertEqual(by_zone["us-east-1a"]["CidrBlock"], "172.31.0.0/20")
        self.assertEqual(by_zone["us-east-1b"]["CidrBlock"], "172.31.16.0/20")
        self.assertTrue(all(s["DefaultForAz"] and s["MapPublicIpOnLaunch"] for s in subnets))
        self.assertGreater(by_zone["us-east-1a"]["AvailableIpAddressCount"], 4000)  # 4096 less 5 reserved, less instances
        self.assertLessEqual(by_zone["us-east-1a"]["AvailableIpAddressCount"], 4091)
        groups = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
        self.assertEqual(groups[0]["VpcId"], vpc["VpcId"])
        self.assertEqual(groups[0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], groups[0]["GroupId"])
        self.assertEqual(groups[0]["IpPermissionsEgress"][0]["IpRanges"], [{"CidrIp": "0.0.0.0/0"}])
        zones = self.ec2.describe_availability_zones()["AvailabilityZones"]
        self.assertEqual([z["ZoneId"] for z in zones], ["use1-az1", "use1-az2", "use1-az3"])
        self.assertIn("eu-west-1", [r["RegionName"] for r in self.ec2.describe_regions()["Regions"]])
        # Another region has its own default VPC.
        other = self.server.client("ec2", region="eu-west-1")
        self.assertNotEqual(other.describe_vpcs()["Vpcs"][0]["VpcId"], vpc["VpcId"])
        self.assertEqual(other.describe_subnets()["Subnets"][0]["AvailabilityZone"][:9], "eu-west-1")

    def test_vpcs_and_subnets_check_their_cidr_blocks(self):
        vpc = self.ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "team", "Value": "net"}]}])["Vpc"]
        self.assertFalse(vpc["IsDefault"])
        self.assertEqual(vpc["Tags"], [{"Key": "team", "Value": "net"}])
        vid = vpc["VpcId"]
        for cidr, code in (("10.0.0.0/8", "InvalidVpc.Range"), ("10.0.0.1/16", "InvalidParameterValue"), ("nonsense", "InvalidParameterValue")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.create_vpc(CidrBlock=cidr)
            self.assertAwsError(ctx, code, 400)
        subnet = self.ec2.create_subnet(VpcId=vid, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
        self.assertEqual(subnet["AvailableIpAddressCount"], 251)
        self.assertFalse(subnet["DefaultForAz"])
        for cidr, code in (("10.21.0.0/24", "InvalidSubnet.Range"), ("10.20.1.128/25", "InvalidSubnet.Conflict")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.create_subnet(VpcId=vid, CidrBlock=cidr)
            self.assertAwsError(ctx, code, 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_vpc(VpcId=vid)
        self.assertAwsError(ctx, "DependencyViolation", 400)
        self.ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        self.ec2.delete_vpc(VpcId=vid)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_vpcs(VpcIds=[vid])
        self.assertAwsError(ctx, "InvalidVpcID.NotFound", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_vpcs(VpcIds=["vpc-nothex"])
        self.assertAwsError(ctx, "InvalidVpcID.Malformed", 400)

    def test_the_image_catalog_answers_the_usual_lookups(self):
        images = self.ec2.describe_images(Owners=["amazon"], Filters=[
            {"Name": "name", "Values": ["al2023-ami-2023*"]}, {"Name": "architecture", "Values": ["x86_64"]}])["Images"]
        self.assertEqual([i["ImageId"] for i in images], [AL2023])
        ubuntu = self.ec2.describe_images(Owners=["099720109477"], Filters=[{"Name": "name", "Values": ["ubuntu/images/*noble*amd64*"]}])["Images"]
        self.assertEqual(len(ubuntu), 1)
        self.assertNotIn("ImageOwnerAlias", ubuntu[0])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_images(ImageIds=["ami-0123456789abcdef0"])
        self.assertAwsError(ctx, "InvalidAMIID.NotFound", 400)

    def test_an_instance_runs_stops_starts_and_terminates(self):
        self.ec2.create_key_pair(KeyName="lifecycle")
        r = self.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=2, MaxCount=2, KeyName="lifecycle",
                                   UserData="#!/bin/sh\necho hi\n",  # boto3 encodes it
                                   TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]},
                                                      {"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"}]}])
        self.assertRegex(r["ReservationId"], r"^r-[0-9a-f]{17}$")
        self.assertEqual(r["OwnerId"], self.server.root["AccountId"])
        ids = [i["InstanceId"] for i in r["Instances"]]
        self.assertEqual(len(ids), 2)
        first = r["Instances"][0]
        self.assertRegex(first["InstanceId"], r"^i-[0-9a-f]{17}$")
        self.assertEqual(first["State"], {"Code": 0, "Name": "pending"})
        self.assertEqual(first["KeyName"], "lifecycle")
        self.assertEqual(first["SecurityGroups"][0]["GroupName"], "default")
        self.assertTrue(first["PrivateIpAddress"].startswith("172.31."))
        self.assertNotEqual(first["PrivateIpAddress"], r["Instances"][1]["PrivateIpAddress"])
        # The launch completes by the next read.
        self.ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        found = self.ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["web"]},
                                                     {"Name": "instance-state-name", "Values": ["running"]}])["Reservations"]
        self.assertEqual(sorted(i["InstanceId"] for res in found for i in res["Instances"]), sorted(ids))
        root = found[0]["Instances"][0]["BlockDeviceMappings"][0]
        self.assertEqual(root["DeviceName"], "/dev/xvda")
        vol = self.ec2.describe_volumes(VolumeIds=[root["Ebs"]["VolumeId"]])["Volumes"][0]
        self.assertEqual(vol["State"], "in-use")
        self.assertEqual(vol["Tags"], [{"Key": "backup", "Value": "daily"}])
        self.assertEqual(vol["Attachments"][0]["InstanceId"], found[0]["Instances"][0]["InstanceId"])
        status = self.ec2.describe_instance_status(InstanceIds=ids)["InstanceStatuses"]
        self.assertEqual({s["InstanceStatus"]["Status"] for s in status}, {"ok"})
        attr = self.ec2.describe_instance_attribute(InstanceId=ids[0], Attribute="userData")
        self.assertEqual(base64.b64decode(attr["UserData"]["Value"]), b"#!/bin/sh\necho hi\n")

        # The type changes only while stopped.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.modify_instance_attribute(InstanceId=ids[0], InstanceType={"Value": "t3.large"})
        self.assertAwsError(ctx, "IncorrectInstanceState", 400)
        stopping = self.ec2.stop_instances(InstanceIds=ids)["StoppingInstances"]
        self.assertEqual({(s["PreviousState"]["Name"], s["CurrentState"]["Name"]) for s in stopping}, {("running", "stopping")})
        self.ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        self.ec2.modify_instance_attribute(InstanceId=ids[0], InstanceType={"Value": "t3.large"})
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.modify_instance_attribute(InstanceId=ids[0], InstanceType={"Value": "t4g.large"})  # arm64 on an x86_64 image
        self.assertAwsError(ctx, "InvalidParameterValue", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.reboot_instances(InstanceIds=ids)
        self.assertAwsError(ctx, "IncorrectInstanceState", 400)
        starting = self.ec2.start_instances(InstanceIds=ids)["StartingInstances"]
        self.assertEqual({s["CurrentState"]["Name"] for s in starting}, {"pending"})
        inst = self.ec2.describe_instances(InstanceIds=[ids[0]])["Reservations"][0]["Instances"][0]
        self.assertEqual((inst["State"]["Name"], inst["InstanceType"]), ("running", "t3.large"))
        self.ec2.reboot_instances(InstanceIds=ids)

        # The CLIs see the same instances.
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("ec2", "describe-instances", "--instance-ids", ids[0])
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["Reservations"][0]["Instances"][0]["InstanceId"], ids[0])

        terminating = self.ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
        self.assertEqual({s["CurrentState"]["Name"] for s in terminating}, {"shutting-down"})
        self.ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        # Root volumes go with their instances; terminated instances stay visible for a while.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_volumes(VolumeIds=[root["Ebs"]["VolumeId"]])
        self.assertAwsError(ctx, "InvalidVolume.NotFound", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.start_instances(InstanceIds=ids)
        self.assertAwsError(ctx, "IncorrectInstanceState", 400)

    def test_launch_input_is_checked(self):
        cases = [
            (dict(ImageId="ami-0123456789abcdef0"), "InvalidAMIID.NotFound"),
            (dict(ImageId="image"), "InvalidAMIID.Malformed"),
            (dict(ImageId=AL2023, InstanceType="c7g.large"), "InvalidParameterValue"),  # arm64 type, x86_64 image
            (dict(ImageId=AL2023_ARM, InstanceType="t3.micro"), "InvalidParameterValue"),
            (dict(ImageId=AL2023, KeyName="no-such-key"), "InvalidKeyPair.NotFound"),
            (dict(ImageId=AL2023, SecurityGroupIds=["sg-0123456789abcdef0"]), "InvalidGroup.NotFound"),
            (dict(ImageId=AL2023, SubnetId="subnet-0123456789abcdef0"), "InvalidSubnetID.NotFound"),
            (dict(ImageId=AL2023, IamInstanceProfile={"Name": "nope"}), "InvalidParameterValue"),
        ]
        for kw, code in cases:
            with self.subTest(kw=kw):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    self.ec2.run_instances(MinCount=1, MaxCount=1, **{"InstanceType": "t3.micro", **kw})
                self.assertAwsError(ctx, code, 400)
        for ids, code in ((["i-0123456789abcdef0"], "InvalidInstanceID.NotFound"), (["bogus"], "InvalidInstanceID.Malformed")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.describe_instances(InstanceIds=ids)
            self.assertAwsError(ctx, code, 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_instances(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)

    def test_an_instance_profile_from_iam_is_attached(self):
        iam = self.server.client("iam")
        iam.create_role(RoleName="app-role", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')
        profile = iam.create_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
        iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app-role")
        inst = self.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                      IamInstanceProfile={"Name": "app-profile"})["Instances"][0]
        self.assertEqual(inst["IamInstanceProfile"], {"Arn": profile["Arn"], "Id": profile["InstanceProfileId"]})
        self.ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])

    def test_volumes_attach_and_detach(self):
        inst = self.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                      Placement={"AvailabilityZone": "us-east-1b"})["Instances"][0]
        self.assertEqual(inst["Placement"]["AvailabilityZone"], "us-east-1b")
        vol = self.ec2.create_volume(AvailabilityZone="us-east-1b", Size=20, VolumeType="gp3")
        self.assertRegex(vol["VolumeId"], r"^vol-[0-9a-f]{17}$")
        elsewhere = self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=20)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.attach_volume(VolumeId=elsewhere["VolumeId"], InstanceId=inst["InstanceId"], Device="/dev/sdf")
        self.assertAwsError(ctx, "InvalidVolume.ZoneMismatch", 400)
        att = self.ec2.attach_volume(VolumeId=vol["VolumeId"], InstanceId=inst["InstanceId"], Device="/dev/sdf")
        self.assertEqual(att["State"], "attaching")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_volume(VolumeId=vol["VolumeId"])
        self.assertAwsError(ctx, "VolumeInUse", 400)
        found = self.ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [inst["InstanceId"]]}])["Volumes"]
        self.assertEqual(len(found), 2)  # the root volume and this one
        self.ec2.detach_volume(VolumeId=vol["VolumeId"])
        self.ec2.delete_volume(VolumeId=vol["VolumeId"])
        self.ec2.delete_volume(VolumeId=elsewhere["VolumeId"])
        self.ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])

    def test_tags_on_any_resource(self):
        vpc = self.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        self.ec2.create_tags(Resources=[vpc], Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "ana"}])
        tags = self.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc]}])["Tags"]
        self.assertEqual({(t["Key"], t["Value"], t["ResourceType"]) for t in tags}, {("env", "prod", "vpc"), ("owner", "ana", "vpc")})
        self.ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "env", "Value": "other"}])  # a different value: kept
        self.ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "owner"}])
        self.assertEqual(self.ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"], [{"Key": "env", "Value": "prod"}])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.create_tags(Resources=["i-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])
        self.assertAwsError(ctx, "InvalidInstanceID.NotFound", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.create_tags(Resources=[vpc], Tags=[{"Key": "aws:reserved", "Value": "b"}])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)

    def test_dry_run_answers_without_acting(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.create_vpc(CidrBlock="10.99.0.0/16", DryRun=True)
        self.assertAwsError(ctx, "DryRunOperation", 412)
        self.assertNotIn("10.99.0.0/16", [v["CidrBlock"] for v in self.ec2.describe_vpcs()["Vpcs"]])


if __name__ == "__main__":
    unittest.main()
