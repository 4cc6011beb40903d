"""Each AWS wire protocol answers in its own shape: query XML (IAM, STS, old CLIs' CloudWatch),
JSON 1.1 (CloudTrail), JSON 1.0 in query-compatible mode (current boto3's CloudWatch; RPC v2 CBOR is
in test_cloudwatch_metrics_and_alarms.py), rest-json
(GuardDuty) and rest-xml (S3). Operations Citadel does not have yet answer 501 NotImplemented."""
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


class WireProtocols(CitadelTestCase):
    def assertNotImplemented(self, call):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            call()
        return self.assertAwsError(ctx, "NotImplemented", 501)

    def test_cloudwatch_json_query_compatible_mode(self):
        cw = self.server.client("cloudwatch")
        err = self.assertNotImplemented(lambda: cw.list_metric_streams())  # metric streams are not built
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-query-error"), "NotImplemented;Receiver")

    def test_cloudwatch_query_protocol_from_cli_v2(self):
        rc, _, err = self.server.aws_v2("cloudwatch", "list-metric-streams")
        self.assertNotEqual(rc, 0)
        self.assertIn("NotImplemented", err)

    def test_rest_json_service(self):
        gd = self.server.client("guardduty")
        self.assertNotImplemented(lambda: gd.list_detectors())
        self.assertNotImplemented(lambda: gd.get_detector(DetectorId="12abc34d567e8fa901bc2d34e56789f0"))

    def test_rest_xml_service(self):
        s3 = self.server.client("s3")
        # Object Lock is not built: a known rest-xml operation answers 501 in S3's error shape.
        self.assertNotImplemented(lambda: s3.get_object_lock_configuration(Bucket="anybucket"))

    def test_json_service_not_built(self):
        kms = self.server.client("kms")  # KMS is built, but not its custom key stores
        self.assertNotImplemented(lambda: kms.describe_custom_key_stores())

    def test_ec2_protocol(self):
        ec2 = self.server.client("ec2")
        self.assertNotImplemented(lambda: ec2.describe_vpn_gateways())

    def test_unimplemented_call_is_still_audited(self):
        import json
        self.assertNotImplemented(lambda: self.server.client("kms").connect_custom_key_store(CustomKeyStoreId="cks-1234567890abcdef0"))
        ct = self.server.client("cloudtrail")
        events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ConnectCustomKeyStore"}])["Events"]
        self.assertTrue(events)
        self.assertEqual(json.loads(events[0]["CloudTrailEvent"])["errorCode"], "NotImplemented")


if __name__ == "__main__":
    unittest.main()
