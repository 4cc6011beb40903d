"""The management account arranges its accounts in organizational units: Test and Prod under the
root, nested at most five levels deep, renamed, emptied and deleted."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class OrganizationalUnits(CitadelTestCase):
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

    def make_ou(self, parent, name):
        return self.org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]

    def test_test_and_prod_units_with_an_account_each(self):
        mgmt = self.server.root["AccountId"]
        test = self.make_ou(self.root_id, "Test")
        prod = self.make_ou(self.root_id, "Prod")
        self.assertRegex(test["Id"], r"^ou-%s-[a-z0-9]{8}$" % self.root_id[2:])
        self.assertEqual(test["Arn"], f"arn:aws:organizations::{mgmt}:ou/{self.organization['Id']}/{test['Id']}")
        self.assertEqual(self.org.describe_organizational_unit(OrganizationalUnitId=test["Id"])["OrganizationalUnit"], test)
        names = {u["Name"] for u in self.org.list_organizational_units_for_parent(ParentId=self.root_id)["OrganizationalUnits"]}
        self.assertTrue({"Test", "Prod"} <= names)

        acct = self.org.create_account(Email="t1@example.com", AccountName="t1")["CreateAccountStatus"]["AccountId"]
        self.org.move_account(AccountId=acct, SourceParentId=self.root_id, DestinationParentId=test["Id"])
        self.assertEqual(self.org.list_parents(ChildId=acct)["Parents"], [{"Id": test["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual([a["Id"] for a in self.org.list_accounts_for_parent(ParentId=test["Id"])["Accounts"]], [acct])
        self.assertEqual(self.org.list_children(ParentId=test["Id"], ChildType="ACCOUNT")["Children"],
                         [{"Id": acct, "Type": "ACCOUNT"}])

        # Moving needs the right source, and a different destination.
        self.assertEqual(self.error(self.org.move_account, AccountId=acct, SourceParentId=test["Id"],
                                    DestinationParentId=test["Id"])["Code"], "DuplicateAccountException")
        self.assertEqual(self.error(self.org.move_account, AccountId=acct, SourceParentId=prod["Id"],
                                    DestinationParentId=self.root_id)["Code"], "AccountNotFoundException")
        self.assertEqual(self.error(self.org.move_account, AccountId=acct, SourceParentId="ou-zzzz-zzzzzzzz",
                                    DestinationParentId=self.root_id)["Code"], "SourceParentNotFoundException")
        self.assertEqual(self.error(self.org.move_account, AccountId=acct, SourceParentId=test["Id"],
                                    DestinationParentId="ou-zzzz-zzzzzzzz")["Code"], "DestinationParentNotFoundException")

        # A unit with an account cannot be deleted; once moved out it can.
        self.assertEqual(self.error(self.org.delete_organizational_unit, OrganizationalUnitId=test["Id"])["Code"],
                         "OrganizationalUnitNotEmptyException")
        self.org.move_account(AccountId=acct, SourceParentId=test["Id"], DestinationParentId=prod["Id"])
        self.org.delete_organizational_unit(OrganizationalUnitId=test["Id"])
        self.assertEqual(self.error(self.org.describe_organizational_unit, OrganizationalUnitId=test["Id"])["Code"],
                         "OrganizationalUnitNotFoundException")

    def test_names_are_unique_among_siblings_and_can_change(self):
        a = self.make_ou(self.root_id, "Sales")
        self.assertEqual(self.error(self.org.create_organizational_unit, ParentId=self.root_id, Name="Sales")["Code"],
                         "DuplicateOrganizationalUnitException")
        self.make_ou(a["Id"], "Sales")  # same name under another parent is fine
        renamed = self.org.update_organizational_unit(OrganizationalUnitId=a["Id"], Name="Marketing")["OrganizationalUnit"]
        self.assertEqual(renamed["Name"], "Marketing")
        self.assertEqual(self.org.describe_organizational_unit(OrganizationalUnitId=a["Id"])["OrganizationalUnit"]["Name"],
                         "Marketing")
        # A unit with a child unit is not empty either.
        self.assertEqual(self.error(self.org.delete_organizational_unit, OrganizationalUnitId=a["Id"])["Code"],
                         "OrganizationalUnitNotEmptyException")

    def test_units_nest_five_levels_deep(self):
        parent = self.root_id
        chain = []
        for depth in range(1, 6):
            ou = self.make_ou(parent, f"level{depth}")
            chain.append(ou["Id"])
            parent = ou["Id"]
        err = self.error(self.org.create_organizational_unit, ParentId=parent, Name="level6")
        self.assertEqual(err["Code"], "ConstraintViolationException")
        self.assertEqual(err["Reason"], "OU_DEPTH_LIMIT_EXCEEDED")
        self.assertEqual(self.org.list_parents(ChildId=chain[-1])["Parents"],
                         [{"Id": chain[-2], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual(self.error(self.org.create_organizational_unit, ParentId="ou-zzzz-zzzzzzzz", Name="x")["Code"],
                         "ParentNotFoundException")

    def test_the_cli_creates_and_lists_units(self):
        for cli, name in ((self.server.aws_v1, "CliOne"), (self.server.aws_v2, "CliTwo")):
            with self.subTest(cli=cli.__name__):
                rc, out, err = cli("organizations", "create-organizational-unit", "--parent-id", self.root_id, "--name", name)
                self.assertEqual(rc, 0, err)
                ou_id = out["OrganizationalUnit"]["Id"]
                rc, out, err = cli("organizations", "list-organizational-units-for-parent", "--parent-id", self.root_id)
                self.assertEqual(rc, 0, err)
                self.assertIn(ou_id, [u["Id"] for u in out["OrganizationalUnits"]])
                rc, out, err = cli("organizations", "delete-organizational-unit", "--organizational-unit-id", ou_id)
                self.assertEqual(rc, 0, err)

    def test_unit_changes_are_in_the_audit_trail(self):
        ou = self.make_ou(self.root_id, "Audited")
        trail = self.server.client("cloudtrail")
        events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                         "AttributeValue": "CreateOrganizationalUnit"}])["Events"]
        self.assertTrue(events)
        record = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(record["eventSource"], "organizations.amazonaws.com")
        self.assertEqual(record["requestParameters"], {"parentId": self.root_id, "name": "Audited"})
        self.assertEqual(record["responseElements"]["organizationalUnit"]["id"], ou["Id"])
        self.assertEqual(events[0]["EventSource"], "organizations.amazonaws.com")
        self.assertEqual(events[0]["ReadOnly"], "false")


if __name__ == "__main__":
    unittest.main()
