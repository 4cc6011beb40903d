"""Customer managed policies and their versions, and the AWS managed policies every account sees,
driven with boto3 and both aws CLIs as the root user."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


def document(*actions, effect="Allow", resource="*"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": list(actions), "Resource": resource}]})


class ManagedPolicies(CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")
        self.account = self.server.root["AccountId"]

    def make_policy(self, name, doc=None, **kw):
        policy = self.iam.create_policy(PolicyName=name, PolicyDocument=doc or document("s3:GetObject"), **kw)["Policy"]
        self.addCleanup(self.delete_policy, policy["Arn"])
        return policy

    def delete_policy(self, arn):
        try:
            for v in self.iam.list_policy_versions(PolicyArn=arn)["Versions"]:
                if not v["IsDefaultVersion"]:
                    self.iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
            self.iam.delete_policy(PolicyArn=arn)
        except botocore.exceptions.ClientError:
            pass

    def error(self, fn, code, status, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)["Error"]["Message"]

    def test_create_get_and_read_the_document_back(self):
        doc = document("s3:GetObject", "s3:ListBucket")
        policy = self.make_policy("ReadBuckets", doc, Path="/team/", Description="read the buckets",
                                  Tags=[{"Key": "owner", "Value": "alice"}])
        self.assertRegex(policy["PolicyId"], r"^ANPA[A-Z2-7]{17}$")
        self.assertEqual(policy["Arn"], f"arn:aws:iam::{self.account}:policy/team/ReadBuckets")
        self.assertEqual(policy["DefaultVersionId"], "v1")
        self.assertEqual((policy["AttachmentCount"], policy["PermissionsBoundaryUsageCount"]), (0, 0))
        self.assertTrue(policy["IsAttachable"])
        self.assertEqual(policy["Tags"], [{"Key": "owner", "Value": "alice"}])
        got = self.iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
        self.assertEqual(got["Description"], "read the buckets")
        self.assertEqual(got["PolicyId"], policy["PolicyId"])
        version = self.iam.get_policy_version(PolicyArn=policy["Arn"], VersionId="v1")["PolicyVersion"]
        # botocore URL-decodes and parses the document IAM sends URL-encoded.
        self.assertEqual(version["Document"], json.loads(doc))
        self.assertTrue(version["IsDefaultVersion"])

    def test_documents_travel_url_encoded(self):
        policy = self.make_policy("Encoded")
        client = self.server.client("iam")
        raw = {}
        client.meta.events.register("after-call.iam.GetPolicyVersion",
                                    lambda http_response, **kw: raw.setdefault("body", http_response.text))
        client.get_policy_version(PolicyArn=policy["Arn"], VersionId="v1")
        self.assertIn("<Document>%7B%22Version%22%3A%20%222012-10-17%22", raw["body"])

    def test_duplicate_name_is_refused_whatever_the_path_or_case(self):
        self.make_policy("Dup")
        message = self.error(self.iam.create_policy, "EntityAlreadyExists", 409, PolicyName="DUP", Path="/other/",
                             PolicyDocument=document("s3:GetObject"))
        self.assertEqual(message, "A policy called DUP already exists. Duplicate names are not allowed.")

    def test_malformed_documents_are_refused_with_aws_messages(self):
        no_action = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]})
        message = self.error(self.iam.create_policy, "MalformedPolicyDocument", 400, PolicyName="Bad", PolicyDocument=no_action)
        self.assertEqual(message, "Policy statement must contain actions.")
        self.error(self.iam.create_policy, "MalformedPolicyDocument", 400, PolicyName="Bad", PolicyDocument="{not json")
        too_big = document(*[f"s3:GetObject{i:05d}" for i in range(400)])
        self.error(self.iam.create_policy, "LimitExceeded", 409, PolicyName="Big", PolicyDocument=too_big)
        self.assertNotIn("Bad", [p["PolicyName"] for p in self.iam.list_policies(Scope="Local")["Policies"]])

    def test_missing_policy_is_no_such_entity(self):
        arn = f"arn:aws:iam::{self.account}:policy/nothing"
        message = self.error(self.iam.get_policy, "NoSuchEntity", 404, PolicyArn=arn)
        self.assertEqual(message, f"Policy {arn} was not found.")
        self.error(self.iam.get_policy, "InvalidInput", 400, PolicyArn=f"arn:aws:iam::{self.account}:user/someone")

    def test_versions_default_and_the_limit_of_five(self):
        policy = self.make_policy("Versioned")
        arn = policy["Arn"]
        v2 = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=document("s3:PutObject"), SetAsDefault=True)
        self.assertEqual(v2["PolicyVersion"]["VersionId"], "v2")
        self.assertTrue(v2["PolicyVersion"]["IsDefaultVersion"])
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v2")
        for _ in range(3):
            self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=document("s3:DeleteObject"))
        message = self.error(self.iam.create_policy_version, "LimitExceeded", 409, PolicyArn=arn,
                             PolicyDocument=document("s3:*"))
        self.assertEqual(message, "A managed policy can have up to 5 versions. Before you create a new version, "
                                  "you must delete an existing version.")
        versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["v5", "v4", "v3", "v2", "v1"])
        self.assertEqual([v["VersionId"] for v in versions if v["IsDefaultVersion"]], ["v2"])
        message = self.error(self.iam.delete_policy_version, "DeleteConflict", 409, PolicyArn=arn, VersionId="v2")
        self.assertEqual(message, "Cannot delete the default version of a policy.")
        self.iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
        # Version ids are never reused.
        v6 = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=document("s3:*"))["PolicyVersion"]
        self.assertEqual(v6["VersionId"], "v6")
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v6")
        got = self.iam.get_policy_version(PolicyArn=arn, VersionId="v6")["PolicyVersion"]
        self.assertTrue(got["IsDefaultVersion"])
        self.assertEqual(got["Document"]["Statement"][0]["Action"], ["s3:*"])
        self.error(self.iam.get_policy_version, "NoSuchEntity", 404, PolicyArn=arn, VersionId="v3")
        self.error(self.iam.set_default_policy_version, "NoSuchEntity", 404, PolicyArn=arn, VersionId="v9")

    def test_delete_refused_while_versions_remain(self):
        policy = self.make_policy("TwoVersions")
        self.iam.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=document("s3:*"))
        message = self.error(self.iam.delete_policy, "DeleteConflict", 409, PolicyArn=policy["Arn"])
        self.assertEqual(message, "This policy has more than one version. Before you delete a policy, you must delete "
                                  "the policy's versions. The default version is deleted with the policy.")
        self.iam.delete_policy_version(PolicyArn=policy["Arn"], VersionId="v2")
        self.iam.delete_policy(PolicyArn=policy["Arn"])
        self.error(self.iam.get_policy, "NoSuchEntity", 404, PolicyArn=policy["Arn"])

    def test_delete_refused_while_attached(self):
        policy = self.make_policy("Attached")
        self.iam.create_user(UserName="holder")
        self.addCleanup(self.iam.delete_user, UserName="holder")
        self.iam.attach_user_policy(UserName="holder", PolicyArn=policy["Arn"])
        self.assertEqual(self.iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["AttachmentCount"], 1)
        message = self.error(self.iam.delete_policy, "DeleteConflict", 409, PolicyArn=policy["Arn"])
        self.assertEqual(message, "Cannot delete a policy attached to entities.")
        self.iam.detach_user_policy(UserName="holder", PolicyArn=policy["Arn"])
        self.iam.delete_policy(PolicyArn=policy["Arn"])

    def test_list_policies_by_scope_path_and_attachment(self):
        a = self.make_policy("ListA", Path="/list/")
        self.make_policy("ListB", Path="/list/")
        self.make_policy("ListC", Path="/elsewhere/")
        local = [p["PolicyName"] for p in self.iam.list_policies(Scope="Local", PathPrefix="/list/")["Policies"]]
        self.assertEqual(local, ["ListA", "ListB"])
        aws = {p["PolicyName"]: p for p in self.iam.list_policies(Scope="AWS")["Policies"]}
        self.assertIn("AdministratorAccess", aws)
        self.assertNotIn("ListA", aws)
        self.assertNotIn("Description", aws["AdministratorAccess"])  # ListPolicies leaves it out
        self.iam.create_group(GroupName="listers")
        self.addCleanup(self.iam.delete_group, GroupName="listers")
        self.iam.attach_group_policy(GroupName="listers", PolicyArn=a["Arn"])
        self.addCleanup(self.iam.detach_group_policy, GroupName="listers", PolicyArn=a["Arn"])
        attached = [p["PolicyName"] for p in self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]]
        self.assertEqual(attached, ["ListA"])

    def test_list_policies_pages_with_marker(self):
        for i in range(5):
            self.make_policy(f"Pager{i}", Path="/pager/")
        page = self.iam.list_policies(Scope="Local", PathPrefix="/pager/", MaxItems=2)
        names = [p["PolicyName"] for p in page["Policies"]]
        while page["IsTruncated"]:
            page = self.iam.list_policies(Scope="Local", PathPrefix="/pager/", MaxItems=2, Marker=page["Marker"])
            names += [p["PolicyName"] for p in page["Policies"]]
        self.assertEqual(names, [f"Pager{i}" for i in range(5)])
        # botocore's paginator follows the same markers.
        paginated = [p["PolicyName"] for pg in self.iam.get_paginator("list_policies").paginate(
            Scope="Local", PathPrefix="/pager/", PaginationConfig={"PageSize": 2}) for p in pg["Policies"]]
        self.assertEqual(paginated, names)

    def test_tags_on_policies(self):
        policy = self.make_policy("Tagged")
        self.iam.tag_policy(PolicyArn=policy["Arn"], Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.iam.untag_policy(PolicyArn=policy["Arn"], TagKeys=["a"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=policy["Arn"])["Tags"], [{"Key": "b", "Value": "2"}])
        self.error(self.iam.tag_policy, "InvalidInput", 400, PolicyArn=policy["Arn"], Tags=[{"Key": "aws:x", "Value": "1"}])
        page = self.iam.list_policy_tags(PolicyArn=policy["Arn"], MaxItems=1)
        self.assertEqual((page["Tags"], page["IsTruncated"]), ([{"Key": "b", "Value": "2"}], False))
        self.iam.tag_policy(PolicyArn=policy["Arn"], Tags=[{"Key": "c", "Value": "3"}])
        page = self.iam.list_policy_tags(PolicyArn=policy["Arn"], MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_policy_tags(PolicyArn=policy["Arn"], MaxItems=1, Marker=page["Marker"])
        self.assertEqual(page["Tags"] + rest["Tags"], [{"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}])
        many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
        self.error(self.iam.tag_policy, "LimitExceeded", 409, PolicyArn=policy["Arn"], Tags=many)

    def test_aws_managed_policies_are_visible_and_read_only(self):
        arn = "arn:aws:iam::aws:policy/AdministratorAccess"
        policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(policy["PolicyName"], "AdministratorAccess")
        self.assertEqual(policy["Path"], "/")
        self.assertRegex(policy["PolicyId"], r"^ANPA[A-Z2-7]{17}$")
        version = self.iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        self.assertEqual(version["Document"]["Statement"], [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
        power = self.iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")["Policy"]
        self.assertEqual(power["DefaultVersionId"], "v12")  # AWS's current version number and dates
        self.assertEqual((power["CreateDate"].year, power["UpdateDate"].year), (2015, 2026))
        names = {p["PolicyName"] for p in self.iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]}
        for expected in ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess",
                         "SecurityAudit", "AWSCloudTrail_FullAccess", "AWSCloudTrail_ReadOnlyAccess", "CloudWatchFullAccess",
                         "CloudWatchReadOnlyAccess", "AWSKeyManagementServicePowerUser", "AWSOrganizationsFullAccess",
                         "AWSOrganizationsReadOnlyAccess", "AmazonGuardDutyFullAccess", "AmazonGuardDutyReadOnlyAccess"):
            self.assertIn(expected, names)
        self.error(self.iam.delete_policy, "InvalidInput", 400, PolicyArn=arn)
        self.error(self.iam.create_policy_version, "InvalidInput", 400, PolicyArn=arn, PolicyDocument=document("s3:*"))
        # An account may name its own policy like an AWS managed one.
        own = self.make_policy("ReadOnlyAccess")
        self.assertEqual(own["Arn"], f"arn:aws:iam::{self.account}:policy/ReadOnlyAccess")

    def test_every_aws_managed_document_is_a_valid_identity_policy(self):
        for p in self.iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]:
            doc = self.iam.get_policy_version(PolicyArn=p["Arn"], VersionId=p["DefaultVersionId"])["PolicyVersion"]["Document"]
            self.assertEqual(doc["Version"], "2012-10-17", p["PolicyName"])
            # The same document is accepted as a customer managed policy.
            name = "Copy" + p["PolicyName"]
            self.make_policy(name, json.dumps(doc))

    def test_both_clis_manage_policies(self):
        doc = document("kms:DescribeKey")
        rc, out, err = self.server.aws_v2("iam", "create-policy", "--policy-name", "FromCliV2", "--policy-document", doc)
        self.assertEqual(rc, 0, err)
        arn = out["Policy"]["Arn"]
        self.addCleanup(self.delete_policy, arn)
        rc, out, err = self.server.aws_v1("iam", "create-policy-version", "--policy-arn", arn, "--policy-document",
                                          document("kms:*"), "--set-as-default")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["PolicyVersion"]["VersionId"], "v2")
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v2")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["PolicyVersion"]["Document"]["Statement"][0]["Action"], ["kms:*"])
            rc, out, err = run("iam", "list-policies", "--scope", "Local")
            self.assertEqual(rc, 0, err)
            self.assertIn("FromCliV2", [p["PolicyName"] for p in out["Policies"]])
        rc, _, err = self.server.aws_v2("iam", "delete-policy", "--policy-arn", arn)
        self.assertNotEqual(rc, 0)
        self.assertIn("DeleteConflict", err)


if __name__ == "__main__":
    unittest.main()
