"""The console's live dashboard page, driven as people use it: in Debian's Chromium, headless.

A shop team publishes order counts, puts a dashboard with a graph and an alarm widget, and gives
an analyst a console password. The analyst opens the dashboard's stable address, is sent to sign
in, signs in with the account alias, user name and password, and sees the graph of exactly the
points that were put in, which moves as new points arrive; a screenshot is kept under
build/test-artifacts/. A user with an MFA device signs in with its code. Every sign-in is a
ConsoleLogin event (failures too, and the root user's by email); pages and data calls are decided
by the user's own policies; the session cookie is HttpOnly and SameSite=Strict; a POST without the
session's CSRF token, a page without a session and a user without cloudwatch:GetDashboard are
refused; repeated wrong passwords are throttled."""
import datetime
import http.client
import json
import os
import re
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import botocore.exceptions

import headless_chromium
from citadel_harness import CITADEL, CitadelTestCase, IamFixtures, Server, fresh_totp_step, totp

ROOT_EMAIL = "owner@shop.example"
ROOT_PASSWORD = "Root-Passw0rd-for-tests"
ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(CITADEL)), "test-artifacts")
VIEWER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["cloudwatch:GetDashboard", "cloudwatch:ListDashboards", "cloudwatch:GetMetricData",
                                   "cloudwatch:DescribeAlarms"], "Resource": "*"}]}


def password_file(password):
    f = tempfile.NamedTemporaryFile("w", suffix=".pw", delete=False)
    f.write(password + "\n")
    f.close()
    return f.name


class ConsoleClient:
    """The console over plain HTTP (no browser), one cookie jar, redirects not followed."""

    def __init__(self, server):
        self.port = server.port
        self.tls = server.scheme == "https"
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        if self.tls:
            import ssl
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        text = res.read().decode()
        for name, value in res.getheaders():
            if name.lower() == "set-cookie":
                k, v = value.split(";", 1)[0].split("=", 1)
                if "Max-Age=0" in value:
                    self.cookies.pop(k, None)
                else:
                    self.cookies[k] = v
        conn.close()
        return res.status, dict((k.lower(), v) for k, v in res.getheaders()), text, res.getheaders()

    def signin_form(self, redirect=None):
        path = "/_citadel/signin" + (f"?redirect={urllib.parse.quote(redirect)}" if redirect else "")
        status, headers, text, _ = self.request("GET", path)
        assert status == 200, text
        return re.search(r'name="csrf" value="([^"]+)"', text).group(1)

    def sign_in(self, redirect=None, **fields):
        token = self.signin_form(redirect)
        form = {"csrf": token, "redirect": redirect or "", **fields}
        return self.request("POST", "/_citadel/signin", form)

    def csrf(self, path="/_citadel/dashboards"):
        status, headers, text, _ = self.request("GET", path)
        return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


