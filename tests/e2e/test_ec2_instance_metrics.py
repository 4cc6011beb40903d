"""EC2 instances publish AWS/EC2 metrics from their workload model (tags), so an alarm has real
data: an idle development instance is stopped by its CPU alarm with no PutMetricData at all."""
import datetime
import time
import unittest

from citadel_harness import CitadelTestCase

AL2023 = "ami-01816d07b1128cd2d"


class InstanceMetrics(CitadelTestCase):
    server_args = ("--instance-metrics-interval", "1", "--alarm-evaluation-interval", "0.5")

    def test_workload_models_publish_metrics_and_an_idle_instance_is_stopped(self):
        ec2, cw = self.server.client("ec2"), self.server.client("cloudwatch")
        idle = ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "citadel:workload", "Value": "idle"}, {"Key": "env", "Value": "dev"}]}])
        busy = ec2.run_instances(ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "citadel:workload", "Value": "busy"},
                                                  {"Key": "citadel:status-check", "Value": "failing"}]}])
        idle_id, busy_id = idle["Instances"][0]["InstanceId"], busy["Instances"][0]["InstanceId"]

        def stat(instance, name, statistic="Average"):
            end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
            points = cw.get_metric_statistics(Namespace="AWS/EC2", MetricName=name, Dimensions=[{"Name": "InstanceId", "Value": instance}],
                                              StartTime=end - datetime.timedelta(minutes=10), EndTime=end, Period=60,
                                              Statistics=[statistic])["Datapoints"]
            return points[-1][statistic] if points else None

        deadline = time.time() + 20
        while time.time() < deadline and (stat(idle_id, "CPUUtilization") is None or stat(busy_id, "CPUUtilization") is None):
            time.sleep(0.5)
        self.assertLess(stat(idle_id, "CPUUtilization"), 2.5)
        self.assertGreater(stat(busy_id, "CPUUtilization"), 75)
        self.assertGreater(stat(busy_id, "NetworkIn", "Sum"), stat(idle_id, "NetworkIn", "Sum"))
        self.assertEqual(stat(busy_id, "StatusCheckFailed", "Maximum"), 1)
        self.assertEqual(stat(idle_id, "StatusCheckFailed", "Maximum"), 0)
        names = {m["MetricName"] for m in cw.list_metrics(Namespace="AWS/EC2", Dimensions=[{"Name": "InstanceId", "Value": idle_id}])["Metrics"]}
        self.assertTrue({"CPUUtilization", "NetworkIn", "NetworkOut", "StatusCheckFailed"} <= names)

        cw.put_metric_alarm(AlarmName="stop-idle-dev", Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
                            Dimensions=[{"Name": "InstanceId", "Value": idle_id}], Period=60, EvaluationPeriods=1,
                            Threshold=5, ComparisonOperator="LessThanThreshold",
                            AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])
        deadline = time.time() + 90
        state = None
        while time.time() < deadline:
            state = ec2.describe_instances(InstanceIds=[idle_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
            if state == "stopped":
                break
            time.sleep(0.5)
        self.assertEqual(state, "stopped")
        busy_state = ec2.describe_instances(InstanceIds=[busy_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
        self.assertEqual(busy_state, "running")


if __name__ == "__main__":
    unittest.main()
