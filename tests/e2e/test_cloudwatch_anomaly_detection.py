"""CloudWatch anomaly detection: detectors, the ANOMALY_DETECTION_BAND metric-math function (a
documented model: trailing 14 days, mean ± k standard deviations) and alarms that compare a
metric with its band."""
import datetime
import time
import unittest

from botocore.exceptions import ClientError

from citadel_harness import CitadelTestCase

UTC = datetime.timezone.utc


class AnomalyDetection(CitadelTestCase):
    server_args = ("--alarm-evaluation-interval", "0.5")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cls.server.client("cloudwatch")

    def history(self, name, minutes=40):
        """A steady metric: 10 or 11 each minute for the last `minutes` minutes (the current one not included)."""
        now = datetime.datetime.now(UTC).replace(second=0, microsecond=0)
        data = [{"MetricName": name, "Timestamp": now - datetime.timedelta(minutes=i), "Value": 10 + (i % 2)}
                for i in range(1, minutes + 1)]
        for k in range(0, len(data), 20):
            self.cw.put_metric_data(Namespace="App", MetricData=data[k:k + 20])
        return now

    def test_detectors_are_put_described_and_deleted(self):
        self.history("Latency")
        self.cw.put_anomaly_detector(SingleMetricAnomalyDetector={"Namespace": "App", "MetricName": "Latency", "Stat": "Average"},
                                     Configuration={"ExcludedTimeRanges": [{"StartTime": datetime.datetime(2026, 1, 1, tzinfo=UTC),
                                                                            "EndTime": datetime.datetime(2026, 1, 2, tzinfo=UTC)}]})
        found = self.cw.describe_anomaly_detectors(Namespace="App")["AnomalyDetectors"]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["SingleMetricAnomalyDetector"]["MetricName"], "Latency")
        self.assertEqual(found[0]["StateValue"], "TRAINED")
        self.assertEqual(len(found[0]["Configuration"]["ExcludedTimeRanges"]), 1)
        code, out, err = self.server.aws_v2("cloudwatch", "describe-anomaly-detectors", "--namespace", "App")
        self.assertEqual(code, 0, err)
        self.assertEqual(out["AnomalyDetectors"][0]["Stat"], "Average")
        self.cw.delete_anomaly_detector(SingleMetricAnomalyDetector={"Namespace": "App", "MetricName": "Latency", "Stat": "Average"})
        self.assertEqual(self.cw.describe_anomaly_detectors(Namespace="App")["AnomalyDetectors"], [])
        with self.assertRaises(ClientError) as ctx:
            self.cw.delete_anomaly_detector(SingleMetricAnomalyDetector={"Namespace": "App", "MetricName": "Latency", "Stat": "Average"})
        self.assertAwsError(ctx, "ResourceNotFoundException", 404)
        with self.assertRaises(ClientError) as ctx:
            self.cw.put_anomaly_detector(SingleMetricAnomalyDetector={"Namespace": "App", "MetricName": "Latency", "Stat": "Typical"})
        self.assertAwsError(ctx, "InvalidParameterValue", 400)

    def test_band_in_get_metric_data_and_an_alarm_on_a_spike(self):
        now = self.history("Requests")
        queries = [{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "Requests"}, "Period": 60, "Stat": "Average"}},
                   {"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)"}]
        out = self.cw.get_metric_data(MetricDataQueries=queries, StartTime=now - datetime.timedelta(minutes=5),
                                      EndTime=now + datetime.timedelta(minutes=1))["MetricDataResults"]
        bands = [r for r in out if r["Id"] == "ad1"]
        self.assertEqual(len(bands), 2)  # the lower and the upper bound
        lower, upper = bands[0]["Values"], bands[1]["Values"]
        self.assertTrue(lower and upper)
        self.assertTrue(all(9 < lo < 10.5 for lo in lower), lower)
        self.assertTrue(all(10.5 < hi < 12 for hi in upper), upper)

        # An alarm outside the band: a spike in the current minute puts it in ALARM.
        self.cw.put_metric_alarm(AlarmName="requests-anomaly", EvaluationPeriods=1, DatapointsToAlarm=1,
                                 ComparisonOperator="LessThanLowerOrGreaterThanUpperThreshold", ThresholdMetricId="ad1",
                                 TreatMissingData="notBreaching",
                                 Metrics=[dict(queries[0], ReturnData=True), dict(queries[1], ReturnData=True)])
        self.cw.put_metric_data(Namespace="App", MetricData=[{"MetricName": "Requests", "Value": 500,
                                                               "Timestamp": datetime.datetime.now(UTC)}])
        deadline, state = time.time() + 20, None
        while time.time() < deadline:
            state = self.cw.describe_alarms(AlarmNames=["requests-anomaly"])["MetricAlarms"][0]
            if state["StateValue"] == "ALARM":
                break
            time.sleep(0.3)
        self.assertEqual(state["StateValue"], "ALARM", state.get("StateReason"))
        self.assertIn("anomaly detection band", state["StateReason"])

    def test_detectors_and_bands_on_metric_math(self):
        now = self.history("Hits")
        self.history("Misses")
        stat = lambda name: {"Metric": {"Namespace": "App", "MetricName": name}, "Period": 60, "Stat": "Sum"}
        queries = [{"Id": "h", "MetricStat": stat("Hits"), "ReturnData": False},
                   {"Id": "m", "MetricStat": stat("Misses"), "ReturnData": False},
                   {"Id": "total", "Expression": "h + m", "ReturnData": True}]
        self.cw.put_anomaly_detector(MetricMathAnomalyDetector={"MetricDataQueries": queries})
        found = self.cw.describe_anomaly_detectors(AnomalyDetectorTypes=["METRIC_MATH"])["AnomalyDetectors"]
        self.assertEqual(len(found), 1)
        self.assertEqual([q["Id"] for q in found[0]["MetricMathAnomalyDetector"]["MetricDataQueries"]], ["h", "m", "total"])
        self.assertEqual(found[0]["StateValue"], "TRAINED")
        # A metric filter leaves math detectors out; SINGLE_METRIC alone too.
        self.assertEqual(self.cw.describe_anomaly_detectors(Namespace="App", AnomalyDetectorTypes=["METRIC_MATH"])["AnomalyDetectors"], [])
        self.assertFalse(any("MetricMathAnomalyDetector" in d for d in
                             self.cw.describe_anomaly_detectors(AnomalyDetectorTypes=["SINGLE_METRIC"])["AnomalyDetectors"]))

        # The band of the expression: h + m alternates 20 and 22.
        out = self.cw.get_metric_data(MetricDataQueries=queries + [{"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(total, 2)"}],
                                      StartTime=now - datetime.timedelta(minutes=5), EndTime=now + datetime.timedelta(minutes=1))
        bands = [r for r in out["MetricDataResults"] if r["Id"] == "band"]
        self.assertEqual(len(bands), 2)
        self.assertTrue(bands[0]["Values"] and all(18 < lo < 21 for lo in bands[0]["Values"]), bands[0]["Values"])
        self.assertTrue(bands[1]["Values"] and all(21 < hi < 24 for hi in bands[1]["Values"]), bands[1]["Values"])

        # Bad detectors; then delete.
        for bad, code in (({"MetricDataQueries": [dict(q, ReturnData=False) for q in queries]}, "InvalidParameterValue"),
                          ({"MetricDataQueries": [{"Id": "x", "Expression": "h +"}]}, "ValidationError"),
                          ({"MetricDataQueries": [{"Id": "x", "Expression": "nothing * 2"}]}, "ValidationError")):
            with self.subTest(bad=bad), self.assertRaises(ClientError) as ctx:
                self.cw.put_anomaly_detector(MetricMathAnomalyDetector=bad)
            self.assertAwsError(ctx, code, 400)
        with self.assertRaises(ClientError) as ctx:
            self.cw.put_anomaly_detector(MetricMathAnomalyDetector={"MetricDataQueries": queries},
                                         SingleMetricAnomalyDetector={"Namespace": "App", "MetricName": "Hits", "Stat": "Sum"})
        self.assertAwsError(ctx, "InvalidParameterCombination", 400)
        self.cw.delete_anomaly_detector(MetricMathAnomalyDetector={"MetricDataQueries": queries})
        self.assertEqual(self.cw.describe_anomaly_detectors(AnomalyDetectorTypes=["METRIC_MATH"])["AnomalyDetectors"], [])
        with self.assertRaises(ClientError) as ctx:
            self.cw.delete_anomaly_detector(MetricMathAnomalyDetector={"MetricDataQueries": queries})
        self.assertAwsError(ctx, "ResourceNotFoundException", 404)

    def test_alarm_configuration_errors(self):
        metric = {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "X"}, "Period": 60, "Stat": "Sum"}}
        with self.assertRaises(ClientError) as ctx:  # a band comparison needs the band
            self.cw.put_metric_alarm(AlarmName="bad", EvaluationPeriods=1, Threshold=1,
                                     ComparisonOperator="GreaterThanUpperThreshold", Metrics=[metric])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "MissingParameter")
        with self.assertRaises(ClientError) as ctx:  # the band must be an ANOMALY_DETECTION_BAND expression
            self.cw.put_metric_alarm(AlarmName="bad", EvaluationPeriods=1, ComparisonOperator="GreaterThanUpperThreshold",
                                     ThresholdMetricId="e1", Metrics=[metric, {"Id": "e1", "Expression": "m1 * 2"}])
        self.assertAwsError(ctx, "InvalidParameterValue", 400)
        with self.assertRaises(ClientError) as ctx:  # and needs a MetricStat query's id
            self.cw.get_metric_data(MetricDataQueries=[metric, {"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(nope)"}],
                                    StartTime=datetime.datetime.now(UTC) - datetime.timedelta(minutes=5),
                                    EndTime=datetime.datetime.now(UTC))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationError")


if __name__ == "__main__":
    unittest.main()
