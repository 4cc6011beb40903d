"""CloudWatch dashboards with real clients: a team keeps its service dashboard as code (PutDashboard
with AWS's body syntax), reads it back, lists and pages through dashboards, tags them and removes
them. Bad bodies get CloudWatch's InvalidParameterInput with every validation error; a body with
parts that will not render is stored with DashboardValidationMessages. Dashboards are global: any
region's endpoint sees the same ones. boto3 speaks JSON 1.0, Debian's aws CLI v2 the query protocol,
the machine's aws CLI v1 JSON, and a client made to prefer it RPC v2 CBOR."""
import json
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase
from test_cloudwatch_metrics_and_alarms import cbor_client


def service_dashboard(region="us-east-1", alarm_arn=None):
    widgets = [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2,
         "properties": {"markdown": "# Checkout\nMade by script: do not edit in the console."}},
        {"type": "metric", "x": 0, "y": 2, "width": 12, "height": 6,
         "properties": {"metrics": [["Shop", "Latency", "Service", "cart", {"stat": "p99", "label": "p99"}],
                                    [".", ".", ".", ".", {"stat": "Average", "color": "#2ca02c"}]],
                        "period": 60, "region": region, "title": "Cart latency", "view": "timeSeries"}},
    ]
    if alarm_arn:
        widgets.append({"type": "alarm", "x": 12, "y": 2, "width": 12, "height": 6,
                        "properties": {"alarms": [alarm_arn], "title": "Checkout alarms"}})
    return json.dumps({"start": "-PT3H", "widgets": widgets})