class DashboardConsole(IamFixtures, CitadelTestCase):
    server_args = ("--email", ROOT_EMAIL, "--password-file", password_file(ROOT_PASSWORD))

    @classmethod
    def setUpClass(cls):
        if not headless_chromium.available():
            raise unittest.SkipTest("chromium and chromium-driver are not installed (scripts/setup.sh installs them)")
        super().setUpClass()
        cls.iam = cls.server.client("iam")
        cls.cw = cls.server.client("cloudwatch")
        cls.account = cls.server.root["AccountId"]
        cls.iam.create_account_alias(AccountAlias="shop-team")
        cls.browser = headless_chromium.Browser()

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "browser", None):
            cls.browser.close()
        super().tearDownClass()

    def setUp(self):
        self.browser.delete_cookies()

    # Fixtures ----------------------------------------------------------------------------------
    def user_with_password(self, name, password, policy=VIEWER_POLICY):
        self.make_user(name)
        self.iam.create_login_profile(UserName=name, Password=password)
        if policy:
            self.iam.put_user_policy(UserName=name, PolicyName="console", PolicyDocument=json.dumps(policy))

    def orders_dashboard(self, name, values):
        """Order counts, one a minute over the last len(values) minutes, and a dashboard that graphs them."""
        start = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0) - datetime.timedelta(
            minutes=len(values))
        dims = [{"Name": "Service", "Value": name}]
        self.cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Dimensions": dims, "Timestamp": start + datetime.timedelta(minutes=i), "Value": v}
            for i, v in enumerate(values)])
        self.cw.put_metric_alarm(AlarmName=f"{name}-orders-high", Namespace="Shop", MetricName="Orders", Dimensions=dims,
                                 Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=100,
                                 ComparisonOperator="GreaterThanThreshold")
        alarm_arn = f"arn:aws:cloudwatch:us-east-1:{self.account}:alarm:{name}-orders-high"
        self.cw.put_dashboard(DashboardName=name, DashboardBody=json.dumps({"start": "-PT1H", "widgets": [
            {"type": "text", "x": 0, "y": 0, "width": 24, "height": 1, "properties": {"markdown": "Orders, live"}},
            {"type": "metric", "x": 0, "y": 1, "width": 16, "height": 8, "properties": {
                "metrics": [["Shop", "Orders", "Service", name, {"stat": "Sum", "label": "orders", "id": "orders"}]],
                "period": 60, "region": "us-east-1", "title": "Orders per minute", "view": "timeSeries"}},
            {"type": "alarm", "x": 16, "y": 1, "width": 8, "height": 8,
             "properties": {"alarms": [alarm_arn], "title": "Order alarms"}}]}))
        return int(start.timestamp())

    def console_logins(self, username=None):
        ct = self.server.client("cloudtrail")
        attrs = [{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}]
        events = [json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events(LookupAttributes=attrs, MaxResults=50)["Events"]]
        return [e for e in events if username is None or e["userIdentity"].get("userName") == username]

    def sign_in_in_browser(self, account, user, password, mfa=None):
        b = self.browser
        b.type("#iam-account", account)
        b.type("#iam-username", user)
        b.type("#iam-password", password)
        if mfa:
            b.type("#iam-mfa", mfa)
        b.click("#iam-signin")

    def series_of(self, widget):
        js = "const e = document.getElementById(arguments[0]); return e && e.dataset.state === 'ready' && e.dataset.series;"
        return json.loads(self.browser.wait_for(js, widget))

    # The story ---------------------------------------------------------------------------------
    def test_analyst_signs_in_and_sees_the_points_put_in_live(self):
        self.user_with_password("analyst", "Analyst-Passw0rd!")
        values = [3, 7, 4, 9, 6]
        start = self.orders_dashboard("checkout", values)
        b = self.browser
        page = f"{self.server.endpoint}/_citadel/dashboards/checkout"
        b.get(page)
        # No session: the sign-in page, which leads back to the dashboard.
        self.assertTrue(b.url.startswith(f"{self.server.endpoint}/_citadel/signin?redirect="), b.url)
        self.sign_in_in_browser("shop-team", "analyst", "Analyst-Passw0rd!")
        b.wait_for("return location.pathname === '/_citadel/dashboards/checkout'")
        self.assertEqual(b.script("return document.getElementById('signed-in-as').textContent"),
                         f"arn:aws:iam::{self.account}:user/analyst")

        series = self.series_of("widget-1")
        self.assertEqual([s["label"] for s in series], ["orders"])
        self.assertEqual(series[0]["timestamps"], [start + 60 * i for i in range(len(values))])
        self.assertEqual(series[0]["values"], values)
        # uPlot drew it: a canvas in the widget, and the legend names the series.
        self.assertTrue(b.script("return !!document.querySelector('#widget-1 canvas')"))
        self.assertIn("orders", b.script("return document.querySelector('#widget-1 .u-legend').textContent"))
        alarms = json.loads(b.wait_for("const e = document.getElementById('widget-2');"
                                       "return e.dataset.state === 'ready' && e.dataset.alarms"))
        self.assertEqual([a["name"] for a in alarms], ["checkout-orders-high"])
        self.assertIn(alarms[0]["state"], ("OK", "ALARM", "INSUFFICIENT_DATA"))
        os.makedirs(ARTIFACTS, exist_ok=True)
        png = b.screenshot(os.path.join(ARTIFACTS, "dashboard-console.png"))
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")

        # The session cookie: HttpOnly, SameSite=Strict, scoped to the console (Secure needs TLS).
        session = next(c for c in b.cookies() if c["name"] == "citadel-session")
        self.assertTrue(session["httpOnly"])
        self.assertEqual(session["sameSite"], "Strict")
        self.assertEqual(session["path"], "/_citadel/")
        self.assertFalse(b.script("return document.cookie.includes('citadel-session')"))

        # Live: a new point shows up at the next refresh without reloading the page.
        refreshes = int(b.script("return document.getElementById('dashboard-status').dataset.refreshes"))
        now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
        self.cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Dimensions": [{"Name": "Service", "Value": "checkout"}], "Timestamp": now, "Value": 42}])
        b.wait_for("return +document.getElementById('dashboard-status').dataset.refreshes > arguments[0]", refreshes,
                   timeout=30)
        self.assertEqual(self.series_of("widget-1")[0]["values"][-1], 42)
        b.screenshot(os.path.join(ARTIFACTS, "dashboard-console-refreshed.png"))

        # The sign-in is in the trail, and the page's data calls were the analyst's own calls.
        login = self.console_logins("analyst")[0]
        self.assertEqual(login["eventSource"], "signin.amazonaws.com")
        self.assertEqual(login["eventType"], "AwsConsoleSignIn")
        self.assertEqual(login["responseElements"], {"ConsoleLogin": "Success"})
        self.assertEqual(login["additionalEventData"]["MFAUsed"], "No")
        self.assertEqual(login["additionalEventData"]["MobileVersion"], "No")
        self.assertTrue(login["additionalEventData"]["LoginTo"].endswith("/_citadel/dashboards/checkout"))
        self.assertEqual(login["userIdentity"]["arn"], f"arn:aws:iam::{self.account}:user/analyst")
        self.assertEqual(login["recipientAccountId"], self.account)
        self.assertNotIn("errorMessage", login)
        ct = self.server.client("cloudtrail")
        calls = [json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events(LookupAttributes=[
            {"AttributeKey": "Username", "AttributeValue": "analyst"}], MaxResults=50)["Events"]]
        data_call = next(e for e in calls if e["eventName"] == "GetMetricData")
        self.assertEqual(data_call["userIdentity"]["arn"], f"arn:aws:iam::{self.account}:user/analyst")
        self.assertTrue(data_call["userIdentity"]["accessKeyId"].startswith("ASIA"))
        self.assertIn("Chrome", data_call["userAgent"])

        # Signing out ends the session: the page asks to sign in again.
        b.click("#signout")
        b.wait_for("return location.pathname === '/_citadel/signin'")
        b.get(page)
        self.assertTrue(b.url.startswith(f"{self.server.endpoint}/_citadel/signin"), b.url)

    def test_user_with_mfa_signs_in_with_its_code(self):
        policy = {"Version": "2012-10-17", "Statement": [{**VIEWER_POLICY["Statement"][0],
                                                          "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
        self.user_with_password("oncall", "Oncall-Passw0rd!", policy)
        device = self.iam.create_virtual_mfa_device(VirtualMFADeviceName="oncall-phone")["VirtualMFADevice"]
        seed, serial = device["Base32StringSeed"].decode(), device["SerialNumber"]
        step = fresh_totp_step(margin=8)
        self.iam.enable_mfa_device(UserName="oncall", SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
        self.orders_dashboard("payments", [1, 2, 3])
        b = self.browser
        b.get(f"{self.server.endpoint}/_citadel/signin?redirect=/_citadel/dashboards/payments")
        # Without the code: refused.
        self.sign_in_in_browser(self.account, "oncall", "Oncall-Passw0rd!")
        self.assertIn("MFA", b.wait_for("const m = document.getElementById('signin-message'); return m && m.textContent"))
        # A code already used to enable the device is never accepted again.
        self.sign_in_in_browser(self.account, "oncall", "Oncall-Passw0rd!", totp(seed, step))
        b.wait_for("return document.getElementById('signin-message')")
        self.assertTrue(b.url.endswith("/_citadel/signin"), b.url)
        # The next step's code is within the ±1 step window, and newer than any accepted.
        self.sign_in_in_browser(self.account, "oncall", "Oncall-Passw0rd!", totp(seed, step + 1))
        b.wait_for("return location.pathname === '/_citadel/dashboards/payments'")
        self.assertEqual(self.series_of("widget-1")[0]["values"], [1, 2, 3])
        logins = self.console_logins("oncall")
        self.assertEqual([e["responseElements"]["ConsoleLogin"] for e in logins], ["Success", "Failure", "Failure"])
        self.assertTrue(all(e["additionalEventData"]["MFAUsed"] == "Yes" for e in logins))
        self.assertEqual(logins[0]["additionalEventData"]["MFAIdentifier"], serial)
        self.assertEqual(logins[1]["errorMessage"], "Failed authentication")

    def test_wrong_password_and_unknown_user_are_failure_events(self):
        self.user_with_password("clerk", "Clerk-Passw0rd!")
        c = ConsoleClient(self.server)
        status, headers, text, _ = c.sign_in(kind="iam", account="shop-team", username="clerk", password="wrong-password")
        self.assertEqual(status, 401)
        self.assertIn("Your authentication information is incorrect", text)
        self.assertNotIn("citadel-session", c.cookies)
        failure = self.console_logins("clerk")[0]
        self.assertEqual(failure["responseElements"], {"ConsoleLogin": "Failure"})
        self.assertEqual(failure["errorMessage"], "Failed authentication")
        self.assertEqual(failure["eventType"], "AwsConsoleSignIn")
        self.assertEqual(failure["userIdentity"]["accessKeyId"], "")
        self.assertNotIn("arn", failure["userIdentity"])
        # A name that is no user of the account is not written into the trail.
        c.sign_in(kind="iam", account=self.account, username="Clerk-Passw0rd!", password="Clerk-Passw0rd!")
        hidden = self.console_logins("HIDDEN_DUE_TO_SECURITY_REASONS")
        self.assertEqual(hidden[0]["responseElements"], {"ConsoleLogin": "Failure"})
        self.assertNotIn("Clerk-Passw0rd!", json.dumps(self.console_logins()))
        # An account nobody has: no trail to record it in, the same answer.
        status, _, text, _ = c.sign_in(kind="iam", account="999999999999", username="clerk", password="x")
        self.assertEqual(status, 401)
        # The right password works.
        status, headers, _, _ = c.sign_in(kind="iam", account="shop-team", username="CLERK", password="Clerk-Passw0rd!")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/_citadel/dashboards")
        self.assertIn("citadel-session", c.cookies)

    def test_root_user_signs_in_with_its_email(self):
        c = ConsoleClient(self.server)
        status, _, _, _ = c.sign_in(kind="root", email=ROOT_EMAIL.upper(), password="not-it")
        self.assertEqual(status, 401)
        status, headers, _, raw = c.sign_in(kind="root", email=ROOT_EMAIL, password=ROOT_PASSWORD,
                                            redirect="/_citadel/dashboards")
        self.assertEqual(status, 303)
        cookie = next(v for k, v in raw if k.lower() == "set-cookie" and v.startswith("citadel-session="))
        for attribute in ("HttpOnly", "SameSite=Strict", "Path=/_citadel/", "Max-Age=43200"):
            self.assertIn(attribute, cookie)
        status, _, text, _ = c.request("GET", "/_citadel/dashboards")
        self.assertEqual(status, 200)
        self.assertIn(f"arn:aws:iam::{self.account}:root", text)
        roots = [e for e in self.console_logins() if e["userIdentity"]["type"] == "Root"]
        self.assertEqual([e["responseElements"]["ConsoleLogin"] for e in roots[:2]], ["Success", "Failure"])
        self.assertEqual(roots[0]["userIdentity"]["arn"], f"arn:aws:iam::{self.account}:root")

    def test_credential_report_knows_when_passwords_were_last_used(self):
        # The only test that makes the report: IAM serves the same report for four hours.
        self.user_with_password("reporter", "Reporter-Passw0rd!")
        self.user_with_password("never-signed-in", "Never-Passw0rd!")
        self.assertEqual(ConsoleClient(self.server).sign_in(kind="iam", account="shop-team", username="reporter",
                                                            password="Reporter-Passw0rd!")[0], 303)
        self.assertEqual(ConsoleClient(self.server).sign_in(kind="root", email=ROOT_EMAIL, password=ROOT_PASSWORD)[0], 303)
        self.iam.generate_credential_report()
        rows = {r.split(",")[0]: r.split(",") for r in self.iam.get_credential_report()["Content"].decode().splitlines()}
        self.assertRegex(rows["reporter"][4], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertEqual(rows["never-signed-in"][4], "no_information")
        self.assertRegex(rows["<root_account>"][4], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(rows["<root_account>"][3], "not_supported")

    def test_no_session_is_sent_to_sign_in(self):
        c = ConsoleClient(self.server)
        status, headers, _, _ = c.request("GET", "/_citadel/dashboards/checkout?x=1")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/_citadel/signin?redirect=%2F_citadel%2Fdashboards%2Fcheckout%3Fx%3D1")
        status, _, body, _ = c.request("POST", "/_citadel/api/cloudwatch/GetMetricData", "{}",
                                       {"X-Citadel-CSRF": "anything"})
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["__type"], "NotSignedIn")
        # A forged session id is no session.
        c.cookies["citadel-session"] = "A" * 43
        status, _, _, _ = c.request("GET", "/_citadel/dashboards")
        self.assertEqual(status, 303)
        # Sign-in never sends the browser to another site.
        for target in ("https://evil.example/", "//evil.example", "/_citadel//evil.example", "/_citadel/../x"):
            text = c.request("GET", "/_citadel/signin?redirect=" + urllib.parse.quote(target))[2]
            self.assertIn('name="redirect" value="/_citadel/dashboards"', text)

    def test_user_without_get_dashboard_gets_a_403_page(self):
        self.user_with_password("intern", "Intern-Passw0rd!", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "cloudwatch:GetDashboard", "Resource":
             f"arn:aws:cloudwatch::{self.account}:dashboard/public-*"}]})
        self.orders_dashboard("restricted", [5])
        c = ConsoleClient(self.server)
        status, _, _, _ = c.sign_in(kind="iam", account="shop-team", username="intern", password="Intern-Passw0rd!")
        self.assertEqual(status, 303)
        status, _, text, _ = c.request("GET", "/_citadel/dashboards/restricted")
        self.assertEqual(status, 403)
        self.assertIn(f"User: arn:aws:iam::{self.account}:user/intern is not authorized to perform: cloudwatch:GetDashboard "
                      f"on resource: arn:aws:cloudwatch::{self.account}:dashboard/restricted", text.replace("&#39;", "'"))
        # The data endpoint decides the same way, in AWS's JSON error shape.
        csrf = c.csrf("/_citadel/dashboards/restricted")
        status, _, body, _ = c.request("POST", "/_citadel/api/cloudwatch/GetMetricData", json.dumps(
            {"MetricDataQueries": [], "StartTime": 0, "EndTime": 1}), {"X-Citadel-CSRF": csrf})
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["__type"], "AccessDenied")
        self.assertEqual(self.console_logins("intern")[0]["responseElements"], {"ConsoleLogin": "Success"})
        # In the browser: the 403 page.
        b = self.browser
        b.get(f"{self.server.endpoint}/_citadel/dashboards/restricted")
        self.sign_in_in_browser("shop-team", "intern", "Intern-Passw0rd!")
        text = b.wait_for("const e = document.getElementById('error-message'); return e && e.textContent")
        self.assertIn("cloudwatch:GetDashboard", text)
        b.screenshot(os.path.join(ARTIFACTS, "dashboard-console-403.png"))

    def test_posts_without_the_csrf_token_are_refused(self):
        self.user_with_password("auditor", "Auditor-Passw0rd!")
        c = ConsoleClient(self.server)
        c.sign_in(kind="iam", account="shop-team", username="auditor", password="Auditor-Passw0rd!")
        query = json.dumps({"AlarmNames": []})
        status, _, body, _ = c.request("POST", "/_citadel/api/cloudwatch/DescribeAlarms", query)
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["__type"], "InvalidCsrfToken")
        status, _, _, _ = c.request("POST", "/_citadel/api/cloudwatch/DescribeAlarms", query, {"X-Citadel-CSRF": "forged"})
        self.assertEqual(status, 403)
        csrf = c.csrf()
        status, _, body, _ = c.request("POST", "/_citadel/api/cloudwatch/DescribeAlarms", query, {"X-Citadel-CSRF": csrf})
        self.assertEqual(status, 200, body)
        self.assertIn("MetricAlarms", json.loads(body))
        # Right token, another site's page: refused.
        status, _, _, _ = c.request("POST", "/_citadel/api/cloudwatch/DescribeAlarms", query,
                                    {"X-Citadel-CSRF": csrf, "Origin": "https://evil.example"})
        self.assertEqual(status, 403)
        # Only the reads a dashboard needs.
        status, _, _, _ = c.request("POST", "/_citadel/api/cloudwatch/PutDashboard", query, {"X-Citadel-CSRF": csrf})
        self.assertEqual(status, 404)
        # Sign-out without the token does not sign out.
        status, _, _, _ = c.request("POST", "/_citadel/signout", {"csrf": "forged"})
        self.assertEqual(status, 403)
        self.assertEqual(c.request("GET", "/_citadel/dashboards")[0], 200)
        # A sign-in form posted without the token its page carried (login CSRF).
        other = ConsoleClient(self.server)
        status, _, _, _ = other.request("POST", "/_citadel/signin", {"kind": "iam", "account": "shop-team",
                                                                     "username": "auditor", "password": "Auditor-Passw0rd!"})
        self.assertEqual(status, 403)
        self.assertNotIn("citadel-session", other.cookies)
        # With it, sign-out works and the session is gone.
        status, headers, _, _ = c.request("POST", "/_citadel/signout", {"csrf": csrf})
        self.assertEqual((status, headers["location"]), (303, "/_citadel/signin"))

    def test_repeated_failures_are_throttled(self):
        self.user_with_password("target", "Target-Passw0rd!")
        c = ConsoleClient(self.server)
        for _ in range(5):
            self.assertEqual(c.sign_in(kind="iam", account="shop-team", username="target", password="guess")[0], 401)
        status, headers, text, _ = c.sign_in(kind="iam", account="shop-team", username="target", password="Target-Passw0rd!")
        self.assertEqual(status, 429)
        self.assertIn("Too many failed sign-in attempts", text)
        self.assertGreater(int(headers["retry-after"]), 0)
        self.assertNotIn("citadel-session", c.cookies)
        outcomes = [e["responseElements"]["ConsoleLogin"] for e in self.console_logins("target")]
        self.assertEqual(outcomes, ["Failure"] * 6)
        # Another user is not locked out by them.
        self.user_with_password("bystander", "Bystander-Passw0rd!")
        self.assertEqual(c.sign_in(kind="iam", account="shop-team", username="bystander", password="Bystander-Passw0rd!")[0], 303)

    def test_assets_and_security_headers(self):
        c = ConsoleClient(self.server)
        status, headers, text, _ = c.request("GET", "/_citadel/signin")
        self.assertEqual(status, 200)
        self.assertIn("script-src 'self'", headers["content-security-policy"])
        self.assertIn("frame-ancestors 'none'", headers["content-security-policy"])
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertEqual(headers["cache-control"], "no-store")
        status, headers, text, _ = c.request("GET", "/_citadel/assets/uPlot.iife.min.js")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/javascript"))
        self.assertIn("uPlot", text)
        self.assertEqual(c.request("GET", "/_citadel/assets/../../etc/passwd")[0], 404)
        self.assertEqual(c.request("GET", "/_citadel/nothing-here")[0], 404)
        # The health check and the API are where they were.
        self.assertEqual(self.server.health()[0], 200)
        self.cw.list_dashboards()


