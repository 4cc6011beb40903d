"""Member accounts and the management account: a member sees its own organization and nothing of
its management; the management account invites accounts, tags resources, closes accounts and
registers delegated administrators. A member's root key comes from `citadel admin create-root-key`
(Citadel has no OrganizationAccountAccessRole yet)."""
import json
import subprocess
import unittest

import botocore.exceptions

from citadel_harness import CITADEL, CitadelTestCase


class MembersAndInvitations(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.server.client("organizations")
        cls.organization = cls.org.create_organization()["Organization"]
        cls.root_id = cls.org.list_roots()["Roots"][0]["Id"]

    def error(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        # Modeled members of the error (Reason) are beside Code and Message in botocore's response.
        return dict(ctx.exception.response["Error"], Reason=ctx.exception.response.get("Reason"))

    def new_member(self, name):
        status = self.org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        return status["AccountId"]

    def client_of(self, account_id):
        p = subprocess.run([CITADEL, "admin", "create-root-key", "--data", self.server.data_dir, "--account", account_id],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        key = json.loads(p.stdout)
        return self.server.client("organizations", key["AccessKeyId"], key["SecretAccessKey"])

    def standalone_account(self, name):
        """An account in no organization: created, then removed."""
        account = self.new_member(name)
        self.org.remove_account_from_organization(AccountId=account)
        return account

    def test_a_member_sees_its_organization_and_nothing_the_management_account_does(self):
        member_id = self.new_member("member")
        member = self.client_of(member_id)
        self.assertEqual(member.describe_organization()["Organization"]["Id"], self.organization["Id"])
        err = self.error(member.create_policy, Name="Mine", Description="", Type="SERVICE_CONTROL_POLICY",
                         Content=json.dumps({"Version": "2012-10-17",
                                             "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}))
        self.assertEqual(err["Code"], "AccessDeniedException")
        self.assertEqual(err["Message"], "You don't have permissions to access this resource.")
        for fn in (member.list_accounts, member.list_roots, member.list_handshakes_for_organization):
            self.assertEqual(self.error(fn)["Code"], "AccessDeniedException")
        self.assertEqual(self.error(member.create_organization)["Code"], "AlreadyInOrganizationException")

        # The member leaves; the management account cannot.
        member.leave_organization()
        self.assertEqual(self.error(member.describe_organization)["Code"], "AWSOrganizationsNotInUseException")
        self.assertEqual(self.error(self.org.describe_account, AccountId=member_id)["Code"], "AccountNotFoundException")
        self.assertEqual(self.error(self.org.leave_organization)["Code"], "MasterCannotLeaveOrganizationException")
        self.assertEqual(self.error(self.org.remove_account_from_organization, AccountId=self.server.root["AccountId"])["Code"],
                         "MasterCannotLeaveOrganizationException")

    def test_invite_an_existing_account_then_cancel(self):
        mgmt = self.server.root["AccountId"]
        outsider = self.standalone_account("outsider")
        hs = self.org.invite_account_to_organization(Target={"Id": outsider, "Type": "ACCOUNT"}, Notes="join us")["Handshake"]
        self.assertRegex(hs["Id"], r"^h-[a-z0-9]{10}$")
        self.assertEqual(hs["Arn"], f"arn:aws:organizations::{mgmt}:handshake/{self.organization['Id']}/invite/{hs['Id']}")
        self.assertEqual((hs["State"], hs["Action"]), ("OPEN", "INVITE"))
        self.assertEqual(hs["Parties"], [{"Id": self.organization["Id"], "Type": "ORGANIZATION"},
                                         {"Id": outsider, "Type": "ACCOUNT"}])
        self.assertIn({"Value": "join us", "Type": "NOTES"}, hs["Resources"])
        self.assertGreater(hs["ExpirationTimestamp"], hs["RequestedTimestamp"])
        self.assertEqual(self.org.describe_handshake(HandshakeId=hs["Id"])["Handshake"]["Id"], hs["Id"])
        listed = [h["Id"] for h in self.org.list_handshakes_for_organization(Filter={"ActionType": "INVITE"})["Handshakes"]]
        self.assertIn(hs["Id"], listed)

        self.assertEqual(self.error(self.org.invite_account_to_organization, Target={"Id": outsider, "Type": "ACCOUNT"})["Code"],
                         "DuplicateHandshakeException")
        # The invited account sees the invitation while in no organization.
        invited = self.client_of(outsider)
        self.assertEqual([h["Id"] for h in invited.list_handshakes_for_account()["Handshakes"]], [hs["Id"]])

        canceled = self.org.cancel_handshake(HandshakeId=hs["Id"])["Handshake"]
        self.assertEqual(canceled["State"], "CANCELED")
        self.assertEqual(self.error(self.org.cancel_handshake, HandshakeId=hs["Id"])["Code"], "HandshakeAlreadyInStateException")
        self.assertEqual(invited.list_handshakes_for_account()["Handshakes"][0]["State"], "CANCELED")
        self.assertEqual(self.error(self.org.describe_handshake, HandshakeId="h-0000000000")["Code"],
                         "HandshakeNotFoundException")

    def test_invitations_need_an_account_outside_any_organization(self):
        member = self.new_member("already")
        err = self.error(self.org.invite_account_to_organization, Target={"Id": member, "Type": "ACCOUNT"})
        self.assertEqual(err["Code"], "HandshakeConstraintViolationException")
        self.assertEqual(err["Reason"], "ALREADY_IN_AN_ORGANIZATION")
        self.assertEqual(self.error(self.org.invite_account_to_organization, Target={"Id": "111122223333", "Type": "ACCOUNT"})["Code"],
                         "AccountNotFoundException")
        outsider = self.standalone_account("byemail")
        hs = self.org.invite_account_to_organization(Target={"Id": "byemail@example.com", "Type": "EMAIL"})["Handshake"]
        self.assertIn({"Id": "byemail@example.com", "Type": "EMAIL"}, hs["Parties"])
        self.org.cancel_handshake(HandshakeId=hs["Id"])
        self.assertTrue(outsider)

    def test_the_invited_account_accepts(self):
        outsider = self.standalone_account("accepter")
        hs = self.org.invite_account_to_organization(Target={"Id": outsider, "Type": "ACCOUNT"})["Handshake"]
        invited = self.client_of(outsider)
        accepted = invited.accept_handshake(HandshakeId=hs["Id"])["Handshake"]
        self.assertEqual(accepted["State"], "ACCEPTED")
        self.assertEqual(invited.describe_organization()["Organization"]["Id"], self.organization["Id"])
        self.assertEqual(self.org.describe_account(AccountId=outsider)["Account"]["JoinedMethod"], "INVITED")

    def test_close_an_account(self):
        account = self.new_member("closing")
        self.org.close_account(AccountId=account)
        acct = self.org.describe_account(AccountId=account)["Account"]
        self.assertEqual((acct["Status"], acct["State"]), ("SUSPENDED", "SUSPENDED"))
        self.assertEqual(self.error(self.org.close_account, AccountId=account)["Code"], "AccountAlreadyClosedException")
        err = self.error(self.org.close_account, AccountId=self.server.root["AccountId"])
        self.assertEqual(err["Code"], "ConstraintViolationException")
        self.assertEqual(err["Reason"], "CANNOT_CLOSE_MANAGEMENT_ACCOUNT")

    def test_tags_on_roots_units_accounts_and_policies(self):
        ou = self.org.create_organizational_unit(ParentId=self.root_id, Name="Tagged",
                                                 Tags=[{"Key": "team", "Value": "red"}])["OrganizationalUnit"]["Id"]
        self.assertEqual(self.org.list_tags_for_resource(ResourceId=ou)["Tags"], [{"Key": "team", "Value": "red"}])
        for resource in (self.root_id, ou, self.server.root["AccountId"]):
            self.org.tag_resource(ResourceId=resource, Tags=[{"Key": "cost", "Value": "1"}, {"Key": "team", "Value": "blue"}])
            tags = self.org.list_tags_for_resource(ResourceId=resource)["Tags"]
            self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags), [("cost", "1"), ("team", "blue")])
            self.org.untag_resource(ResourceId=resource, TagKeys=["cost"])
            self.assertEqual(self.org.list_tags_for_resource(ResourceId=resource)["Tags"], [{"Key": "team", "Value": "blue"}])
        self.assertEqual(self.error(self.org.tag_resource, ResourceId="ou-zzzz-zzzzzzzz", Tags=[{"Key": "a", "Value": "b"}])["Code"],
                         "TargetNotFoundException")
        err = self.error(self.org.tag_resource, ResourceId=ou, Tags=[{"Key": "aws:x", "Value": "b"}])
        self.assertEqual(err["Code"], "InvalidInputException")

    def test_delegated_administrators(self):
        admin_id = self.new_member("secadmin")
        sp = "guardduty.amazonaws.com"
        self.org.register_delegated_administrator(AccountId=admin_id, ServicePrincipal=sp)
        self.assertEqual(self.error(self.org.register_delegated_administrator, AccountId=admin_id, ServicePrincipal=sp)["Code"],
                         "AccountAlreadyRegisteredException")
        err = self.error(self.org.register_delegated_administrator, AccountId=self.server.root["AccountId"], ServicePrincipal=sp)
        self.assertEqual(err["Code"], "ConstraintViolationException")
        admins = self.org.list_delegated_administrators(ServicePrincipal=sp)["DelegatedAdministrators"]
        self.assertEqual([a["Id"] for a in admins], [admin_id])
        self.assertIn("DelegationEnabledDate", admins[0])
        services = self.org.list_delegated_services_for_account(AccountId=admin_id)["DelegatedServices"]
        self.assertEqual([s["ServicePrincipal"] for s in services], [sp])

        # A delegated administrator may read the organization.
        admin = self.client_of(admin_id)
        self.assertIn(admin_id, [a["Id"] for a in admin.list_accounts()["Accounts"]])
        self.assertEqual(self.error(admin.create_organizational_unit, ParentId=self.root_id, Name="Nope")["Code"],
                         "AccessDeniedException")

        err = self.error(self.org.remove_account_from_organization, AccountId=admin_id)
        self.assertEqual(err["Code"], "ConstraintViolationException")
        self.org.deregister_delegated_administrator(AccountId=admin_id, ServicePrincipal=sp)
        self.assertEqual(self.error(self.org.deregister_delegated_administrator, AccountId=admin_id, ServicePrincipal=sp)["Code"],
                         "AccountNotRegisteredException")
        self.assertEqual(self.org.list_delegated_administrators()["DelegatedAdministrators"], [])


if __name__ == "__main__":
    unittest.main()
