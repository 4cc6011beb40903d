"""The management account's root user creates an organization, sees its root and accounts, creates
member accounts, and deletes the organization once it has no members."""
import re
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class OrganizationLifecycle(CitadelTestCase):
    def setUp(self):
        self.org = self.server.client("organizations")

    def error(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return ctx.exception.response

    def test_create_describe_and_delete_an_organization(self):
        account = self.server.root["AccountId"]
        err = self.error(self.org.describe_organization)
        self.assertEqual(err["Error"]["Code"], "AWSOrganizationsNotInUseException")
        self.assertEqual(err["Error"]["Message"], "Your account is not a member of an organization.")
        self.assertEqual(self.error(self.org.list_roots)["Error"]["Code"], "AWSOrganizationsNotInUseException")

        org = self.org.create_organization(FeatureSet="ALL")["Organization"]
        self.assertRegex(org["Id"], r"^o-[a-z0-9]{10}$")
        self.assertEqual(org["Arn"], f"arn:aws:organizations::{account}:organization/{org['Id']}")
        self.assertEqual(org["FeatureSet"], "ALL")
        self.assertEqual(org["MasterAccountId"], account)
        self.assertEqual(org["MasterAccountArn"], f"arn:aws:organizations::{account}:account/{org['Id']}/{account}")
        self.assertEqual(self.org.describe_organization()["Organization"], org)

        err = self.error(self.org.create_organization)
        self.assertEqual(err["Error"]["Code"], "AlreadyInOrganizationException")

        roots = self.org.list_roots()["Roots"]
        self.assertEqual(len(roots), 1)
        root = roots[0]
        self.assertRegex(root["Id"], r"^r-[a-z0-9]{4}$")
        self.assertEqual(root["Arn"], f"arn:aws:organizations::{account}:root/{org['Id']}/{root['Id']}")
        self.assertEqual(root["Name"], "Root")
        self.assertEqual(root["PolicyTypes"], [])

        accounts = self.org.list_accounts()["Accounts"]
        self.assertEqual([a["Id"] for a in accounts], [account])
        self.assertEqual(accounts[0]["Status"], "ACTIVE")
        self.assertEqual(self.org.describe_account(AccountId=account)["Account"], accounts[0])
        self.assertEqual(self.org.list_parents(ChildId=account)["Parents"], [{"Id": root["Id"], "Type": "ROOT"}])
        self.assertEqual(self.org.list_children(ParentId=root["Id"], ChildType="ACCOUNT")["Children"],
                         [{"Id": account, "Type": "ACCOUNT"}])

        # A member account blocks deletion until it is removed.
        status = self.org.create_account(Email="blocker@example.com", AccountName="blocker")["CreateAccountStatus"]
        err = self.error(self.org.delete_organization)
        self.assertEqual(err["Error"]["Code"], "OrganizationNotEmptyException")
        self.org.remove_account_from_organization(AccountId=status["AccountId"])
        self.org.delete_organization()
        self.assertEqual(self.error(self.org.describe_organization)["Error"]["Code"], "AWSOrganizationsNotInUseException")

        # Consolidated billing only: no policy types can be enabled.
        org = self.org.create_organization(FeatureSet="CONSOLIDATED_BILLING")["Organization"]
        self.assertEqual(org["FeatureSet"], "CONSOLIDATED_BILLING")
        root_id = self.org.list_roots()["Roots"][0]["Id"]
        err = self.error(self.org.enable_policy_type, RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
        self.assertEqual(err["Error"]["Code"], "PolicyTypeNotAvailableForOrganizationException")
        self.org.delete_organization()


class MemberAccounts(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.server.client("organizations")
        cls.organization = cls.org.create_organization()["Organization"]
        cls.root_id = cls.org.list_roots()["Roots"][0]["Id"]

    def test_create_account_succeeds_at_once_and_lands_under_the_root(self):
        mgmt = self.server.root["AccountId"]
        status = self.org.create_account(Email="dev@example.com", AccountName="dev",
                                         Tags=[{"Key": "env", "Value": "dev"}])["CreateAccountStatus"]
        self.assertRegex(status["Id"], r"^car-[0-9a-f]{32}$")
        self.assertEqual(status["State"], "SUCCEEDED")
        self.assertEqual(status["AccountName"], "dev")
        new_id = status["AccountId"]
        self.assertRegex(new_id, r"^[1-9][0-9]{11}$")
        self.assertEqual(self.org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"],
                         status)
        ids = [s["Id"] for s in self.org.list_create_account_status(States=["SUCCEEDED"])["CreateAccountStatuses"]]
        self.assertIn(status["Id"], ids)

        acct = self.org.describe_account(AccountId=new_id)["Account"]
        self.assertEqual(acct["Arn"], f"arn:aws:organizations::{mgmt}:account/{self.organization['Id']}/{new_id}")
        self.assertEqual((acct["Email"], acct["Name"], acct["JoinedMethod"], acct["Status"]),
                         ("dev@example.com", "dev", "CREATED", "ACTIVE"))
        self.assertEqual(self.org.list_parents(ChildId=new_id)["Parents"], [{"Id": self.root_id, "Type": "ROOT"}])
        under_root = [a["Id"] for a in self.org.list_accounts_for_parent(ParentId=self.root_id)["Accounts"]]
        self.assertIn(new_id, under_root)
        self.assertEqual(self.org.list_tags_for_resource(ResourceId=new_id)["Tags"], [{"Key": "env", "Value": "dev"}])

    def test_an_email_already_in_use_fails_the_request_not_the_call(self):
        self.org.create_account(Email="taken@example.com", AccountName="first")
        status = self.org.create_account(Email="taken@example.com", AccountName="second")["CreateAccountStatus"]
        self.assertEqual(status["State"], "FAILED")
        self.assertEqual(status["FailureReason"], "EMAIL_ALREADY_EXISTS")
        self.assertNotIn("AccountId", status)

    def test_a_malformed_email_is_invalid_input(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.org.create_account(Email="no-domain@example", AccountName="bad")
        err = self.assertAwsError(ctx, "InvalidInputException", 400)
        self.assertEqual(err["Reason"], "INVALID_EMAIL_ADDRESS_TARGET")  # a modeled member of the error

    def test_unknown_ids_answer_not_found(self):
        for fn, kw, code in [
            (self.org.describe_account, {"AccountId": "111122223333"}, "AccountNotFoundException"),
            (self.org.list_parents, {"ChildId": "111122223333"}, "ChildNotFoundException"),
            (self.org.list_children, {"ParentId": "r-zzzz", "ChildType": "ACCOUNT"}, "ParentNotFoundException"),
            (self.org.describe_create_account_status, {"CreateAccountRequestId": "car-" + "0" * 32},
             "CreateAccountStatusNotFoundException"),
        ]:
            with self.subTest(code=code):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    fn(**kw)
                self.assertAwsError(ctx, code, 400)

    def test_list_accounts_pages_with_next_token(self):
        for i in range(3):
            self.org.create_account(Email=f"pager{i}@example.com", AccountName=f"pager{i}")
        seen, token = [], None
        while True:
            kw = {"MaxResults": 2}
            if token:
                kw["NextToken"] = token
            page = self.org.list_accounts(**kw)
            self.assertLessEqual(len(page["Accounts"]), 2)
            seen += [a["Id"] for a in page["Accounts"]]
            token = page.get("NextToken")
            if not token:
                break
        everything = [a["Id"] for p in self.org.get_paginator("list_accounts").paginate() for a in p["Accounts"]]
        self.assertEqual(seen, everything)
        self.assertEqual(len(set(seen)), len(seen))
        self.assertGreaterEqual(len(seen), 4)

    def test_both_clis_read_the_organization(self):
        for cli in (self.server.aws_v1, self.server.aws_v2):
            with self.subTest(cli=cli.__name__):
                rc, out, err = cli("organizations", "describe-organization")
                self.assertEqual(rc, 0, err)
                self.assertEqual(out["Organization"]["Id"], self.organization["Id"])
                rc, out, err = cli("organizations", "list-roots")
                self.assertEqual(rc, 0, err)
                self.assertEqual(out["Roots"][0]["Id"], self.root_id)
                rc, out, err = cli("organizations", "create-account", "--email", f"{cli.__name__}@example.com",
                                   "--account-name", cli.__name__)
                self.assertEqual(rc, 0, err)
                self.assertEqual(out["CreateAccountStatus"]["State"], "SUCCEEDED")
                rc, out, err = cli("organizations", "list-accounts")
                self.assertEqual(rc, 0, err)
                self.assertIn(f"{cli.__name__}@example.com", [a["Email"] for a in out["Accounts"]])
                rc, out, err = cli("organizations", "create-organization")
                self.assertNotEqual(rc, 0)
                self.assertIn("AlreadyInOrganizationException", err)


if __name__ == "__main__":
    unittest.main()