class ConsoleOverTls(unittest.TestCase):
    """Served over TLS, every console cookie is Secure as well."""

    def test_cookies_are_secure_over_tls(self):
        s = Server()
        cert, key = os.path.join(s.data_dir, "cert.pem"), os.path.join(s.data_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        s.extra_args = ["--tls-cert", cert, "--tls-key", key, "--email", ROOT_EMAIL, "--password-file",
                        password_file(ROOT_PASSWORD)]
        s.scheme = "https"
        s.start()
        try:
            c = ConsoleClient(s)
            set_cookies = lambda raw: [v for k, v in raw if k.lower() == "set-cookie"]
            form = set_cookies(c.request("GET", "/_citadel/signin")[3])
            self.assertTrue(form and all("; Secure" in v for v in form), form)
            token = c.signin_form()
            status, _, _, raw = c.request("POST", "/_citadel/signin", {"csrf": token, "kind": "root", "email": ROOT_EMAIL,
                                                                       "password": ROOT_PASSWORD},
                                          {"Origin": f"https://127.0.0.1:{s.port}", "Host": f"127.0.0.1:{s.port}"})
            self.assertEqual(status, 303)
            session = [v for v in set_cookies(raw) if v.startswith("citadel-session=")]
            self.assertEqual(len(session), 1)
            self.assertIn("; HttpOnly; SameSite=Strict; Secure", session[0])
            self.assertEqual(c.request("GET", "/_citadel/dashboards")[0], 200)
        finally:
            s.stop()
            s.cleanup()


class RootSignInFromAdminBootstrap(unittest.TestCase):
    """`citadel admin bootstrap --email --password-file` before the first start."""

    def test_bootstrap_sets_the_root_sign_in(self):
        data = tempfile.mkdtemp(prefix="citadel-e2e-")
        weak = subprocess.run([CITADEL, "admin", "bootstrap", "--data", data, "--email", "ops@example.com",
                               "--password-file", password_file("short")], capture_output=True, text=True)
        self.assertNotEqual(weak.returncode, 0)
        self.assertIn("Password should have a minimum length of 8", weak.stderr)
        ok = subprocess.run([CITADEL, "admin", "bootstrap", "--data", data, "--email", "ops@example.com",
                             "--password-file", password_file("Ops-Passw0rd-1")], capture_output=True, text=True)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        account = json.loads(ok.stdout)["AccountId"]
        server = Server(data_dir=data).start()
        try:
            c = ConsoleClient(server)
            status, headers, _, _ = c.sign_in(kind="root", email="ops@example.com", password="Ops-Passw0rd-1")
            self.assertEqual(status, 303)
            status, _, text, _ = c.request("GET", "/_citadel/dashboards")
            self.assertIn(f"arn:aws:iam::{account}:root", text)
            # set-root-login changes it on an existing data directory.
            changed = subprocess.run([CITADEL, "admin", "set-root-login", "--data", data, "--email", "new@example.com",
                                      "--password-file", password_file("New-Passw0rd-2")], capture_output=True, text=True)
            self.assertEqual(changed.returncode, 0, changed.stderr)
            self.assertEqual(ConsoleClient(server).sign_in(kind="root", email="ops@example.com",
                                                           password="Ops-Passw0rd-1")[0], 401)
            self.assertEqual(ConsoleClient(server).sign_in(kind="root", email="new@example.com",
                                                           password="New-Passw0rd-2")[0], 303)
        finally:
            server.stop()
            import shutil
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
