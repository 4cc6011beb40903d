"""VPC flow logs, as a network team would use them: every instance has a primary network interface;
flow logs on a VPC, a subnet or an interface deliver the traffic records submitted for its
interfaces (PutFlowLogRecords, Citadel's own call) to a CloudWatch Logs group, one stream per
interface, or to an S3 bucket as gzipped files, through boto3 and both aws CLIs; bad input gets
EC2's errors, and delivery that is not allowed shows in DescribeFlowLogs."""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase

AL2023 = "ami-01816d07b1128cd2d"
PUT_FLOW_LOG_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "put_flow_log_file.py")
NOW = int(time.time())


def trust_policy(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def delivery_bucket_policy(bucket, account, prefix=""):
    """The bucket policy AWS documents for flow logs delivered to S3 (under PREFIX/ when given)."""
    condition = {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{account}:*"}}
    put_condition = {"StringEquals": {"aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control"},
                     "ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{account}:*"}}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSLogDeliveryWrite", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/{prefix}AWSLogs/{account}/*", "Condition": put_condition},
        {"Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}", "Condition": condition}]})


def wait_for(fetch, ready, timeout=20):
    deadline = time.time() + timeout
    while True:
        value = fetch()
        if ready(value) or time.time() > deadline:
            return value
        time.sleep(0.5)


