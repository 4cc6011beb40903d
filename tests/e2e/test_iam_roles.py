"""Roles and instance profiles: a platform team creates roles for its services with trust policies,
tags and boundaries, gives them inline and managed policies, puts one in an instance profile, and IAM
refuses to delete what is still in use. Driven with boto3 and both aws CLIs as the root user. (Assuming
the roles is STS's story, in test_sts_*.)"""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def trust(service="ec2.amazonaws.com"):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}


def document(*actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})


class Roles(CitadelTestCase):
    def setUp(self):
        self.iam = self.server.client("iam")
        self.account = self.server.root["AccountId"]

    # ---- helpers ----------------------------------------------------------------------------
    def make_role(self, name, **kw):
        kw.setdefault("AssumeRolePolicyDocument", json.dumps(trust()))
        role = self.iam.create_role(RoleName=name, **kw)["Role"]
        self.addCleanup(self.delete_role, name)
        return role

    def delete_role(self, name):
        try:
            for p in self.iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]:
                self.iam.remove_role_from_instance_profile(InstanceProfileName=p["InstanceProfileName"], RoleName=name)
            for p in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
                self.iam.delete_role_policy(RoleName=name, PolicyName=p)
            for p in self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                self.iam.detach_role_policy(RoleName=name, PolicyArn=p["PolicyArn"])
            self.iam.delete_role(RoleName=name)
        except botocore.exceptions.ClientError:
            pass

    def make_policy(self, name):
        arn = self.iam.create_policy(PolicyName=name, PolicyDocument=document("s3:GetObject"))["Policy"]["Arn"]
        self.addCleanup(self.delete_policy, arn)
        return arn

    def delete_policy(self, arn):
        try:
            self.iam.delete_policy(PolicyArn=arn)
        except botocore.exceptions.ClientError:
            pass

    def make_profile(self, name, **kw):
        profile = self.iam.create_instance_profile(InstanceProfileName=name, **kw)["InstanceProfile"]
        self.addCleanup(self.delete_profile, name)
        return profile

    def delete_profile(self, name):
        try:
            for r in self.iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]:
                self.iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=r["RoleName"])
            self.iam.delete_instance_profile(InstanceProfileName=name)
        except botocore.exceptions.ClientError:
            pass

    def error(self, fn, code, status, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)["Error"]["Message"]

    # ---- roles --------------------------------------------------------------------------------
    def test_create_and_get_a_role(self):
        role = self.make_role("web-server", Path="/app/", Description="serves the shop",
                              MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "web"}])
        self.assertRegex(role["RoleId"], r"^AROA[A-Z2-7]{17}$")
        self.assertEqual(role["Arn"], f"arn:aws:iam::{self.account}:role/app/web-server")
        self.assertEqual(role["AssumeRolePolicyDocument"], trust())
        self.assertEqual(role["Tags"], [{"Key": "team", "Value": "web"}])
        got = self.iam.get_role(RoleName="WEB-SERVER")["Role"]  # names are case-insensitive
        self.assertEqual(got["RoleName"], "web-server")
        self.assertEqual(got["RoleId"], role["RoleId"])
        self.assertEqual(got["Path"], "/app/")
        self.assertEqual(got["Description"], "serves the shop")
        self.assertEqual(got["MaxSessionDuration"], 7200)
        self.assertEqual(got["AssumeRolePolicyDocument"], trust())
        self.assertEqual(got["RoleLastUsed"], {})
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "web"}])
        self.assertNotIn("PermissionsBoundary", got)
        default = self.make_role("batch")
        self.assertEqual(self.iam.get_role(RoleName="batch")["Role"]["MaxSessionDuration"], 3600)
        self.assertEqual(default["Path"], "/")

    def test_create_role_errors(self):
        self.make_role("dup")
        message = self.error(self.iam.create_role, "EntityAlreadyExists", 409, RoleName="DUP",
                             AssumeRolePolicyDocument=json.dumps(trust()))
        self.assertEqual(message, "Role with name DUP already exists.")
        message = self.error(self.iam.get_role, "NoSuchEntity", 404, RoleName="nobody")
        self.assertEqual(message, "The role with name nobody cannot be found.")
        # A trust policy names who may assume the role and no resource.
        with_resource = trust()
        with_resource["Statement"][0]["Resource"] = "*"
        message = self.error(self.iam.create_role, "MalformedPolicyDocument", 400, RoleName="bad",
                             AssumeRolePolicyDocument=json.dumps(with_resource))
        self.assertEqual(message, "Has prohibited field Resource")
        message = self.error(self.iam.create_role, "MalformedPolicyDocument", 400, RoleName="bad",
                             AssumeRolePolicyDocument=document("sts:AssumeRole"))
        self.assertIn("Principal", message)
        self.error(self.iam.create_role, "MalformedPolicyDocument", 400, RoleName="bad", AssumeRolePolicyDocument="{not json")
        # A trust policy holds 2,048 characters (whitespace not counted).
        long_trust = trust()
        long_trust["Statement"][0]["Principal"] = {"AWS": [f"arn:aws:iam::{i:012d}:root" for i in range(80)]}
        message = self.error(self.iam.create_role, "LimitExceeded", 409, RoleName="bad",
                             AssumeRolePolicyDocument=json.dumps(long_trust))
        self.assertEqual(message, "Cannot exceed quota for ACLSizePerRole: 2048")
        unchecked = self.server.client("iam", parameter_validation=False)  # let the server check the range
        message = self.error(unchecked.create_role, "ValidationError", 400, RoleName="bad", MaxSessionDuration=60,
                             AssumeRolePolicyDocument=json.dumps(trust()))
        self.assertIn("maxSessionDuration", message)
        self.error(self.iam.create_role, "ValidationError", 400, RoleName="bad", Path="no-slash",
                   AssumeRolePolicyDocument=json.dumps(trust()))
        message = self.error(self.iam.create_role, "NoSuchEntity", 404, RoleName="bad",
                             AssumeRolePolicyDocument=json.dumps(trust()),
                             PermissionsBoundary=f"arn:aws:iam::{self.account}:policy/missing")
        self.assertIn("does not exist or is not attachable", message)
        self.error(self.iam.create_role, "InvalidInput", 400, RoleName="bad", AssumeRolePolicyDocument=json.dumps(trust()),
                   Tags=[{"Key": "aws:reserved", "Value": "x"}])
        names = [r["RoleName"] for r in self.iam.list_roles()["Roles"]]
        self.assertNotIn("bad", names)

    def test_list_roles_by_path_and_page(self):
        for name in ("alpha", "bravo", "charlie"):
            self.make_role(f"list-{name}", Path="/listed/")
        self.make_role("list-other", Path="/other/")
        listed = self.iam.list_roles(PathPrefix="/listed/")["Roles"]
        self.assertEqual([r["RoleName"] for r in listed], ["list-alpha", "list-bravo", "list-charlie"])
        self.assertNotIn("Tags", listed[0])
        self.assertNotIn("RoleLastUsed", listed[0])
        first = self.iam.list_roles(PathPrefix="/listed/", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        second = self.iam.list_roles(PathPrefix="/listed/", MaxItems=2, Marker=first["Marker"])
        self.assertFalse(second["IsTruncated"])
        self.assertEqual([r["RoleName"] for r in first["Roles"] + second["Roles"]], ["list-alpha", "list-bravo", "list-charlie"])
        paged = [r["RoleName"] for page in self.iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 1})
                 for r in page["Roles"]]
        self.assertIn("list-other", paged)

    def test_update_role_description_duration_and_trust(self):
        self.make_role("updatable")
        self.iam.update_role(RoleName="updatable", Description="first", MaxSessionDuration=43200)
        got = self.iam.get_role(RoleName="updatable")["Role"]
        self.assertEqual((got["Description"], got["MaxSessionDuration"]), ("first", 43200))
        unchecked = self.server.client("iam", parameter_validation=False)
        self.error(unchecked.update_role, "ValidationError", 400, RoleName="updatable", MaxSessionDuration=43201)
        role = self.iam.update_role_description(RoleName="updatable", Description="second")["Role"]
        self.assertEqual(role["Description"], "second")
        self.assertEqual(role["MaxSessionDuration"], 43200)
        new_trust = trust("lambda.amazonaws.com")
        self.iam.update_assume_role_policy(RoleName="updatable", PolicyDocument=json.dumps(new_trust))
        self.assertEqual(self.iam.get_role(RoleName="updatable")["Role"]["AssumeRolePolicyDocument"], new_trust)
        self.error(self.iam.update_assume_role_policy, "MalformedPolicyDocument", 400, RoleName="updatable",
                   PolicyDocument=document("s3:GetObject"))
        self.error(self.iam.update_role, "NoSuchEntity", 404, RoleName="ghost", Description="x")

    def test_role_tags(self):
        self.make_role("tagged", Tags=[{"Key": "env", "Value": "dev"}])
        self.iam.tag_role(RoleName="tagged", Tags=[{"Key": "team", "Value": "data"}, {"Key": "ENV", "Value": "prod"}])
        tags = self.iam.list_role_tags(RoleName="tagged")["Tags"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags), [("ENV", "prod"), ("team", "data")])
        self.iam.untag_role(RoleName="tagged", TagKeys=["env"])
        self.assertEqual(self.iam.list_role_tags(RoleName="tagged")["Tags"], [{"Key": "team", "Value": "data"}])
        message = self.error(self.iam.tag_role, "LimitExceeded", 409, RoleName="tagged",
                             Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
        self.assertEqual(message, "The number of tags has reached the maximum limit.")
        self.assertEqual(len(self.iam.list_role_tags(RoleName="tagged")["Tags"]), 1)

    def test_inline_role_policies(self):
        self.make_role("worker")
        self.iam.put_role_policy(RoleName="worker", PolicyName="read", PolicyDocument=document("s3:GetObject"))
        self.iam.put_role_policy(RoleName="worker", PolicyName="logs", PolicyDocument=document("logs:PutLogEvents"))
        got = self.iam.get_role_policy(RoleName="WORKER", PolicyName="read")
        self.assertEqual(got["RoleName"], "worker")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], ["s3:GetObject"])
        self.assertEqual(self.iam.list_role_policies(RoleName="worker")["PolicyNames"], ["logs", "read"])
        message = self.error(self.iam.get_role_policy, "NoSuchEntity", 404, RoleName="worker", PolicyName="nope")
        self.assertEqual(message, "The role policy with name nope cannot be found.")
        self.error(self.iam.put_role_policy, "MalformedPolicyDocument", 400, RoleName="worker", PolicyName="bad",
                   PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}))
        # A role's inline policies share 10,240 characters (whitespace not counted).
        big = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{i:04d}-{'x' * 60}/*"}
            for i in range(110)]})
        self.assertGreater(len(big.replace(" ", "")), 10240)
        message = self.error(self.iam.put_role_policy, "LimitExceeded", 409, RoleName="worker", PolicyName="big",
                             PolicyDocument=big)
        self.assertIn("10240", message)
        message = self.error(self.iam.delete_role, "DeleteConflict", 409, RoleName="worker")
        self.assertEqual(message, "Cannot delete entity, must delete policies first.")
        self.iam.delete_role_policy(RoleName="worker", PolicyName="read")
        self.iam.delete_role_policy(RoleName="worker", PolicyName="logs")
        self.error(self.iam.delete_role_policy, "NoSuchEntity", 404, RoleName="worker", PolicyName="logs")
        self.iam.delete_role(RoleName="worker")
        self.error(self.iam.get_role, "NoSuchEntity", 404, RoleName="worker")

    def test_attached_role_policies_and_counts(self):
        self.make_role("analyst")
        arn = self.make_policy("analyst-read")
        self.iam.attach_role_policy(RoleName="analyst", PolicyArn=arn)
        self.iam.attach_role_policy(RoleName="analyst", PolicyArn=READ_ONLY)
        self.iam.attach_role_policy(RoleName="analyst", PolicyArn=arn)  # twice changes nothing
        attached = self.iam.list_attached_role_policies(RoleName="analyst")["AttachedPolicies"]
        self.assertEqual(sorted(p["PolicyArn"] for p in attached), sorted([arn, READ_ONLY]))
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 1)
        entities = self.iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual([r["RoleName"] for r in entities["PolicyRoles"]], ["analyst"])
        self.assertEqual(self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyRoles"][0]["RoleId"],
                         self.iam.get_role(RoleName="analyst")["Role"]["RoleId"])
        self.assertEqual(self.iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")["PolicyRoles"], [])
        message = self.error(self.iam.delete_policy, "DeleteConflict", 409, PolicyArn=arn)
        self.assertEqual(message, "Cannot delete a policy attached to entities.")
        message = self.error(self.iam.delete_role, "DeleteConflict", 409, RoleName="analyst")
        self.assertEqual(message, "Cannot delete entity, must detach all policies first.")
        message = self.error(self.iam.attach_role_policy, "NoSuchEntity", 404, RoleName="analyst",
                             PolicyArn=f"arn:aws:iam::{self.account}:policy/missing")
        self.assertIn("does not exist or is not attachable", message)
        self.iam.detach_role_policy(RoleName="analyst", PolicyArn=arn)
        self.error(self.iam.detach_role_policy, "NoSuchEntity", 404, RoleName="analyst", PolicyArn=arn)
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 0)

    def test_ten_managed_policies_per_role(self):
        self.make_role("busy")
        arns = [self.make_policy(f"busy-{i}") for i in range(11)]
        for arn in arns[:10]:
            self.iam.attach_role_policy(RoleName="busy", PolicyArn=arn)
        message = self.error(self.iam.attach_role_policy, "LimitExceeded", 409, RoleName="busy", PolicyArn=arns[10])
        self.assertEqual(message, "Cannot exceed quota for PoliciesPerRole: 10")

    def test_permissions_boundary(self):
        boundary = self.make_policy("role-boundary")
        role = self.make_role("bounded", PermissionsBoundary=boundary)
        self.assertEqual(role["PermissionsBoundary"], {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary})
        self.assertEqual(self.iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"], 1)
        entities = self.iam.list_entities_for_policy(PolicyArn=boundary, PolicyUsageFilter="PermissionsBoundary")
        self.assertEqual([r["RoleName"] for r in entities["PolicyRoles"]], ["bounded"])
        self.error(self.iam.delete_policy, "DeleteConflict", 409, PolicyArn=boundary)
        self.make_role("later")
        self.iam.put_role_permissions_boundary(RoleName="later", PermissionsBoundary=READ_ONLY)
        got = self.iam.get_role(RoleName="later")["Role"]
        self.assertEqual(got["PermissionsBoundary"]["PermissionsBoundaryArn"], READ_ONLY)
        listed = self.iam.list_policies(Scope="AWS", PolicyUsageFilter="PermissionsBoundary")["Policies"]
        self.assertIn(READ_ONLY, [p["Arn"] for p in listed])
        self.iam.delete_role_permissions_boundary(RoleName="later")
        self.assertNotIn("PermissionsBoundary", self.iam.get_role(RoleName="later")["Role"])
        self.iam.delete_role_permissions_boundary(RoleName="bounded")
        self.assertEqual(self.iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"], 0)
        self.error(self.iam.put_role_permissions_boundary, "NoSuchEntity", 404, RoleName="ghost", PermissionsBoundary=READ_ONLY)

    def test_account_views_include_roles(self):
        before = self.iam.get_account_summary()["SummaryMap"]
        self.make_role("summarised", Tags=[{"Key": "a", "Value": "b"}])
        self.iam.put_role_policy(RoleName="summarised", PolicyName="inline", PolicyDocument=document("s3:ListBucket"))
        self.iam.attach_role_policy(RoleName="summarised", PolicyArn=READ_ONLY)
        self.make_profile("summarised-profile")
        self.iam.add_role_to_instance_profile(InstanceProfileName="summarised-profile", RoleName="summarised")
        after = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(after["Roles"], before["Roles"] + 1)
        self.assertEqual(after["InstanceProfiles"], before["InstanceProfiles"] + 1)
        self.assertEqual(after["RolePolicySizeQuota"], 10240)
        details = self.iam.get_account_authorization_details(Filter=["Role"])
        self.assertEqual(details["UserDetailList"], [])
        role = next(r for r in details["RoleDetailList"] if r["RoleName"] == "summarised")
        self.assertEqual(role["AssumeRolePolicyDocument"], trust())
        self.assertEqual(role["RolePolicyList"][0]["PolicyName"], "inline")
        self.assertEqual(role["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], ["s3:ListBucket"])
        self.assertEqual(role["AttachedManagedPolicies"], [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}])
        self.assertEqual([p["InstanceProfileName"] for p in role["InstanceProfileList"]], ["summarised-profile"])
        self.assertEqual(role["Tags"], [{"Key": "a", "Value": "b"}])
        self.make_role("summarised-second")
        names = [r["RoleName"] for page in self.iam.get_paginator("get_account_authorization_details").paginate(
                     Filter=["Role"], PaginationConfig={"PageSize": 1}) for r in page["RoleDetailList"]]
        self.assertEqual(names, sorted(names, key=str.lower))
        self.assertIn("summarised-second", names)
        self.assertEqual(len(names), len(set(names)))
        everything = self.iam.get_account_authorization_details()
        self.assertIn("summarised", [r["RoleName"] for r in everything["RoleDetailList"]])
        self.assertIn(READ_ONLY, [p["Arn"] for p in everything["Policies"]])

    def test_policies_granting_service_access_for_a_role(self):
        role = self.make_role("granting")
        self.iam.put_role_policy(RoleName="granting", PolicyName="s3-read", PolicyDocument=document("s3:GetObject"))
        self.iam.attach_role_policy(RoleName="granting", PolicyArn=READ_ONLY)
        out = self.iam.list_policies_granting_service_access(Arn=role["Arn"], ServiceNamespaces=["s3"])
        policies = out["PoliciesGrantingServiceAccess"][0]["Policies"]
        self.assertEqual(sorted((p["PolicyName"], p["PolicyType"], p["EntityType"]) for p in policies),
                         [("ReadOnlyAccess", "MANAGED", "ROLE"), ("s3-read", "INLINE", "ROLE")])
        self.error(self.iam.list_policies_granting_service_access, "NoSuchEntity", 404,
                   Arn=f"arn:aws:iam::{self.account}:role/ghost", ServiceNamespaces=["s3"])

    # ---- who may manage roles -----------------------------------------------------------------
    def test_delegated_role_administration(self):
        """A platform admin may create roles under /app/ only with the team's boundary, and may change
        only the roles tagged for the web team."""
        boundary = self.make_policy("app-boundary")
        self.iam.create_user(UserName="platform-admin")
        key = self.iam.create_access_key(UserName="platform-admin")["AccessKey"]

        def cleanup():
            self.iam.delete_user_policy(UserName="platform-admin", PolicyName="delegation")
            self.iam.delete_access_key(UserName="platform-admin", AccessKeyId=key["AccessKeyId"])
            self.iam.delete_user(UserName="platform-admin")
        self.addCleanup(cleanup)
        app_roles = f"arn:aws:iam::{self.account}:role/app/*"
        self.iam.put_user_policy(UserName="platform-admin", PolicyName="delegation", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"], "Resource": app_roles,
                 "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary}}},
                {"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles", "iam:TagRole"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["iam:UpdateRole", "iam:PutRolePolicy"], "Resource": app_roles,
                 "Condition": {"StringEquals": {"aws:ResourceTag/team": "web"}}},
            ]}))
        admin = self.server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        trust_doc = json.dumps(trust())
        self.addCleanup(self.delete_role, "app-web")
        self.addCleanup(self.delete_role, "app-free")
        admin.create_role(RoleName="app-web", Path="/app/", AssumeRolePolicyDocument=trust_doc, PermissionsBoundary=boundary,
                          Tags=[{"Key": "team", "Value": "web"}])
        message = self.error(admin.create_role, "AccessDenied", 403, RoleName="app-free", Path="/app/",
                             AssumeRolePolicyDocument=trust_doc)
        self.assertIn(f"arn:aws:iam::{self.account}:role/app/app-free", message)
        self.error(admin.create_role, "AccessDenied", 403, RoleName="app-free", Path="/other/",
                   AssumeRolePolicyDocument=trust_doc, PermissionsBoundary=boundary)
        admin.update_role(RoleName="app-web", Description="changed by the platform admin")
        admin.put_role_policy(RoleName="app-web", PolicyName="p", PolicyDocument=document("s3:GetObject"))
        self.iam.create_role(RoleName="app-free", Path="/app/", AssumeRolePolicyDocument=trust_doc)
        message = self.error(admin.update_role, "AccessDenied", 403, RoleName="app-free", Description="x")
        self.assertIn(f"on resource: arn:aws:iam::{self.account}:role/app/app-free", message)
        self.error(admin.delete_role, "AccessDenied", 403, RoleName="app-web")
        self.assertEqual(admin.get_role(RoleName="app-web")["Role"]["Description"], "changed by the platform admin")

    # ---- instance profiles ------------------------------------------------------------------
    def test_instance_profiles(self):
        profile = self.make_profile("web-profile", Path="/app/")
        self.assertRegex(profile["InstanceProfileId"], r"^AIPA[A-Z2-7]{17}$")
        self.assertEqual(profile["Arn"], f"arn:aws:iam::{self.account}:instance-profile/app/web-profile")
        self.assertEqual(profile["Roles"], [])
        message = self.error(self.iam.create_instance_profile, "EntityAlreadyExists", 409, InstanceProfileName="WEB-PROFILE")
        self.assertEqual(message, "Instance Profile WEB-PROFILE already exists.")
        message = self.error(self.iam.get_instance_profile, "NoSuchEntity", 404, InstanceProfileName="nope")
        self.assertEqual(message, "Instance Profile nope cannot be found.")
        self.make_role("web-role")
        self.make_role("spare-role")
        self.iam.add_role_to_instance_profile(InstanceProfileName="web-profile", RoleName="web-role")
        message = self.error(self.iam.add_role_to_instance_profile, "LimitExceeded", 409,
                             InstanceProfileName="web-profile", RoleName="spare-role")
        self.assertEqual(message, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
        got = self.iam.get_instance_profile(InstanceProfileName="web-profile")["InstanceProfile"]
        self.assertEqual([r["RoleName"] for r in got["Roles"]], ["web-role"])
        self.assertEqual(got["Roles"][0]["AssumeRolePolicyDocument"], trust())
        for_role = self.iam.list_instance_profiles_for_role(RoleName="web-role")["InstanceProfiles"]
        self.assertEqual([p["InstanceProfileName"] for p in for_role], ["web-profile"])
        self.assertEqual([p["InstanceProfileName"] for p in self.iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]],
                         ["web-profile"])
        message = self.error(self.iam.delete_role, "DeleteConflict", 409, RoleName="web-role")
        self.assertEqual(message, "Cannot delete entity, must remove roles from instance profile first.")
        message = self.error(self.iam.delete_instance_profile, "DeleteConflict", 409, InstanceProfileName="web-profile")
        self.assertEqual(message, "Cannot delete entity, must remove roles from instance profile first.")
        self.iam.remove_role_from_instance_profile(InstanceProfileName="web-profile", RoleName="web-role")
        self.error(self.iam.remove_role_from_instance_profile, "NoSuchEntity", 404,
                   InstanceProfileName="web-profile", RoleName="web-role")
        self.iam.tag_instance_profile(InstanceProfileName="web-profile", Tags=[{"Key": "tier", "Value": "front"}])
        self.assertEqual(self.iam.list_instance_profile_tags(InstanceProfileName="web-profile")["Tags"],
                         [{"Key": "tier", "Value": "front"}])
        self.iam.untag_instance_profile(InstanceProfileName="web-profile", TagKeys=["tier"])
        self.iam.delete_instance_profile(InstanceProfileName="web-profile")
        self.iam.delete_role(RoleName="web-role")

    # ---- the aws CLIs -----------------------------------------------------------------------
    def test_roles_with_both_clis(self):
        rc, out, err = self.server.aws_v1("iam", "create-role", "--role-name", "cli-role", "--path", "/cli/",
                                          "--assume-role-policy-document", json.dumps(trust()),
                                          "--max-session-duration", "7200", "--tags", "Key=made-by,Value=cli")
        self.assertEqual(rc, 0, err)
        self.addCleanup(self.delete_role, "cli-role")
        self.assertEqual(out["Role"]["Arn"], f"arn:aws:iam::{self.account}:role/cli/cli-role")
        rc, _, err = self.server.aws_v2("iam", "put-role-policy", "--role-name", "cli-role", "--policy-name", "p",
                                        "--policy-document", document("s3:GetObject"))
        self.assertEqual(rc, 0, err)
        rc, _, err = self.server.aws_v1("iam", "attach-role-policy", "--role-name", "cli-role", "--policy-arn", READ_ONLY)
        self.assertEqual(rc, 0, err)
        for run in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = run("iam", "get-role", "--role-name", "cli-role")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["Role"]["AssumeRolePolicyDocument"], trust())
            self.assertEqual(out["Role"]["MaxSessionDuration"], 7200)
            rc, out, err = run("iam", "list-roles", "--path-prefix", "/cli/")
            self.assertEqual(rc, 0, err)
            self.assertEqual([r["RoleName"] for r in out["Roles"]], ["cli-role"])
            rc, out, err = run("iam", "get-role-policy", "--role-name", "cli-role", "--policy-name", "p")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["PolicyDocument"]["Statement"][0]["Action"], ["s3:GetObject"])
            rc, out, err = run("iam", "list-attached-role-policies", "--role-name", "cli-role")
            self.assertEqual(rc, 0, err)
            self.assertEqual([p["PolicyArn"] for p in out["AttachedPolicies"]], [READ_ONLY])
            rc, out, err = run("iam", "list-role-tags", "--role-name", "cli-role")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["Tags"], [{"Key": "made-by", "Value": "cli"}])
        rc, _, err = self.server.aws_v2("iam", "delete-role", "--role-name", "cli-role")
        self.assertNotEqual(rc, 0)
        self.assertIn("DeleteConflict", err)
        rc, _, err = self.server.aws_v1("iam", "create-role", "--role-name", "cli-bad",
                                        "--assume-role-policy-document", document("s3:GetObject"))
        self.assertNotEqual(rc, 0)
        self.assertIn("MalformedPolicyDocument", err)
        rc, _, err = self.server.aws_v2("iam", "update-assume-role-policy", "--role-name", "cli-role",
                                        "--policy-document", json.dumps(trust("lambda.amazonaws.com")))
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws_v1("iam", "get-role", "--role-name", "cli-role")
        self.assertEqual(out["Role"]["AssumeRolePolicyDocument"], trust("lambda.amazonaws.com"))


if __name__ == "__main__":
    unittest.main()
