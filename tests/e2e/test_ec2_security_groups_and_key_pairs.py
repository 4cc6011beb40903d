"""Security groups through the aws CLIs as people write them (--protocol --port --cidr and
--ip-permissions), duplicate and missing rules, groups in use; key pairs whose private key is a
real PEM that OpenSSL reads and whose fingerprint is the one EC2 documents."""
import hashlib
import json
import os
import subprocess
import tempfile
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase

AL2023 = "ami-01816d07b1128cd2d"


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


class Ec2SecurityGroups(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ec2 = cls.server.client("ec2")

    def test_rules_through_both_clis(self):
        rc, out, err = self.server.aws_v1("ec2", "create-security-group", "--group-name", "web", "--description", "web servers")
        self.assertEqual(rc, 0, err)
        gid = out["GroupId"]
        self.assertRegex(gid, r"^sg-[0-9a-f]{17}$")
        rc, out, err = self.server.aws_v2("ec2", "authorize-security-group-ingress", "--group-id", gid,
                                          "--protocol", "tcp", "--port", "22", "--cidr", "203.0.113.0/24")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out["SecurityGroupRules"][0]["SecurityGroupRuleId"], r"^sgr-[0-9a-f]{17}$")
        rc, out, err = self.server.aws_v1("ec2", "authorize-security-group-ingress", "--group-id", gid, "--ip-permissions",
                                          json.dumps([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}],
                                                       "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]))
        self.assertEqual(rc, 0, err)
        # The same rule again is a duplicate, from either CLI.
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, _, err = run("ec2", "authorize-security-group-ingress", "--group-id", gid, "--protocol", "tcp", "--port", "22",
                             "--cidr", "203.0.113.0/24")
            self.assertNotEqual(rc, 0)
            self.assertIn("InvalidPermission.Duplicate", err)
        group = self.ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
        perms = {(p["IpProtocol"], p.get("FromPort")): p for p in group["IpPermissions"]}
        self.assertEqual(perms[("tcp", 22)]["IpRanges"], [{"CidrIp": "203.0.113.0/24"}])
        self.assertEqual(perms[("tcp", 443)]["IpRanges"], [{"CidrIp": "0.0.0.0/0", "Description": "https"}])
        self.assertEqual(perms[("tcp", 443)]["Ipv6Ranges"], [{"CidrIpv6": "::/0"}])
        self.assertEqual(group["IpPermissionsEgress"][0]["IpProtocol"], "-1")
        found = self.ec2.describe_security_groups(Filters=[{"Name": "ip-permission.from-port", "Values": ["443"]}])["SecurityGroups"]
        self.assertEqual([g["GroupId"] for g in found], [gid])
        rules = self.ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])["SecurityGroupRules"]
        self.assertEqual(len(rules), 4)  # 22, 443 v4, 443 v6, the default egress
        # Revoking: by the CLI's short form, then a rule that is not there.
        rc, _, err = self.server.aws_v2("ec2", "revoke-security-group-ingress", "--group-id", gid, "--protocol", "tcp",
                                        "--port", "22", "--cidr", "203.0.113.0/24")
        self.assertEqual(rc, 0, err)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.revoke_security_group_ingress(GroupId=gid, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="203.0.113.0/24")
        self.assertAwsError(ctx, "InvalidPermission.NotFound", 400)
        v6 = [r for r in rules if r.get("CidrIpv6") == "::/0"][0]
        self.ec2.revoke_security_group_ingress(GroupId=gid, SecurityGroupRuleIds=[v6["SecurityGroupRuleId"]])
        left = self.ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]["IpPermissions"]
        self.assertEqual([(p["IpProtocol"], p["FromPort"], len(p["IpRanges"]), len(p["Ipv6Ranges"])) for p in left], [("tcp", 443, 1, 0)])
        egress = self.ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.2/32"}]}])
        self.assertTrue(egress["SecurityGroupRules"][0]["IsEgress"])
        self.ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.2/32"}]}])

    def test_bad_rules_get_aws_errors(self):
        gid = self.ec2.create_security_group(GroupName="strict", Description="strict")["GroupId"]
        cases = [
            ({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 70, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
            ({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 70000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
            ({"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
            ({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.300/8"}]}, "InvalidParameterValue"),
            ({"IpProtocol": "bogus", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
            ({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}]}, "InvalidGroup.NotFound"),
        ]
        for perm, code in cases:
            with self.subTest(perm=perm):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    self.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[perm])
                self.assertAwsError(ctx, code, 400)
        for kw, code in ((dict(GroupName="strict", Description="again"), "InvalidGroup.Duplicate"),
                         (dict(GroupName="default", Description="x"), "InvalidGroup.Reserved"),
                         (dict(GroupName="x", Description="x", VpcId="vpc-0123456789abcdef0"), "InvalidVpcID.NotFound")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.ec2.create_security_group(**kw)
            self.assertAwsError(ctx, code, 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_security_groups(GroupIds=["sg-0123456789abcdef0"])
        self.assertAwsError(ctx, "InvalidGroup.NotFound", 400)

    def test_a_group_in_use_cannot_be_deleted(self):
        app = self.ec2.create_security_group(GroupName="app", Description="app")["GroupId"]
        db = self.ec2.create_security_group(GroupName="db", Description="db")["GroupId"]
        self.ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": app}]}])
        inst = self.ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                      SecurityGroupIds=[app])["Instances"][0]
        self.assertEqual(inst["SecurityGroups"], [{"GroupName": "app", "GroupId": app}])
        rc, _, err = self.server.aws_v1("ec2", "delete-security-group", "--group-id", app)
        self.assertNotEqual(rc, 0)
        self.assertIn("DependencyViolation", err)
        self.ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_security_group(GroupId=app)  # db's rule still names it
        self.assertAwsError(ctx, "DependencyViolation", 400)
        self.ec2.delete_security_group(GroupId=db)
        rc, _, err = self.server.aws_v2("ec2", "delete-security-group", "--group-name", "app")
        self.assertEqual(rc, 0, err)
        default = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.delete_security_group(GroupId=default)
        self.assertAwsError(ctx, "CannotDelete", 400)


class Ec2KeyPairs(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ec2 = cls.server.client("ec2")

    def test_a_created_rsa_key_is_a_real_pem_with_the_documented_fingerprint(self):
        kp = self.ec2.create_key_pair(KeyName="deploy")
        self.assertRegex(kp["KeyPairId"], r"^key-[0-9a-f]{17}$")
        pem = kp["KeyMaterial"].encode()
        self.assertTrue(pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----"))
        self.assertIn(b"2048 bit", openssl("pkey", "-noout", "-text", data=pem))
        # EC2: the SHA-1 of the PKCS#8 DER private key.
        der = openssl("pkcs8", "-topk8", "-nocrypt", "-outform", "DER", data=pem)
        self.assertEqual(kp["KeyFingerprint"], ":".join(f"{b:02x}" for b in hashlib.sha1(der).digest()))
        # The public key EC2 keeps is the private key's.
        pub = self.ec2.describe_key_pairs(KeyNames=["deploy"], IncludePublicKey=True)["KeyPairs"][0]
        self.assertEqual(pub["KeyType"], "rsa")
        self.assertNotIn("KeyMaterial", pub)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "k.pem")
            with open(path, "wb") as f:
                f.write(pem)
            os.chmod(path, 0o600)
            derived = subprocess.run(["ssh-keygen", "-y", "-f", path], capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(pub["PublicKey"].split()[:2], derived[:2])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.create_key_pair(KeyName="deploy")
        self.assertAwsError(ctx, "InvalidKeyPair.Duplicate", 400)

    def test_an_ed25519_key_comes_in_openssh_format(self):
        rc, kp, err = self.server.aws_v2("ec2", "create-key-pair", "--key-name", "edkey", "--key-type", "ed25519")
        self.assertEqual(rc, 0, err)
        self.assertTrue(kp["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----"))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "k")
            with open(path, "w") as f:
                f.write(kp["KeyMaterial"])
            os.chmod(path, 0o600)
            line = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", path], capture_output=True, text=True, check=True).stdout
        fp = line.split()[1].removeprefix("SHA256:")
        self.assertEqual(kp["KeyFingerprint"].rstrip("="), fp)

    def test_imported_keys_and_deletion(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "id")
            subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", path], check=True)
            with open(path + ".pub") as f:
                pub = f.read()
            spki = openssl("rsa", "-in", path, "-pubout", "-outform", "DER")
        imported = self.ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=pub.encode(),
                                            TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "owner", "Value": "ana"}]}])
        self.assertEqual(imported["KeyFingerprint"], ":".join(f"{b:02x}" for b in hashlib.md5(spki).digest()))
        self.assertEqual(imported["Tags"], [{"Key": "owner", "Value": "ana"}])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.import_key_pair(KeyName="junk", PublicKeyMaterial=b"not a key")
        self.assertAwsError(ctx, "InvalidKey.Format", 400)
        found = self.ec2.describe_key_pairs(Filters=[{"Name": "tag:owner", "Values": ["ana"]}])["KeyPairs"]
        self.assertEqual([k["KeyName"] for k in found], ["laptop"])
        self.ec2.delete_key_pair(KeyName="laptop")
        self.ec2.delete_key_pair(KeyName="laptop")  # gone already: still fine, as in EC2
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.ec2.describe_key_pairs(KeyNames=["laptop"])
        self.assertAwsError(ctx, "InvalidKeyPair.NotFound", 400)


if __name__ == "__main__":
    unittest.main()
