"""GET /metrics: the server's own metrics in Prometheus' text format — requests by service,
operation and status class, latency histograms, audit records and process figures — while a signed
GET /metrics stays S3's (a bucket named "metrics")."""
import re
import unittest
import urllib.request

import botocore.exceptions

from citadel_harness import CitadelTestCase

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def scrape(endpoint):
    with urllib.request.urlopen(endpoint + "/metrics", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = r.read().decode()
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not Prometheus text: {line!r}"
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return samples


class ServerMetrics(CitadelTestCase):
    def test_requests_latency_audit_and_process(self):
        sts = self.server.client("sts")
        for _ in range(3):
            sts.get_caller_identity()
        with self.assertRaises(botocore.exceptions.ClientError):
            self.server.client("iam").get_user(UserName="nobody-here")
        s = scrape(self.server.endpoint)
        self.assertGreaterEqual(s['citadel_requests_total{service="sts",operation="GetCallerIdentity",code="2xx"}'], 3)
        self.assertGreaterEqual(s['citadel_requests_total{service="iam",operation="GetUser",code="4xx"}'], 1)
        count = s['citadel_request_duration_seconds_count{service="sts",operation="GetCallerIdentity"}']
        self.assertEqual(s['citadel_request_duration_seconds_bucket{service="sts",operation="GetCallerIdentity",le="+Inf"}'], count)
        buckets = [v for k, v in s.items() if k.startswith('citadel_request_duration_seconds_bucket{service="sts"')]
        self.assertEqual(buckets, sorted(buckets))  # cumulative
        self.assertGreaterEqual(s["citadel_audit_journal_records_total"], 4)
        self.assertGreater(s["process_resident_memory_bytes"], 1 << 20)
        self.assertGreater(s["process_threads"], 1)
        again = scrape(self.server.endpoint)
        self.assertGreaterEqual(again['citadel_requests_total{service="sts",operation="GetCallerIdentity",code="2xx"}'], 3)

    def test_a_signed_get_is_still_s3(self):
        s3 = self.server.client("s3", signature_version="s3v4")
        s3.create_bucket(Bucket="metrics")
        s3.put_object(Bucket="metrics", Key="k", Body=b"v")
        self.assertEqual([o["Key"] for o in s3.list_objects(Bucket="metrics")["Contents"]], ["k"])


if __name__ == "__main__":
    unittest.main()
