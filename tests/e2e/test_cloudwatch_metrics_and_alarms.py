"""CloudWatch metrics and alarms with real clients: boto3 and the machine's aws CLI v1 speak JSON 1.0
in query-compatible mode (botocore ranks "json" above "smithy-rpc-v2-cbor" in the model's
protocols), a botocore client made to prefer RPC v2 CBOR speaks that, Debian's aws CLI v2 speaks
the query protocol, and all of them see the same metrics. A team
publishes latency and CPU figures, reads statistics and metric math back, and sets alarms; an idle
development instance is stopped by its alarm. Bad input gets CloudWatch's errors on every wire."""
import datetime
import json
import os
import shutil
import signal
import tempfile
import time
import unittest

import botocore.exceptions
import botocore.session
from botocore.config import Config

from citadel_harness import CitadelTestCase, Server

AL2023 = "ami-01816d07b1128cd2d"


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def cbor_client(server):
    """A real botocore CloudWatch client whose model lists only RPC v2 CBOR, the protocol the Java and
    Go SDKs pick: botocore's serializer and parser for it, unchanged."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
    data = tempfile.mkdtemp(prefix="citadel-cbor-model-")
    os.makedirs(os.path.join(data, "cloudwatch", "2010-08-01"))
    with open(os.path.join(data, "cloudwatch", "2010-08-01", "service-2.json"), "w") as f:
        json.dump(model, f)
    loader.search_paths.insert(0, data)
    client = session.create_client("cloudwatch", endpoint_url=server.endpoint, region_name="us-east-1",
                                   aws_access_key_id=server.root["AccessKeyId"],
                                   aws_secret_access_key=server.root["SecretAccessKey"],
                                   config=Config(retries={"max_attempts": 1}))
    shutil.rmtree(data)
    return client


class CloudWatch(CitadelTestCase):
    # Alarms are evaluated twice a second so that the story below takes seconds, not minutes.
    server_args = ("--alarm-evaluation-interval", "0.5")

    def setUp(self):
        self.cw = self.server.client("cloudwatch")
        self.account = self.server.root["AccountId"]
        self.sent = []
        self.cw.meta.events.register("before-send.cloudwatch.*", self.record_request)

    def record_request(self, request, **kw):
        self.sent.append((request.url, dict(request.headers)))

    def error(self, fn, code, status=400, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kw)
        return self.assertAwsError(ctx, code, status)

    def stats(self, namespace, name, start, end, period=60, **kw):
        kw.setdefault("Statistics", ["SampleCount", "Sum", "Average", "Minimum", "Maximum"])
        return self.cw.get_metric_statistics(Namespace=namespace, MetricName=name, StartTime=start, EndTime=end,
                                             Period=period, **kw)["Datapoints"]

    def test_every_wire_sees_the_same_metric(self):
        t = now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=5)
        cbor = cbor_client(self.server)
        sent = []
        cbor.meta.events.register("before-send.cloudwatch.*", lambda request, **kw: sent.append(request))
        cbor.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "cart"}], "Timestamp": t,
             "Values": [100, 200], "Counts": [1, 1], "Unit": "Milliseconds"}])
        self.assertTrue(sent[-1].url.endswith("/service/GraniteServiceVersion20100801/operation/PutMetricData"), sent[-1].url)
        self.assertEqual(sent[-1].headers.get("smithy-protocol"), b"rpc-v2-cbor")
        # boto3 as it comes: JSON 1.0 with X-Amz-Target.
        self.cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "cart"}], "Timestamp": t,
             "Value": 300, "Unit": "Milliseconds"}])
        self.assertEqual(self.sent[-1][1].get("X-Amz-Target"), b"GraniteServiceVersion20100801.PutMetricData")
        # CBOR answers: statistics (timestamps as tag 1, doubles), and errors with their code.
        points = cbor.get_metric_statistics(Namespace="Shop", MetricName="Latency", StartTime=t,
                                            EndTime=t + datetime.timedelta(minutes=1), Period=60, Statistics=["Sum"],
                                            Dimensions=[{"Name": "Service", "Value": "cart"}])["Datapoints"]
        self.assertEqual([(p["Timestamp"], p["Sum"]) for p in points], [(t, 600.0)])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cbor.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "X", "Value": 1}])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)
        self.assertEqual(ctx.exception.response["Error"]["Message"], "The value AWS/EC2 for parameter Namespace is invalid.")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cbor.describe_alarms(MaxRecords=101)
        self.assertAwsError(ctx, "ValidationError", 400)
        with self.assertRaises(cbor.exceptions.ResourceNotFound):
            cbor.set_alarm_state(AlarmName="nope", StateValue="OK", StateReason="x")
        cbor.put_metric_alarm(AlarmName="cbor-made", Namespace="Shop", MetricName="Latency", Statistic="Average", Period=60,
                              EvaluationPeriods=1, Threshold=0.25, ComparisonOperator="GreaterThanThreshold")
        alarm = cbor.describe_alarms(AlarmNames=["cbor-made"])["MetricAlarms"][0]
        self.assertEqual(alarm["Threshold"], 0.25)
        self.assertLess(abs((alarm["AlarmConfigurationUpdatedTimestamp"] - now()).total_seconds()), 60)
        cbor.delete_alarms(AlarmNames=["cbor-made"])
        # The CLIs add one datum each: v1 over CBOR, v2 over the query protocol.
        stamp = (t + datetime.timedelta(seconds=10)).isoformat()
        for cli, value in ((self.server.aws_v1, "400"), (self.server.aws_v2, "1000")):
            rc, out, err = cli("cloudwatch", "put-metric-data", "--namespace", "Shop", "--metric-name", "Latency",
                               "--dimensions", "Service=cart", "--value", value, "--unit", "Milliseconds",
                               "--timestamp", stamp)
            self.assertEqual(rc, 0, err)
        points = self.stats("Shop", "Latency", t, t + datetime.timedelta(minutes=1),
                            Dimensions=[{"Name": "Service", "Value": "cart"}])
        self.assertEqual(len(points), 1)
        p = points[0]
        self.assertEqual(p["Timestamp"], t)
        self.assertEqual((p["SampleCount"], p["Sum"], p["Minimum"], p["Maximum"], p["Unit"]),
                         (5.0, 2000.0, 100.0, 1000.0, "Milliseconds"))
        for cli in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = cli("cloudwatch", "get-metric-statistics", "--namespace", "Shop", "--metric-name", "Latency",
                               "--dimensions", "Name=Service,Value=cart", "--start-time", t.isoformat(),
                               "--end-time", (t + datetime.timedelta(minutes=1)).isoformat(), "--period", "60",
                               "--statistics", "Average", "--extended-statistics", "p50")
            self.assertNotEqual(rc, 0, "Statistics and ExtendedStatistics together must be refused")
            self.assertIn("InvalidParameterCombination", err)
            rc, out, err = cli("cloudwatch", "get-metric-statistics", "--namespace", "Shop", "--metric-name", "Latency",
                               "--dimensions", "Name=Service,Value=cart", "--start-time", t.isoformat(),
                               "--end-time", (t + datetime.timedelta(minutes=1)).isoformat(), "--period", "60",
                               "--extended-statistics", "p50", "p100")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["Datapoints"][0]["ExtendedStatistics"], {"p50": 300.0, "p100": 1000.0})
        rc, out, err = self.server.aws_v2("cloudwatch", "list-metrics", "--namespace", "Shop")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Metrics"], [{"Namespace": "Shop", "MetricName": "Latency",
                                           "Dimensions": [{"Name": "Service", "Value": "cart"}]}])

    def test_bad_input_gets_cloudwatchs_errors_on_every_wire(self):
        e = self.error(self.cw.put_metric_data, "InvalidParameterCombination", Namespace="Shop", MetricData=[
            {"MetricName": "X", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}])
        self.assertEqual(e["Error"]["Message"], "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues "
                                                "are mutually exclusive and you have specified both.")
        self.error(self.cw.put_metric_data, "InvalidParameterValue", Namespace="AWS/EC2",
                   MetricData=[{"MetricName": "X", "Value": 1}])
        self.error(self.cw.put_metric_data, "InvalidParameterValue", Namespace="Shop",
                   MetricData=[{"MetricName": "X", "Value": 1, "StorageResolution": 5}])
        self.error(self.cw.put_metric_data, "MissingParameter", Namespace="Shop", MetricData=[{"MetricName": "X"}])
        self.error(self.cw.set_alarm_state, "ResourceNotFound", 404, AlarmName="nope", StateValue="OK", StateReason="x")
        self.error(self.cw.describe_alarms, "InvalidNextToken", NextToken="garbage")
        # The model's own constraints: 31 dimensions.
        self.error(self.cw.put_metric_data, "ValidationError", Namespace="Shop", MetricData=[
            {"MetricName": "X", "Value": 1, "Dimensions": [{"Name": f"d{i}", "Value": "v"} for i in range(31)]}])
        for cli in (self.server.aws_v1, self.server.aws_v2):
            rc, out, err = cli("cloudwatch", "put-metric-data", "--namespace", "AWS/Lambda", "--metric-name", "X", "--value", "1")
            self.assertNotEqual(rc, 0)
            self.assertIn("InvalidParameterValue", err)
            rc, out, err = cli("cloudwatch", "delete-alarms", "--alarm-names", "never-made")
            self.assertNotEqual(rc, 0)
            self.assertIn("ResourceNotFound", err)
        self.assertEqual(self.cw.list_metrics(Namespace="AWS/EC2")["Metrics"], [])

    def test_metric_math_and_list_filters(self):
        t = now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=10)
        data = []
        for minute in range(3):
            ts = t + datetime.timedelta(minutes=minute)
            data.append({"MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": ts, "Value": 10 * (minute + 1)})
            data.append({"MetricName": "Requests", "Dimensions": [{"Name": "Host", "Value": "b"}], "Timestamp": ts, "Value": 1})
            data.append({"MetricName": "Errors", "Dimensions": [{"Name": "Host", "Value": "a"}], "Timestamp": ts, "Value": minute})
        self.cw.put_metric_data(Namespace="Web", MetricData=data)

        def stat(name, host):
            return {"Metric": {"Namespace": "Web", "MetricName": name, "Dimensions": [{"Name": "Host", "Value": host}]},
                    "Period": 60, "Stat": "Sum"}
        r = self.cw.get_metric_data(StartTime=t, EndTime=t + datetime.timedelta(minutes=3), ScanBy="TimestampAscending",
                                    MetricDataQueries=[
                                        {"Id": "ra", "MetricStat": stat("Requests", "a"), "ReturnData": False},
                                        {"Id": "rb", "MetricStat": stat("Requests", "b"), "Label": "host b"},
                                        {"Id": "ea", "MetricStat": stat("Errors", "a"), "ReturnData": False},
                                        {"Id": "rate", "Expression": "100 * ea / ra", "Label": "error rate"},
                                        {"Id": "total", "Expression": "SUM([ra, rb])"},
                                        {"Id": "busy", "Expression": "IF(ra > 15, 1, 0)"}])
        results = {x["Id"]: x for x in r["MetricDataResults"]}
        self.assertEqual(set(results), {"rb", "rate", "total", "busy"})
        self.assertEqual(results["rb"]["Label"], "host b")
        self.assertEqual(results["rate"]["Values"], [0.0, 5.0, 100 * 2 / 30])
        self.assertEqual(results["total"]["Values"], [11.0, 21.0, 31.0])
        self.assertEqual(results["busy"]["Values"], [0.0, 1.0, 1.0])
        self.assertEqual(results["total"]["Timestamps"][0], t)
        # Paging by MaxDatapoints, newest first by default.
        pages = list(self.cw.get_paginator("get_metric_data").paginate(
            StartTime=t, EndTime=t + datetime.timedelta(minutes=3), MetricDataQueries=[{"Id": "ra", "MetricStat": stat("Requests", "a")}],
            PaginationConfig={"PageSize": 2}))
        values = [v for p in pages for x in p["MetricDataResults"] for v in x["Values"]]
        self.assertEqual(values, [30.0, 20.0, 10.0])
        self.assertGreaterEqual(len(pages), 2)
        e = self.error(self.cw.get_metric_data, "ValidationError", StartTime=t, EndTime=t + datetime.timedelta(minutes=3),
                       MetricDataQueries=[{"Id": "e1", "Expression": "FOO(1)"}])
        self.assertIn("Error in expression e1", e["Error"]["Message"])
        # The query protocol (CLI v2) carries the queries and the result lists too.
        queries = json.dumps([{"Id": "ra", "MetricStat": stat("Requests", "a"), "ReturnData": False},
                              {"Id": "double", "Expression": "ra * 2"}])
        rc, out, err = self.server.aws_v2("cloudwatch", "get-metric-data", "--metric-data-queries", queries,
                                          "--start-time", t.isoformat(), "--end-time", (t + datetime.timedelta(minutes=3)).isoformat(),
                                          "--scan-by", "TimestampAscending")
        self.assertEqual(rc, 0, err)
        self.assertEqual([(r["Id"], r["Values"]) for r in out["MetricDataResults"]], [("double", [20.0, 40.0, 60.0])])
        self.assertEqual(len(out["MetricDataResults"][0]["Timestamps"]), 3)
        # Statistic sets and values with counts from the CLIs.
        rc, out, err = self.server.aws_v2("cloudwatch", "put-metric-data", "--namespace", "Web", "--metric-name", "Sizes",
                                          "--statistic-values", "SampleCount=4,Sum=40,Minimum=1,Maximum=20",
                                          "--timestamp", t.isoformat())
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws_v1("cloudwatch", "put-metric-data", "--namespace", "Web", "--metric-data", json.dumps(
            [{"MetricName": "Sizes", "Values": [5, 15], "Counts": [1, 3], "Timestamp": t.isoformat()}]))
        self.assertEqual(rc, 0, err)
        sizes = self.stats("Web", "Sizes", t, t + datetime.timedelta(minutes=1))[0]
        self.assertEqual((sizes["SampleCount"], sizes["Sum"], sizes["Minimum"], sizes["Maximum"]), (8.0, 90.0, 1.0, 20.0))
        # ListMetrics: by dimension name, by name and value.
        hosts = self.cw.list_metrics(Namespace="Web", Dimensions=[{"Name": "Host"}])["Metrics"]
        self.assertEqual(len(hosts), 3)
        a = self.cw.list_metrics(Namespace="Web", Dimensions=[{"Name": "Host", "Value": "a"}])["Metrics"]
        self.assertEqual(sorted(m["MetricName"] for m in a), ["Errors", "Requests"])
        self.assertEqual(len(self.cw.list_metrics(Namespace="Web", MetricName="Errors", RecentlyActive="PT3H")["Metrics"]), 1)
        linked = self.cw.list_metrics(Namespace="Web", MetricName="Errors", IncludeLinkedAccounts=True)
        self.assertEqual(linked["OwningAccounts"], [self.account])

    def test_search_expressions(self):
        t = now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=10)
        data = []
        for minute in range(2):
            ts = t + datetime.timedelta(minutes=minute)
            for i, host in enumerate(("web-1", "web-2", "db-1")):
                data.append({"MetricName": "CPUUtilization", "Dimensions": [{"Name": "Host", "Value": host}], "Timestamp": ts,
                             "Value": 10 * (i + 1) + minute})
            data.append({"MetricName": "CPUUtilization", "Dimensions": [{"Name": "Host", "Value": "web-1"},
                                                                        {"Name": "Core", "Value": "0"}], "Timestamp": ts, "Value": 99})
            data.append({"MetricName": "NetworkIn", "Dimensions": [{"Name": "Host", "Value": "web-1"}], "Timestamp": ts, "Value": 5})
        self.cw.put_metric_data(Namespace="Fleet", MetricData=data)
        end = t + datetime.timedelta(minutes=2)

        def search(expression, **kw):
            r = self.cw.get_metric_data(StartTime=t, EndTime=end, ScanBy="TimestampAscending",
                                        MetricDataQueries=[{"Id": "s", "Expression": expression, **kw}])
            return {x["Label"]: x["Values"] for x in r["MetricDataResults"]}

        # The schema keeps Host-only metrics; the term keeps CPUUtilization (a partial match on "CPU").
        self.assertEqual(search("SEARCH('{Fleet,Host} CPU', 'Average', 60)"),
                         {"db-1 CPUUtilization": [30.0, 31.0], "web-1 CPUUtilization": [10.0, 11.0],
                          "web-2 CPUUtilization": [20.0, 21.0]})
        self.assertEqual(sorted(search("SEARCH('{Fleet,Host} Host=web', 'Sum', 60)")),
                         ["web-1 CPUUtilization", "web-1 NetworkIn", "web-2 CPUUtilization"])
        self.assertEqual(sorted(search('SEARCH(\'Namespace="Fleet" Host="web-1" NOT NetworkIn\', \'Maximum\', 60)')),
                         ["0 web-1 CPUUtilization", "web-1 CPUUtilization"])
        self.assertEqual(search("SUM(SEARCH('{Fleet,Host} MetricName=\"CPUUtilization\"', 'Average', 60))", Label="fleet"),
                         {"fleet": [60.0, 63.0]})
        self.assertEqual(search("SEARCH('{Fleet,Host} Nothing', 'Average', 60)"), {})
        # Bad searches and statistics; searches cannot drive alarms.
        for bad in ("SEARCH('{Fleet,Host', 'Average', 60)", "SEARCH('CPU', 'Mean', 60)", "SEARCH('CPU')",
                    "SEARCH('CPU', 'Average', 7)"):
            with self.subTest(bad=bad):
                self.error(self.cw.get_metric_data, "ValidationError", StartTime=t, EndTime=end,
                           MetricDataQueries=[{"Id": "s", "Expression": bad}])
        for expression in ("MAX(SEARCH('{Fleet,Host} CPU', 'Average', 60))", "MAX(SEARCH ('{Fleet,Host} CPU', 'Average', 60))"):
            with self.subTest(alarm_expression=expression):
                self.error(self.cw.put_metric_alarm, "InvalidParameterValue", AlarmName="searching", EvaluationPeriods=1,
                           ComparisonOperator="GreaterThanThreshold", Threshold=1, Metrics=[{"Id": "s", "Expression": expression}])
        # The query protocol (aws CLI v1) carries searches too.
        rc, out, err = self.server.aws_v1("cloudwatch", "get-metric-data", "--metric-data-queries", json.dumps(
            [{"Id": "s", "Expression": "SEARCH('{Fleet,Host} NetworkIn', 'Sum', 60)"}]), "--start-time", t.isoformat(),
            "--end-time", end.isoformat(), "--scan-by", "TimestampAscending")
        self.assertEqual(rc, 0, err)
        self.assertEqual([(r["Label"], r["Values"]) for r in out["MetricDataResults"]], [("web-1 NetworkIn", [5.0, 5.0])])

    def test_alarm_lifecycle_history_and_tags(self):
        self.cw.put_metric_alarm(AlarmName="orders-latency", Namespace="Shop", MetricName="Latency", Statistic="Average",
                                 Period=60, EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=500,
                                 ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching",
                                 Dimensions=[{"Name": "Service", "Value": "orders"}], Tags=[{"Key": "team", "Value": "shop"}])
        alarm = self.cw.describe_alarms(AlarmNames=["orders-latency"])["MetricAlarms"][0]
        arn = f"arn:aws:cloudwatch:us-east-1:{self.account}:alarm:orders-latency"
        self.assertEqual(alarm["AlarmArn"], arn)
        self.assertEqual((alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"], alarm["TreatMissingData"]), (3, 2, "notBreaching"))
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "team", "Value": "shop"}])
        self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
        self.cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [{"Key": "env", "Value": "dev"}])
        self.error(self.cw.list_tags_for_resource, "ResourceNotFoundException", 404, ResourceARN=arn + "-nope")
        # With no data and missing data treated as not breaching, the evaluator settles it at OK.
        self.wait_for_state("orders-latency", "OK")
        self.cw.set_alarm_state(AlarmName="orders-latency", StateValue="ALARM", StateReason="testing the pager",
                                StateReasonData=json.dumps({"by": "test"}))
        history = self.cw.describe_alarm_history(AlarmName="orders-latency", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
        self.assertIn("Alarm updated from OK to ALARM", [h["HistorySummary"] for h in history])
        data = json.loads(history[0]["HistoryData"]) if history[0]["HistorySummary"].endswith("to ALARM") else None
        if data:
            self.assertEqual(data["newState"]["stateReason"], "testing the pager")
        self.wait_for_state("orders-latency", "OK")  # the next evaluation sets it back
        rc, out, err = self.server.aws_v2("cloudwatch", "describe-alarms", "--state-value", "OK", "--alarm-name-prefix", "orders-")
        self.assertEqual(rc, 0, err)
        self.assertEqual([a["AlarmName"] for a in out["MetricAlarms"]], ["orders-latency"])
        rc, out, err = self.server.aws_v1("cloudwatch", "describe-alarms-for-metric", "--namespace", "Shop", "--metric-name", "Latency",
                                          "--dimensions", "Name=Service,Value=orders")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["MetricAlarms"]), 1)
        self.cw.disable_alarm_actions(AlarmNames=["orders-latency"])
        self.assertFalse(self.cw.describe_alarms(AlarmNames=["orders-latency"])["MetricAlarms"][0]["ActionsEnabled"])
        self.cw.enable_alarm_actions(AlarmNames=["orders-latency"])
        # Paging through many alarms.
        for i in range(5):
            self.cw.put_metric_alarm(AlarmName=f"page-{i}", Namespace="Shop", MetricName="Latency", Statistic="Maximum", Period=60,
                                     EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        names = [a["AlarmName"] for p in self.cw.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix="page-", PaginationConfig={"PageSize": 2}) for a in p["MetricAlarms"]]
        self.assertEqual(names, [f"page-{i}" for i in range(5)])
        self.cw.delete_alarms(AlarmNames=["orders-latency"] + [f"page-{i}" for i in range(5)])
        self.assertEqual(self.cw.describe_alarms(AlarmNamePrefix="page-")["MetricAlarms"], [])
        kinds = {h["HistorySummary"] for h in self.cw.describe_alarm_history(AlarmName="orders-latency",
                                                                             HistoryItemType="ConfigurationUpdate")["AlarmHistoryItems"]}
        self.assertEqual(kinds, {'Alarm "orders-latency" created', 'Alarm "orders-latency" deleted'})

    def wait_for_state(self, name, state, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            alarm = self.cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
            if alarm["StateValue"] == state:
                return alarm
            time.sleep(0.2)
        self.fail(f"{name} did not reach {state}: {alarm['StateValue']} ({alarm['StateReason']})")

    def test_an_idle_development_instance_is_stopped_by_its_alarm(self):
        ec2 = self.server.client("ec2")
        instance = ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        # Two of the last three 10-second periods under 5% CPU: idle, stop it.
        self.cw.put_metric_alarm(AlarmName="idle-dev-box", Namespace="Dev", MetricName="CPUUtilization", Statistic="Maximum",
                                 Period=10, EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=5,
                                 ComparisonOperator="LessThanThreshold",
                                 Dimensions=[{"Name": "InstanceId", "Value": instance}],
                                 AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])
        t = now()
        self.cw.put_metric_data(Namespace="Dev", MetricData=[
            {"MetricName": "CPUUtilization", "Dimensions": [{"Name": "InstanceId", "Value": instance}],
             "Timestamp": t - datetime.timedelta(seconds=s), "Value": 1.5, "StorageResolution": 1} for s in (0, 10)])
        alarm = self.wait_for_state("idle-dev-box", "ALARM")
        self.assertIn("were less than the threshold (5.0)", alarm["StateReason"])
        reason = json.loads(alarm["StateReasonData"])
        self.assertEqual((reason["statistic"], reason["period"], reason["threshold"]), ("Maximum", 10, 5.0))
        deadline = time.time() + 10
        while time.time() < deadline:
            state = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]
            if state == "stopped":
                break
            time.sleep(0.2)
        self.assertEqual(state, "stopped")
        actions = self.cw.describe_alarm_history(AlarmName="idle-dev-box", HistoryItemType="Action")["AlarmHistoryItems"]
        self.assertEqual([a["HistorySummary"] for a in actions], ["Successfully executed action arn:aws:automate:us-east-1:ec2:stop"])
        # An EC2 action needs the InstanceId dimension.
        self.error(self.cw.put_metric_alarm, "InvalidParameterValue", AlarmName="bad-action", Namespace="Dev",
                   MetricName="CPUUtilization", Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=5,
                   ComparisonOperator="LessThanThreshold", AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])

    def test_metric_math_alarm_breaches_on_the_expression(self):
        t = now()
        self.cw.put_metric_data(Namespace="Math", MetricData=[
            {"MetricName": "Errors", "Value": 9, "Timestamp": t, "StorageResolution": 1},
            {"MetricName": "Requests", "Value": 10, "Timestamp": t, "StorageResolution": 1}])

        def q(qid, name):
            return {"Id": qid, "ReturnData": False,
                    "MetricStat": {"Metric": {"Namespace": "Math", "MetricName": name}, "Period": 10, "Stat": "Sum"}}
        self.cw.put_metric_alarm(AlarmName="error-ratio", EvaluationPeriods=1, Threshold=50,
                                 ComparisonOperator="GreaterThanOrEqualToThreshold",
                                 Metrics=[q("e", "Errors"), q("r", "Requests"),
                                          {"Id": "ratio", "Expression": "100 * e / r", "Label": "error %"}])
        alarm = self.wait_for_state("error-ratio", "ALARM")
        self.assertIn("[90.0", alarm["StateReason"])
        self.error(self.cw.put_metric_alarm, "InvalidParameterValue", AlarmName="two-returning", EvaluationPeriods=1,
                   Threshold=1, ComparisonOperator="GreaterThanThreshold",
                   Metrics=[dict(q("e", "Errors"), ReturnData=True), {"Id": "x", "Expression": "e * 2"}])

    def test_composite_alarm_follows_its_children(self):
        for name in ("api-errors", "api-latency"):
            self.cw.put_metric_alarm(AlarmName=name, Namespace="Api", MetricName=name, Statistic="Maximum", Period=60,
                                     EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
                                     TreatMissingData="ignore")
        rc, out, err = self.server.aws_v2("cloudwatch", "put-composite-alarm", "--alarm-name", "api-down",
                                          "--alarm-rule", 'ALARM("api-errors") AND ALARM(api-latency)')
        self.assertEqual(rc, 0, err)
        self.error(self.cw.put_composite_alarm, "InvalidParameterValue", AlarmName="broken", AlarmRule="ALARM(api-errors")
        self.wait_for_composite("api-down", "OK")
        for name in ("api-errors", "api-latency"):
            self.cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="incident drill")
        alarm = self.wait_for_composite("api-down", "ALARM")
        self.assertEqual(alarm["AlarmRule"], 'ALARM("api-errors") AND ALARM(api-latency)')
        parents = self.cw.describe_alarms(ParentsOfAlarmName="api-errors")["CompositeAlarms"]
        self.assertEqual([a["AlarmName"] for a in parents], ["api-down"])
        rc, out, err = self.server.aws_v1("cloudwatch", "describe-alarms", "--children-of-alarm-name", "api-down")
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(a["AlarmName"] for a in out["MetricAlarms"]), ["api-errors", "api-latency"])
        self.cw.delete_alarms(AlarmNames=["api-down", "api-errors", "api-latency"])

    def wait_for_composite(self, name, state, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            alarm = self.cw.describe_alarms(AlarmNames=[name], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0]
            if alarm["StateValue"] == state:
                return alarm
            time.sleep(0.2)
        self.fail(f"{name} did not reach {state}: {alarm['StateValue']} ({alarm['StateReason']})")

    def test_namespace_condition_limits_where_a_user_may_publish(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="publisher")
        iam.put_user_policy(UserName="publisher", PolicyName="dev-metrics", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                                                    "Condition": {"StringEquals": {"cloudwatch:namespace": "Dev"}}}]}))
        key = iam.create_access_key(UserName="publisher")["AccessKey"]
        cw = self.server.client("cloudwatch", key["AccessKeyId"], key["SecretAccessKey"])
        cw.put_metric_data(Namespace="Dev", MetricData=[{"MetricName": "Builds", "Value": 1}])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cw.put_metric_data(Namespace="Prod", MetricData=[{"MetricName": "Builds", "Value": 1}])
        # Query-compatible: the query protocol's code on the JSON wire too, as CloudWatch answers.
        self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("cloudwatch:PutMetricData", ctx.exception.response["Error"]["Message"])
        # cloudwatch:AlarmActions: this user may make alarms that stop instances, not terminate them.
        iam.put_user_policy(UserName="publisher", PolicyName="stop-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudwatch:PutMetricAlarm", "Resource": "*",
                                                    "Condition": {"ForAllValues:StringLike": {
                                                        "cloudwatch:AlarmActions": "arn:aws:automate:*:ec2:stop"}}}]}))
        alarm = dict(Namespace="Dev", MetricName="CPUUtilization", Statistic="Maximum", Period=60, EvaluationPeriods=1,
                     Threshold=5, ComparisonOperator="LessThanThreshold", Dimensions=[{"Name": "InstanceId", "Value": "i-0abc"}])
        cw.put_metric_alarm(AlarmName="may-stop", AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"], **alarm)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cw.put_metric_alarm(AlarmName="may-not-terminate", AlarmActions=["arn:aws:automate:us-east-1:ec2:terminate"], **alarm)
        self.assertAwsError(ctx, "AccessDenied", 403)
        # aws:ResourceTag: the alarm's own tags decide.
        iam.put_user_policy(UserName="publisher", PolicyName="team-alarms", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudwatch:SetAlarmState", "Resource": "*",
                                                    "Condition": {"StringEquals": {"aws:ResourceTag/team": "shop"}}}]}))
        self.cw.put_metric_alarm(AlarmName="shop-owned", Tags=[{"Key": "team", "Value": "shop"}], **alarm)
        self.cw.put_metric_alarm(AlarmName="not-shop", Tags=[{"Key": "team", "Value": "ops"}], **alarm)
        cw.set_alarm_state(AlarmName="shop-owned", StateValue="OK", StateReason="checked by the shop team")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cw.set_alarm_state(AlarmName="not-shop", StateValue="OK", StateReason="not theirs")
        self.assertAwsError(ctx, "AccessDenied", 403)
        bad = self.server.client("cloudwatch", key["AccessKeyId"], "not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            bad.list_metrics()
        self.assertAwsError(ctx, "SignatureDoesNotMatch", 403)
        rc, out, err = self.server.aws_v2("cloudwatch", "put-metric-data", "--namespace", "Prod", "--metric-name", "Builds",
                                          "--value", "1", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", err)


class CloudWatchDurability(unittest.TestCase):
    def test_metrics_and_alarms_survive_kill_9(self):
        s = Server().start()
        try:
            s.read_root_credentials()
            cw = s.client("cloudwatch")
            t = now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=2)
            cw.put_metric_data(Namespace="Durable", MetricData=[{"MetricName": "Orders", "Value": v, "Timestamp": t} for v in (1, 2, 3)])
            cw.put_metric_alarm(AlarmName="orders-stalled", Namespace="Durable", MetricName="Orders", Statistic="Sum", Period=60,
                                EvaluationPeriods=1, Threshold=1, ComparisonOperator="LessThanThreshold")
            cw.set_alarm_state(AlarmName="orders-stalled", StateValue="ALARM", StateReason="drill")
            s.stop(sig=signal.SIGKILL)
            again = Server(data_dir=s.data_dir).start()
            again.root = s.root
            try:
                cw = again.client("cloudwatch")
                points = cw.get_metric_statistics(Namespace="Durable", MetricName="Orders", StartTime=t,
                                                  EndTime=t + datetime.timedelta(minutes=1), Period=60, Statistics=["Sum"])["Datapoints"]
                self.assertEqual([p["Sum"] for p in points], [6.0])
                alarm = cw.describe_alarms(AlarmNames=["orders-stalled"])["MetricAlarms"][0]
                self.assertEqual((alarm["StateValue"], alarm["StateReason"]), ("ALARM", "drill"))
            finally:
                again.stop()
        finally:
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
