"""The management account enables service control and resource control policies: FullAWSAccess and
RCPFullAWSAccess go everywhere, its own SCPs are validated, attached within AWS's limits, and a
target always keeps one SCP. Tag and backup policies are stored as JSON."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"


def deny(action):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]})


class Policies(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.server.client("organizations")
        cls.organization = cls.org.create_organization()["Organization"]
        cls.root_id = cls.org.list_roots()["Roots"][0]["Id"]
        cls.ou = cls.org.create_organizational_unit(ParentId=cls.root_id, Name="Before")["OrganizationalUnit"]
        cls.account = cls.org.create_account(Email="before@example.com", AccountName="before")["CreateAccountStatus"]["AccountId"]
        root = cls.org.enable_policy_type(RootId=cls.root_id, PolicyType=SCP)["Root"]
        cls.enabled_root = root

    def error(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        # Modeled members of the error (Reason) are beside Code and Message in botocore's response.
        return dict(ctx.exception.response["Error"], Reason=ctx.exception.response.get("Reason"))

    def scps_of(self, target):
        return [p["Id"] for p in self.org.list_policies_for_target(TargetId=target, Filter=SCP)["Policies"]]

    def create_scp(self, name, content=None):
        return self.org.create_policy(Name=name, Description=f"{name} policy", Type=SCP,
                                      Content=content or deny("s3:*"))["Policy"]["PolicySummary"]

    def test_enabling_scps_attaches_full_aws_access_everywhere(self):
        self.assertEqual(self.enabled_root["PolicyTypes"], [{"Type": SCP, "Status": "ENABLED"}])
        self.assertEqual(self.org.list_roots()["Roots"][0]["PolicyTypes"], [{"Type": SCP, "Status": "ENABLED"}])
        for target in (self.root_id, self.ou["Id"], self.account, self.server.root["AccountId"]):
            self.assertEqual(self.scps_of(target), ["p-FullAWSAccess"], target)
        # ... and to units and accounts made afterwards.
        later = self.org.create_organizational_unit(ParentId=self.root_id, Name="After")["OrganizationalUnit"]
        self.assertEqual(self.scps_of(later["Id"]), ["p-FullAWSAccess"])
        err = self.error(self.org.enable_policy_type, RootId=self.root_id, PolicyType=SCP)
        self.assertEqual(err["Code"], "PolicyTypeAlreadyEnabledException")

        full = self.org.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]
        self.assertEqual(full["PolicySummary"]["Arn"],
                         "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess")
        self.assertTrue(full["PolicySummary"]["AwsManaged"])
        self.assertEqual(json.loads(full["Content"])["Statement"][0]["Action"], "*")

    def test_create_describe_update_delete_an_scp(self):
        mgmt = self.server.root["AccountId"]
        p = self.create_scp("DenyS3")
        self.assertRegex(p["Id"], r"^p-[a-z0-9]{8}$")
        self.assertEqual(p["Arn"], f"arn:aws:organizations::{mgmt}:policy/{self.organization['Id']}/service_control_policy/{p['Id']}")
        self.assertFalse(p["AwsManaged"])
        got = self.org.describe_policy(PolicyId=p["Id"])["Policy"]
        self.assertEqual(got["PolicySummary"], p)
        self.assertEqual(json.loads(got["Content"])["Statement"][0]["Action"], "s3:*")
        listed = [x["Id"] for x in self.org.list_policies(Filter=SCP)["Policies"]]
        self.assertIn(p["Id"], listed)
        self.assertIn("p-FullAWSAccess", listed)

        self.assertEqual(self.error(self.org.create_policy, Name="DenyS3", Description="", Type=SCP, Content=deny("s3:*"))["Code"],
                         "DuplicatePolicyException")
        updated = self.org.update_policy(PolicyId=p["Id"], Name="DenyEC2", Content=deny("ec2:*"))["Policy"]
        self.assertEqual(updated["PolicySummary"]["Name"], "DenyEC2")
        self.assertEqual(json.loads(updated["Content"])["Statement"][0]["Action"], "ec2:*")

        self.org.attach_policy(PolicyId=p["Id"], TargetId=self.ou["Id"])
        self.assertEqual(self.error(self.org.delete_policy, PolicyId=p["Id"])["Code"], "PolicyInUseException")
        self.org.detach_policy(PolicyId=p["Id"], TargetId=self.ou["Id"])
        self.org.delete_policy(PolicyId=p["Id"])
        self.assertEqual(self.error(self.org.describe_policy, PolicyId=p["Id"])["Code"], "PolicyNotFoundException")

    def test_documents_are_validated(self):
        err = self.error(self.org.create_policy, Name="Bad", Description="", Type=SCP, Content="{not json")
        self.assertEqual(err["Code"], "MalformedPolicyDocumentException")
        no_action = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Resource": "*"}]})
        err = self.error(self.org.create_policy, Name="Bad", Description="", Type=SCP, Content=no_action)
        self.assertEqual(err["Code"], "MalformedPolicyDocumentException")
        big = deny(["s3:Get%s" % ("x" * 40 + str(i)) for i in range(120)])
        self.assertGreater(len(big), 5120)
        err = self.error(self.org.create_policy, Name="Big", Description="", Type=SCP, Content=big)
        self.assertEqual(err["Code"], "ConstraintViolationException")
        self.assertEqual(err["Reason"], "POLICY_CONTENT_LIMIT_EXCEEDED")
        err = self.error(self.org.create_policy, Name="Bad", Description="", Type="TAG_POLICY", Content="[1, 2]")
        self.assertEqual(err["Code"], "MalformedPolicyDocumentException")

    def test_aws_managed_policies_cannot_change(self):
        for fn, kw in ((self.org.update_policy, {"PolicyId": "p-FullAWSAccess", "Name": "Mine"}),
                       (self.org.delete_policy, {"PolicyId": "p-FullAWSAccess"})):
            err = self.error(fn, **kw)
            self.assertEqual(err["Code"], "InvalidInputException")
            self.assertEqual(err["Reason"], "IMMUTABLE_POLICY")

    def test_a_target_keeps_at_least_one_and_at_most_five_scps(self):
        ou = self.org.create_organizational_unit(ParentId=self.root_id, Name="Limits")["OrganizationalUnit"]["Id"]
        err = self.error(self.org.detach_policy, PolicyId="p-FullAWSAccess", TargetId=ou)
        self.assertEqual(err["Code"], "ConstraintViolationException")
        self.assertEqual(err["Reason"], "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")

        mine = [self.create_scp(f"Limit{i}", deny(f"service{i}:*"))["Id"] for i in range(5)]
        for p in mine[:4]:
            self.org.attach_policy(PolicyId=p, TargetId=ou)
        self.assertEqual(self.error(self.org.attach_policy, PolicyId=mine[0], TargetId=ou)["Code"],
                         "DuplicatePolicyAttachmentException")
        err = self.error(self.org.attach_policy, PolicyId=mine[4], TargetId=ou)
        self.assertEqual(err["Code"], "ConstraintViolationException")
        self.assertEqual(err["Reason"], "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")

        # With another SCP in place, FullAWSAccess can go.
        self.org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
        self.assertEqual(sorted(self.scps_of(ou)), sorted(mine[:4]))
        self.assertEqual(self.error(self.org.detach_policy, PolicyId="p-FullAWSAccess", TargetId=ou)["Code"],
                         "PolicyNotAttachedException")
        targets = [t["TargetId"] for t in self.org.list_targets_for_policy(PolicyId=mine[0])["Targets"]]
        self.assertEqual(targets, [ou])
        self.assertEqual(self.error(self.org.attach_policy, PolicyId=mine[0], TargetId="ou-zzzz-zzzzzzzz")["Code"],
                         "TargetNotFoundException")

    def test_resource_control_policies(self):
        self.assertEqual(self.error(self.org.attach_policy, PolicyId="p-RCPFullAWSAccess", TargetId=self.root_id)["Code"],
                         "PolicyTypeNotEnabledException")
        root = self.org.enable_policy_type(RootId=self.root_id, PolicyType=RCP)["Root"]
        self.assertIn({"Type": RCP, "Status": "ENABLED"}, root["PolicyTypes"])
        rcps = [p["Id"] for p in self.org.list_policies_for_target(TargetId=self.account, Filter=RCP)["Policies"]]
        self.assertEqual(rcps, ["p-RCPFullAWSAccess"])
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": self.organization["Id"]}}}]})
        p = self.org.create_policy(Name="OnlyMyOrg", Description="", Type=RCP, Content=doc)["Policy"]["PolicySummary"]
        self.assertIn("/resource_control_policy/", p["Arn"])
        self.org.attach_policy(PolicyId=p["Id"], TargetId=self.root_id)
        err = self.error(self.org.detach_policy, PolicyId="p-RCPFullAWSAccess", TargetId=self.root_id)
        self.assertEqual(err["Code"], "InvalidInputException")
        # An RCP must name Principal "*".
        self.assertEqual(self.error(self.org.create_policy, Name="NoPrincipal", Description="", Type=RCP,
                                    Content=deny("s3:*"))["Code"], "MalformedPolicyDocumentException")

        # Disabling the type detaches every policy of it.
        root = self.org.disable_policy_type(RootId=self.root_id, PolicyType=RCP)["Root"]
        self.assertNotIn({"Type": RCP, "Status": "ENABLED"}, root["PolicyTypes"])
        self.assertEqual(self.org.list_targets_for_policy(PolicyId=p["Id"])["Targets"], [])
        self.assertEqual(self.error(self.org.disable_policy_type, RootId=self.root_id, PolicyType=RCP)["Code"],
                         "PolicyTypeNotEnabledException")

    def test_tag_and_backup_policies_are_stored_as_json(self):
        self.org.enable_policy_type(RootId=self.root_id, PolicyType="TAG_POLICY")
        content = json.dumps({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}})
        p = self.org.create_policy(Name="CostCenter", Description="", Type="TAG_POLICY", Content=content)["Policy"]
        self.assertEqual(json.loads(p["Content"]), json.loads(content))
        self.org.attach_policy(PolicyId=p["PolicySummary"]["Id"], TargetId=self.account)
        attached = self.org.list_policies_for_target(TargetId=self.account, Filter="TAG_POLICY")["Policies"]
        self.assertEqual([x["Id"] for x in attached], [p["PolicySummary"]["Id"]])
        backup = json.dumps({"plans": {}})
        b = self.org.create_policy(Name="Backups", Description="", Type="BACKUP_POLICY", Content=backup)["Policy"]
        self.assertEqual(self.error(self.org.attach_policy, PolicyId=b["PolicySummary"]["Id"], TargetId=self.account)["Code"],
                         "PolicyTypeNotEnabledException")

    def test_the_cli_manages_policies(self):
        for cli, name in ((self.server.aws_v1, "CliOne"), (self.server.aws_v2, "CliTwo")):
            with self.subTest(cli=cli.__name__):
                rc, out, err = cli("organizations", "create-policy", "--name", name, "--description", "d",
                                   "--type", SCP, "--content", deny("kms:*"))
                self.assertEqual(rc, 0, err)
                pid = out["Policy"]["PolicySummary"]["Id"]
                rc, out, err = cli("organizations", "attach-policy", "--policy-id", pid, "--target-id", self.account)
                self.assertEqual(rc, 0, err)
                rc, out, err = cli("organizations", "list-policies-for-target", "--target-id", self.account, "--filter", SCP)
                self.assertEqual(rc, 0, err)
                self.assertIn(pid, [p["Id"] for p in out["Policies"]])
                rc, out, err = cli("organizations", "detach-policy", "--policy-id", pid, "--target-id", self.account)
                self.assertEqual(rc, 0, err)
                rc, out, err = cli("organizations", "delete-policy", "--policy-id", pid)
                self.assertEqual(rc, 0, err)


class EffectiveTagPolicies(CitadelTestCase):
    """Tag policies inherit from the root down: a unit appends a value to what the root assigns."""

    def test_effective_tag_policy_merges_the_path(self):
        org = self.server.client("organizations")
        org.create_organization()
        root = org.list_roots()["Roots"][0]["Id"]
        ou = org.create_organizational_unit(ParentId=root, Name="Finance")["OrganizationalUnit"]["Id"]
        inside = org.create_account(Email="fin@example.com", AccountName="fin")["CreateAccountStatus"]["AccountId"]
        outside = org.create_account(Email="ops@example.com", AccountName="ops")["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=inside, SourceParentId=root, DestinationParentId=ou)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            org.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=inside)
        self.assertAwsError(ctx, "EffectivePolicyNotFoundException", 400)

        org.enable_policy_type(RootId=root, PolicyType="TAG_POLICY")
        base = {"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}}}}
        more = {"tags": {"costcenter": {"tag_value": {"@@append": ["300"]}}}}
        # The root locks the team tag: the unit's rename is ignored.
        locked = {"tags": {"team": {"@@operators_allowed_for_child_policies": ["@@none"],
                                    "tag_key": {"@@assign": "Team"}}}}
        rename = {"tags": {"team": {"tag_key": {"@@assign": "Squad"}}}}
        for name, content, target in (("Base", base, root), ("More", more, ou), ("Locked", locked, root),
                                      ("Rename", rename, ou)):
            pid = org.create_policy(Name=name, Description="", Type="TAG_POLICY",
                                    Content=json.dumps(content))["Policy"]["PolicySummary"]["Id"]
            org.attach_policy(PolicyId=pid, TargetId=target)

        got = org.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=inside)["EffectivePolicy"]
        self.assertEqual((got["TargetId"], got["PolicyType"]), (inside, "TAG_POLICY"))
        self.assertEqual(json.loads(got["PolicyContent"]),
                         {"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100", "200", "300"]},
                                   "team": {"tag_key": "Team"}}})
        got = org.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=outside)["EffectivePolicy"]
        self.assertEqual(json.loads(got["PolicyContent"]),
                         {"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100", "200"]},
                                   "team": {"tag_key": "Team"}}})


if __name__ == "__main__":
    unittest.main()