class Dashboards(CitadelTestCase):
    def setUp(self):
        self.cw = self.server.client("cloudwatch")
        self.account = self.server.root["AccountId"]

    def error(self, fn, code, status=400, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)

    def test_put_get_list_delete(self):
        self.cw.put_metric_alarm(AlarmName="cart-slow", Namespace="Shop", MetricName="Latency", Statistic="Average",
                                 Period=60, EvaluationPeriods=1, Threshold=500, ComparisonOperator="GreaterThanThreshold",
                                 Dimensions=[{"Name": "Service", "Value": "cart"}])
        alarm_arn = f"arn:aws:cloudwatch:us-east-1:{self.account}:alarm:cart-slow"
        body = service_dashboard(alarm_arn=alarm_arn)
        out = self.cw.put_dashboard(DashboardName="checkout", DashboardBody=body)
        self.assertCountEqual(out["DashboardValidationMessages"], [])
        got = self.cw.get_dashboard(DashboardName="checkout")
        self.assertEqual(got["DashboardName"], "checkout")
        self.assertEqual(got["DashboardArn"], f"arn:aws:cloudwatch::{self.account}:dashboard/checkout")
        self.assertEqual(got["DashboardBody"], body, "the body comes back as it was given")
        # Global: another region's endpoint sees the same dashboard.
        west = self.server.client("cloudwatch", region="eu-west-1")
        self.assertEqual(west.get_dashboard(DashboardName="checkout")["DashboardBody"], body)

        # An update replaces the whole body.
        self.cw.put_dashboard(DashboardName="checkout", DashboardBody=json.dumps({"widgets": []}))
        self.assertEqual(json.loads(self.cw.get_dashboard(DashboardName="checkout")["DashboardBody"]), {"widgets": []})

        self.cw.put_dashboard(DashboardName="checkout-canary", DashboardBody=body)
        self.cw.put_dashboard(DashboardName="payments", DashboardBody=body)
        entries = self.cw.list_dashboards(DashboardNamePrefix="checkout")["DashboardEntries"]
        self.assertEqual([e["DashboardName"] for e in entries], ["checkout", "checkout-canary"])
        canary = entries[1]
        self.assertEqual(canary["DashboardArn"], f"arn:aws:cloudwatch::{self.account}:dashboard/checkout-canary")
        self.assertEqual(canary["Size"], len(body.encode()))
        self.assertIn("LastModified", canary)
        names = [e["DashboardName"] for e in self.cw.list_dashboards()["DashboardEntries"]]
        self.assertTrue({"checkout", "checkout-canary", "payments"} <= set(names))

        # One unknown name deletes nothing.
        e = self.error(self.cw.delete_dashboards, "ResourceNotFound", 404, DashboardNames=["payments", "never-made"])
        self.assertEqual(e["Error"]["Message"], "Dashboard never-made does not exist")
        self.cw.get_dashboard(DashboardName="payments")
        self.cw.delete_dashboards(DashboardNames=["payments", "checkout-canary"])
        e = self.error(self.cw.get_dashboard, "ResourceNotFound", 404, DashboardName="payments")
        self.assertEqual(e["Error"]["Message"], "Dashboard payments does not exist")
        self.cw.delete_dashboards(DashboardNames=["checkout"])

    def test_invalid_bodies_are_refused_with_every_error(self):
        e = self.error(self.cw.put_dashboard, "InvalidParameterInput", DashboardName="broken", DashboardBody=json.dumps({
            "widgets": [{"type": "metric", "x": 24, "properties": {"metrics": [{"namespace": "Shop"}]}},
                        {"type": "chart", "properties": {}}]}))
        message = e["Error"]["Message"]
        self.assertTrue(message.startswith("The dashboard body is invalid, there are 4 validation errors:\n"), message)
        listed = json.loads(message[message.index("\n") + 1:])
        self.assertIn({"dataPath": "/widgets/0/x", "message": "Should be <= 23"}, listed)
        self.assertIn({"dataPath": "/widgets/0/properties/metrics/0", "message": "Should be array"}, listed)
        self.assertIn({"dataPath": "/widgets/1/type", "message": "Should be equal to one of the allowed values"}, listed)
        self.assertIsInstance(ctx_exception(self.cw, "put_dashboard", DashboardName="broken", DashboardBody="{}"),
                              self.cw.exceptions.DashboardInvalidInputError)
        e = self.error(self.cw.put_dashboard, "InvalidParameterInput", DashboardName="broken", DashboardBody="not json")
        self.assertEqual(e["Error"]["Message"], "The field DashboardBody must be a valid JSON object")
        e = self.error(self.cw.put_dashboard, "InvalidParameterInput", DashboardName="bad name!", DashboardBody='{"widgets":[]}')
        self.assertIn("can only contain alphanumerics, dash (-) and underscore (_)", e["Error"]["Message"])
        self.error(self.cw.put_dashboard, "InvalidParameterInput", DashboardName="x" * 256, DashboardBody='{"widgets":[]}')
        self.error(self.cw.list_dashboards, "InvalidParameterValue", DashboardNamePrefix="bad/prefix")
        self.error(self.cw.list_dashboards, "InvalidNextToken", NextToken="garbage")
        self.error(self.cw.get_dashboard, "InvalidParameterValue", DashboardName="bad name!")
        self.error(self.cw.delete_dashboards, "InvalidParameterValue", DashboardNames=[f"d{i}" for i in range(101)])
        with self.assertRaises(botocore.exceptions.ClientError):
            self.cw.get_dashboard(DashboardName="broken")

    def test_warnings_for_parts_that_will_not_render(self):
        body = json.dumps({"widgets": [
            {"type": "alarm", "properties": {"alarms": [f"arn:aws:cloudwatch:us-east-1:{self.account}:alarm:no-such-alarm"]}},
            {"type": "text", "properties": {"markdown": "hi"}, "colour": "blue"}]})
        out = self.cw.put_dashboard(DashboardName="warned", DashboardBody=body)
        self.assertCountEqual(out["DashboardValidationMessages"], [
            {"DataPath": "/widgets/0/properties/alarms/0", "Message": "The alarm no-such-alarm does not exist in us-east-1"},
            {"DataPath": "/widgets/1", "Message": "Unknown property \"colour\" is ignored"}])
        self.assertEqual(self.cw.get_dashboard(DashboardName="warned")["DashboardBody"], body)
        self.cw.delete_dashboards(DashboardNames=["warned"])

    def test_paging_by_next_token(self):
        # 1,000 a page, as CloudWatch pages them.
        names = [f"page-{i:04d}" for i in range(1003)]
        for n in names:
            self.cw.put_dashboard(DashboardName=n, DashboardBody='{"widgets":[]}')
        first = self.cw.list_dashboards(DashboardNamePrefix="page-")
        self.assertEqual(len(first["DashboardEntries"]), 1000)
        second = self.cw.list_dashboards(DashboardNamePrefix="page-", NextToken=first["NextToken"])
        self.assertEqual([e["DashboardName"] for e in second["DashboardEntries"]], names[1000:])
        self.assertNotIn("NextToken", second)
        for i in range(0, len(names), 100):
            self.cw.delete_dashboards(DashboardNames=names[i:i + 100])
        self.assertEqual(self.cw.list_dashboards(DashboardNamePrefix="page-")["DashboardEntries"], [])

    def test_tags_and_authorization_on_the_dashboard_arn(self):
        arn = f"arn:aws:cloudwatch::{self.account}:dashboard/team-board"
        self.cw.put_dashboard(DashboardName="team-board", DashboardBody='{"widgets":[]}',
                              Tags=[{"Key": "team", "Value": "shop"}])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "team", "Value": "shop"}])
        self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "tier", "Value": "1"}])
        self.cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "tier", "Value": "1"}])
        # Tags given on an update are ignored, as CloudWatch ignores them.
        self.cw.put_dashboard(DashboardName="team-board", DashboardBody='{"widgets":[]}', Tags=[{"Key": "x", "Value": "y"}])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "tier", "Value": "1"}])
        self.error(self.cw.list_tags_for_resource, "ResourceNotFoundException", 404,
                   ResourceARN=f"arn:aws:cloudwatch::{self.account}:dashboard/never-made")

        iam = self.server.client("iam")
        iam.create_user(UserName="dash-reader")
        iam.put_user_policy(UserName="dash-reader", PolicyName="read-team-board", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["cloudwatch:GetDashboard", "cloudwatch:ListDashboards"],
                 "Resource": f"arn:aws:cloudwatch::{self.account}:dashboard/team-*"}]}))
        key = iam.create_access_key(UserName="dash-reader")["AccessKey"]
        reader = self.server.client("cloudwatch", key["AccessKeyId"], key["SecretAccessKey"])
        reader.get_dashboard(DashboardName="team-board")
        self.cw.put_dashboard(DashboardName="other-board", DashboardBody='{"widgets":[]}')
        e = self.error(reader.get_dashboard, "AccessDenied", 403, DashboardName="other-board")
        self.assertIn(f"cloudwatch:GetDashboard on resource: arn:aws:cloudwatch::{self.account}:dashboard/other-board",
                      e["Error"]["Message"])
        self.error(reader.put_dashboard, "AccessDenied", 403, DashboardName="team-board", DashboardBody='{"widgets":[]}')
        # ListDashboards has no resource type: "*" is what a policy must allow.
        self.error(reader.list_dashboards, "AccessDenied", 403)
        self.cw.delete_dashboards(DashboardNames=["team-board", "other-board"])

    def test_every_wire_and_both_clis(self):
        body = service_dashboard()
        for cli in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = cli("cloudwatch", "put-dashboard", "--dashboard-name", "cli-board", "--dashboard-body", body)
            self.assertEqual(rc, 0, err)
            self.assertCountEqual(out["DashboardValidationMessages"], [])
            rc, out, err = cli("cloudwatch", "get-dashboard", "--dashboard-name", "cli-board")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["DashboardBody"], body)
            rc, out, err = cli("cloudwatch", "list-dashboards", "--dashboard-name-prefix", "cli-")
            self.assertEqual(rc, 0, err)
            self.assertEqual([e["DashboardName"] for e in out["DashboardEntries"]], ["cli-board"])
            rc, out, err = cli("cloudwatch", "put-dashboard", "--dashboard-name", "cli-bad", "--dashboard-body",
                               '{"widgets":[{"type":"text"}]}')
            self.assertNotEqual(rc, 0)
            self.assertIn("InvalidParameterInput", err)
            self.assertIn("Should have required property 'properties'", err)
            rc, out, err = cli("cloudwatch", "delete-dashboards", "--dashboard-names", "cli-board")
            self.assertEqual(rc, 0, err)
            rc, out, err = cli("cloudwatch", "get-dashboard", "--dashboard-name", "cli-board")
            self.assertNotEqual(rc, 0)
            self.assertIn("ResourceNotFound", err)
        cbor = cbor_client(self.server)
        cbor.put_dashboard(DashboardName="cbor-board", DashboardBody=body)
        self.assertEqual(cbor.get_dashboard(DashboardName="cbor-board")["DashboardBody"], body)
        self.assertEqual(cbor.list_dashboards(DashboardNamePrefix="cbor")["DashboardEntries"][0]["Size"], len(body))
        with self.assertRaises(cbor.exceptions.DashboardInvalidInputError):
            cbor.put_dashboard(DashboardName="cbor-bad", DashboardBody="[]")
        cbor.delete_dashboards(DashboardNames=["cbor-board"])

    def test_calls_are_audited(self):
        self.cw.put_dashboard(DashboardName="audited", DashboardBody='{"widgets":[]}')
        self.cw.delete_dashboards(DashboardNames=["audited"])
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "monitoring.amazonaws.com"}])["Events"]
        names = [e["EventName"] for e in events]
        self.assertIn("PutDashboard", names)
        self.assertIn("DeleteDashboards", names)
        put = json.loads(next(e for e in events if e["EventName"] == "PutDashboard")["CloudTrailEvent"])
        self.assertEqual(put["requestParameters"]["dashboardName"], "audited")


def ctx_exception(client, op, **kw):
    try:
        getattr(client, op)(**kw)
    except botocore.exceptions.ClientError as e:
        return e
    return None


if __name__ == "__main__":
    unittest.main()