class VpcFlowLogs(CitadelTestCase):
    server_args = ("--flow-log-delivery-interval", "1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.server.root["AccountId"]
        cls.ec2 = cls.server.client("ec2")
        cls.logs = cls.server.client("logs")
        cls.s3 = cls.server.client("s3")
        cls.iam = cls.server.client("iam")
        cls.vpc = cls.ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        cls.subnet = cls.ec2.create_subnet(VpcId=cls.vpc, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]
        cls.role = cls.iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument=trust_policy("vpc-flow-logs.amazonaws.com"))["Role"]["Arn"]
        instance = cls.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=cls.subnet)["Instances"][0]
        cls.instance = instance["InstanceId"]
        cls.eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
        cls.ip = instance["PrivateIpAddress"]

    def record(self, action, src=None, dst="203.0.113.7", port=443):
        return (f"2 {self.account} {self.eni} {src or self.ip} {dst} 49152 {port} 6 10 8400 {NOW} {NOW + 60} {action} OK")

    # Network interfaces ------------------------------------------------------------------------
    def test_every_instance_has_a_primary_network_interface(self):
        r = self.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=self.subnet)
        instance = r["Instances"][0]
        eni = instance["NetworkInterfaces"][0]
        self.assertRegex(eni["NetworkInterfaceId"], r"^eni-[0-9a-f]{17}$")
        self.assertRegex(eni["MacAddress"], r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")
        self.assertEqual(eni["PrivateIpAddress"], instance["PrivateIpAddress"])
        self.assertEqual(eni["Attachment"]["DeviceIndex"], 0)
        self.assertTrue(eni["Attachment"]["DeleteOnTermination"])
        described = self.ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]
        self.assertEqual(described["NetworkInterfaces"][0]["NetworkInterfaceId"], eni["NetworkInterfaceId"])
        by_instance = self.ec2.describe_network_interfaces(
            Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}])["NetworkInterfaces"]
        self.assertEqual([e["NetworkInterfaceId"] for e in by_instance], [eni["NetworkInterfaceId"]])
        self.assertEqual(by_instance[0]["Status"], "in-use")
        self.assertEqual(by_instance[0]["VpcId"], self.vpc)
        self.assertEqual(by_instance[0]["Attachment"]["InstanceOwnerId"], self.account)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
        self.assertAwsError(ctx, "InvalidNetworkInterface.InUse", 400)
        self.ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])
        self.assertAwsError(ctx, "InvalidNetworkInterfaceID.NotFound", 400)

    def test_network_interfaces_are_created_described_and_deleted(self):
        eni = self.ec2.create_network_interface(SubnetId=self.subnet, Description="spare", PrivateIpAddress="10.30.1.200",
                                                TagSpecifications=[{"ResourceType": "network-interface",
                                                                    "Tags": [{"Key": "role", "Value": "spare"}]}])["NetworkInterface"]
        self.assertEqual(eni["Status"], "available")
        self.assertEqual(eni["PrivateIpAddress"], "10.30.1.200")
        self.assertEqual(eni["TagSet"], [{"Key": "role", "Value": "spare"}])
        self.assertNotIn("Attachment", eni)
        for ip, code in (("10.30.1.200", "InvalidIPAddress.InUse"), ("10.30.9.9", "InvalidParameterValue"), ("10.30.1.2", "InvalidParameterValue")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.create_network_interface(SubnetId=self.subnet, PrivateIpAddress=ip)
            self.assertAwsError(ctx, code, 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.create_network_interface(SubnetId="subnet-0123456789abcdef0")
        self.assertAwsError(ctx, "InvalidSubnetID.NotFound", 400)
        rc, out, err = self.server.aws_v1("ec2", "describe-network-interfaces", "--filters", "Name=tag:role,Values=spare")
        self.assertEqual(rc, 0, err)
        self.assertEqual([e["NetworkInterfaceId"] for e in out["NetworkInterfaces"]], [eni["NetworkInterfaceId"]])
        rc, out, err = self.server.aws_v2("ec2", "describe-network-interfaces", "--network-interface-ids", eni["NetworkInterfaceId"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["NetworkInterfaces"][0]["Description"], "spare")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_subnet(SubnetId=self.subnet)
        self.assertAwsError(ctx, "DependencyViolation", 400)
        self.ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
        self.assertAwsError(ctx, "InvalidNetworkInterfaceID.NotFound", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_network_interface(NetworkInterfaceId="nope")
        self.assertAwsError(ctx, "InvalidNetworkInterfaceID.Malformed", 400)

    # Delivery ------------------------------------------------------------------------------------
    def test_a_vpc_flow_log_delivers_records_to_a_log_group_stream_per_interface(self):
        created = self.ec2.create_flow_logs(
            ResourceType="VPC", ResourceIds=[self.vpc], TrafficType="ALL", LogGroupName="vpc-flows",
            DeliverLogsPermissionArn=self.role, MaxAggregationInterval=60,
            TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "team", "Value": "net"}]}])
        self.assertEqual(created["Unsuccessful"], [])
        (fl,) = created["FlowLogIds"]
        self.assertRegex(fl, r"^fl-[0-9a-f]{17}$")
        lines = [self.record("ACCEPT"), self.record("REJECT", dst="198.51.100.1", port=22)]
        self.assertEqual(self.ec2.put_flow_log_records(Records=lines)["RecordCount"], 2)
        events = wait_for(lambda: self.log_events("vpc-flows", self.eni), lambda e: len(e) >= 2)
        self.assertEqual([e["message"] for e in events], lines)
        self.assertEqual(events[0]["timestamp"], NOW * 1000)
        (described,) = self.ec2.describe_flow_logs(FlowLogIds=[fl])["FlowLogs"]
        self.assertEqual(described["DeliverLogsStatus"], "SUCCESS")
        self.assertEqual(described["FlowLogStatus"], "ACTIVE")
        self.assertEqual(described["LogGroupName"], "vpc-flows")
        self.assertEqual(described["LogDestination"], f"arn:aws:logs:us-east-1:{self.account}:log-group:vpc-flows")
        self.assertEqual(described["ResourceId"], self.vpc)
        self.assertEqual(described["MaxAggregationInterval"], 60)
        self.assertEqual(described["Tags"], [{"Key": "team", "Value": "net"}])
        self.assertTrue(described["LogFormat"].startswith("${version} ${account-id} ${interface-id}"))
        self.assertEqual(self.ec2.delete_flow_logs(FlowLogIds=[fl])["Unsuccessful"], [])
        self.assertEqual(self.ec2.describe_flow_logs(FlowLogIds=[fl])["FlowLogs"], [])

    def test_a_subnet_flow_log_delivers_rejected_traffic_to_s3_in_its_own_format_with_the_aws_clis(self):
        bucket = "net-flow-logs"
        self.s3.create_bucket(Bucket=bucket)
        self.s3.put_bucket_policy(Bucket=bucket, Policy=delivery_bucket_policy(bucket, self.account, "flows/"))
        fmt = "${version} ${interface-id} ${srcaddr} ${dstport} ${action} ${vpc-id} ${subnet-id}"
        rc, out, err = self.server.aws_v2("ec2", "create-flow-logs", "--resource-type", "Subnet", "--resource-ids", self.subnet,
                                          "--traffic-type", "REJECT", "--log-destination-type", "s3",
                                          "--log-destination", f"arn:aws:s3:::{bucket}/flows", "--log-format", fmt)
        self.assertEqual(rc, 0, err)
        (fl,) = out["FlowLogIds"]
        rc, out, err = self.server.aws_v1("ec2", "put-flow-log-records", "--records", self.record("ACCEPT"),
                                          self.record("REJECT", dst="198.51.100.1", port=3389))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["RecordCount"], 2)
        prefix = f"flows/AWSLogs/{self.account}/vpcflowlogs/us-east-1/"
        listed = wait_for(lambda: self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []), bool)
        self.assertEqual(len(listed), 1)
        key = listed[0]["Key"]
        self.assertRegex(key, prefix + r"\d{4}/\d{2}/\d{2}/" + self.account + "_vpcflowlogs_us-east-1_" + fl + r"_\d{8}T\d{4}Z_[0-9a-f]{8}\.log\.gz$")
        body = gzip.decompress(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()).decode()
        self.assertEqual(body.splitlines(), [
            "version interface-id srcaddr dstport action vpc-id subnet-id",
            f"3 {self.eni} {self.ip} 3389 REJECT {self.vpc} {self.subnet}"])
        # A delivered file goes back in as it is (its header line gives the format): a second file.
        with tempfile.NamedTemporaryFile(suffix=".log.gz") as f:
            f.write(gzip.compress(body.encode()))
            f.flush()
            fed = subprocess.run([sys.executable, PUT_FLOW_LOG_FILE, "--endpoint-url", self.server.endpoint, f.name],
                                 env=self.server.cli_env(), capture_output=True, text=True, timeout=60)
        self.assertEqual((fed.returncode, fed.stdout.strip()), (0, "1"), fed.stderr)
        listed = wait_for(lambda: self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []), lambda l: len(l) >= 2)
        self.assertEqual(len(listed), 2)
        rc, out, err = self.server.aws_v1("ec2", "describe-flow-logs", "--filter", "Name=log-destination-type,Values=s3",
                                          f"Name=resource-id,Values={self.subnet}")
        self.assertEqual(rc, 0, err)
        (described,) = out["FlowLogs"]
        self.assertEqual((described["FlowLogId"], described["DeliverLogsStatus"], described["LogFormat"]), (fl, "SUCCESS", fmt))
        self.assertEqual(described["DestinationOptions"]["FileFormat"], "plain-text")
        rc, out, err = self.server.aws_v2("ec2", "delete-flow-logs", "--flow-log-ids", fl)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Unsuccessful"], [])

    def test_delivery_that_is_not_allowed_shows_as_failed(self):
        self.s3.create_bucket(Bucket="no-policy-bucket")
        to_s3 = self.ec2.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[self.eni], TrafficType="ALL",
                                          LogDestinationType="s3", LogDestination="arn:aws:s3:::no-policy-bucket")["FlowLogIds"][0]
        untrusting = self.iam.create_role(RoleName="not-for-flow-logs", AssumeRolePolicyDocument=trust_policy("ec2.amazonaws.com"))["Role"]["Arn"]
        to_logs = self.ec2.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[self.eni], TrafficType="ALL",
                                            LogGroupName="never-delivered", DeliverLogsPermissionArn=untrusting)["FlowLogIds"][0]
        rc, out, err = self.server.aws_v2("ec2", "put-flow-log-records", "--records", self.record("ACCEPT"))
        self.assertEqual((rc, out and out["RecordCount"]), (0, 1), err)
        failed = wait_for(lambda: self.ec2.describe_flow_logs(FlowLogIds=[to_s3, to_logs])["FlowLogs"],
                          lambda fls: all(f["DeliverLogsStatus"] == "FAILED" for f in fls))
        self.assertEqual([(f["DeliverLogsStatus"], f.get("DeliverLogsErrorMessage")) for f in failed], [("FAILED", "Access error")] * 2)
        self.assertEqual(self.s3.list_objects_v2(Bucket="no-policy-bucket").get("KeyCount"), 0)
        self.ec2.delete_flow_logs(FlowLogIds=[to_s3, to_logs])

    # Bad input -------------------------------------------------------------------------------------
    def test_bad_flow_logs_get_ec2s_errors(self):
        good = dict(ResourceType="VPC", ResourceIds=[self.vpc], TrafficType="ACCEPT", LogGroupName="bad-input",
                    DeliverLogsPermissionArn=self.role)
        cases = [
            (dict(good, ResourceIds=["vpc-0123456789abcdef0"]), "InvalidVpcID.NotFound"),
            (dict(good, ResourceType="Subnet", ResourceIds=["subnet-0123456789abcdef0"]), "InvalidSubnetID.NotFound"),
            (dict(good, ResourceType="NetworkInterface", ResourceIds=["eni-0123456789abcdef0"]), "InvalidNetworkInterfaceID.NotFound"),
            ({k: v for k, v in good.items() if k != "DeliverLogsPermissionArn"}, "InvalidParameter"),
            (dict(good, MaxAggregationInterval=120), "InvalidParameter"),
            (dict(good, LogFormat="${version} ${no-such-field}"), "InvalidParameter"),
            (dict(good, LogDestinationType="s3"), "InvalidParameter"),
            ({k: v for k, v in good.items() if k != "LogGroupName"}, "InvalidParameter"),
        ]
        for params, code in cases:
            with self.subTest(code=code, params=params), self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.create_flow_logs(**params)
            self.assertAwsError(ctx, code, 400)
        fl = self.ec2.create_flow_logs(**good)["FlowLogIds"][0]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.create_flow_logs(**good)
        self.assertAwsError(ctx, "FlowLogAlreadyExists", 400)
        missing_bucket = self.ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[self.vpc], TrafficType="ALL", LogDestinationType="s3",
                                                   LogDestination="arn:aws:s3:::no-such-bucket-anywhere")
        self.assertEqual(missing_bucket["FlowLogIds"], [])
        self.assertEqual(missing_bucket["Unsuccessful"][0]["Error"]["Message"], "LogDestination: no-such-bucket-anywhere does not exist.")
        unknown = "fl-0123456789abcdef0"
        result = self.ec2.delete_flow_logs(FlowLogIds=[fl, unknown])
        self.assertEqual([(u["ResourceId"], u["Error"]["Code"]) for u in result["Unsuccessful"]], [(unknown, "InvalidFlowLogId.NotFound")])
        rc, _, err = self.server.aws_v1("ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", self.vpc,
                                        "--traffic-type", "ALL", "--log-group-name", "x", "--deliver-logs-permission-arn", self.role,
                                        "--max-aggregation-interval", "30")
        self.assertNotEqual(rc, 0)
        self.assertIn("InvalidParameter", err)

    def test_bad_records_are_refused_whole(self):
        for records, code in (([self.record("ACCEPT").replace(self.eni, "eni-0123456789abcdef0")], "InvalidNetworkInterfaceID.NotFound"),
                              ([self.record("ACCEPT"), "2 not a record"], "InvalidParameterValue"),
                              ([self.record("ALLOW")], "InvalidParameterValue"),
                              ([self.record("ACCEPT").replace(self.account, "999999999999")], "InvalidParameterValue")):
            with self.subTest(code=code), self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.put_flow_log_records(Records=records)
            self.assertAwsError(ctx, code, 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.put_flow_log_records(Records=[self.record("ACCEPT")], LogFormat="${srcaddr} ${dstaddr}")
        self.assertAwsError(ctx, "InvalidParameter", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.put_flow_log_records(Records=[self.record("ACCEPT")], DryRun=True)
        self.assertAwsError(ctx, "DryRunOperation", 412)

    def test_describe_flow_logs_pages_and_filters(self):
        ids = []
        for traffic in ("ACCEPT", "REJECT", "ALL"):
            ids += self.ec2.create_flow_logs(ResourceType="Subnet", ResourceIds=[self.subnet], TrafficType=traffic, LogGroupName="paged",
                                             DeliverLogsPermissionArn=self.role)["FlowLogIds"]
        first = self.ec2.describe_flow_logs(Filter=[{"Name": "log-group-name", "Values": ["paged"]}], MaxResults=2)
        self.assertEqual(len(first["FlowLogs"]), 2)
        second = self.ec2.describe_flow_logs(Filter=[{"Name": "log-group-name", "Values": ["paged"]}], MaxResults=2, NextToken=first["NextToken"])
        self.assertNotIn("NextToken", second)
        self.assertEqual(sorted(f["FlowLogId"] for f in first["FlowLogs"] + second["FlowLogs"]), sorted(ids))
        rejected = self.ec2.describe_flow_logs(Filter=[{"Name": "traffic-type", "Values": ["REJECT"]}, {"Name": "log-group-name", "Values": ["paged"]}])
        self.assertEqual([f["TrafficType"] for f in rejected["FlowLogs"]], ["REJECT"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_flow_logs(Filter=[{"Name": "no-such-filter", "Values": ["x"]}])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)
        self.ec2.delete_flow_logs(FlowLogIds=ids)

    # Authorization and audit -----------------------------------------------------------------------
    def test_submitting_records_is_authorized_per_interface_and_audited(self):
        self.iam.create_user(UserName="flow-feeder")
        key = self.iam.create_access_key(UserName="flow-feeder")["AccessKey"]
        feeder = self.server.client("ec2", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            feeder.put_flow_log_records(Records=[self.record("ACCEPT")])
        self.assertAwsError(ctx, "UnauthorizedOperation", 403)
        self.iam.put_user_policy(UserName="flow-feeder", PolicyName="feed", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:PutFlowLogRecords",
                                                    "Resource": f"arn:aws:ec2:us-east-1:{self.account}:network-interface/{self.eni}"}]}))
        self.assertEqual(wait_for(lambda: self._try_feed(feeder), lambda r: r == 1), 1)
        def feeder_calls():
            events = self.server.client("cloudtrail").lookup_events(
                LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutFlowLogRecords"}])["Events"]
            return [json.loads(e["CloudTrailEvent"]) for e in events if e.get("Username") == "flow-feeder"]
        calls = wait_for(feeder_calls, lambda cs: any(not c.get("errorCode") for c in cs) and any(c.get("errorCode") for c in cs))
        self.assertIn("UnauthorizedOperation", " ".join(c.get("errorCode", "") for c in calls))
        allowed = [c for c in calls if not c.get("errorCode")]
        self.assertEqual(allowed[0]["eventSource"], "ec2.amazonaws.com")
        # The records themselves are customer data, not part of the audit record.
        self.assertEqual(allowed[0]["requestParameters"]["records"], "HIDDEN_DUE_TO_SECURITY_REASONS")

    def log_events(self, group, stream):
        """The stream's events, or none while the first delivery has not made the group."""
        try:
            return self.logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)["events"]
        except self.logs.exceptions.ResourceNotFoundException:
            return []

    def _try_feed(self, client):
        try:
            return client.put_flow_log_records(Records=[self.record("ACCEPT")])["RecordCount"]
        except botocore.exceptions.ClientError:
            return None


if __name__ == "__main__":
    unittest.main()
