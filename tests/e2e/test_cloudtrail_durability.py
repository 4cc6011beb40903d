"""An acknowledged call's event is never lost and never doubled: kill -9 the server while clients
hammer it with writes and reads, restart it on the same data, and every acknowledged request is in
Event history and, once the trail has delivered, in exactly one record of the trail's S3 files. A
change and its event stand or fall together, the calls the kill cut off included: the users that
exist are exactly those whose CreateUser succeeded in the trail."""
import gzip
import json
import signal
import threading
import time
import unittest
from collections import Counter

import botocore.exceptions

from citadel_harness import TRAIL_DELIVERY_ARGS, Server, cloudtrail_bucket_policy

WORKERS = 6
LOAD_SECONDS = 3


class TrailDurability(unittest.TestCase):
    def test_kill_9_under_load_loses_and_doubles_nothing(self):
        s = Server(extra_args=TRAIL_DELIVERY_ARGS).start()
        self.addCleanup(s.cleanup)
        s.read_root_credentials()
        account = s.root["AccountId"]
        s3, ct = s.client("s3", signature_version="s3v4"), s.client("cloudtrail")
        s3.create_bucket(Bucket="durable-trail")
        s3.put_bucket_policy(Bucket="durable-trail", Policy=cloudtrail_bucket_policy("durable-trail", account))
        ct.create_trail(Name="durable", S3BucketName="durable-trail")
        ct.start_logging(Name="durable")

        acknowledged = []  # (request id, operation)
        lock = threading.Lock()
        stop = threading.Event()

        def worker(n):
            iam = s.client("iam")
            i = 0
            while not stop.is_set():
                name = f"durable-{n}-{i}"
                try:
                    for op, call in (("CreateUser", lambda: iam.create_user(UserName=name)),
                                     ("GetUser", lambda: iam.get_user(UserName=name))):
                        rid = call()["ResponseMetadata"]["RequestId"]
                        with lock:
                            acknowledged.append((rid, op))
                except Exception:
                    return  # the server is gone
                i += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
        for t in threads:
            t.start()
        time.sleep(LOAD_SECONDS)
        s.stop(sig=signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        self.assertGreater(len(acknowledged), 50)
        print(f"{len(acknowledged)} acknowledged calls before kill -9")

        again = Server(data_dir=s.data_dir, extra_args=TRAIL_DELIVERY_ARGS).start()
        again.root = s.root
        self.addCleanup(again.stop)
        wanted = {rid for rid, _ in acknowledged}

        # Event history: every acknowledged call.
        ct = again.client("cloudtrail")
        history, created = set(), set()
        for op in ("CreateUser", "GetUser"):
            for page in ct.get_paginator("lookup_events").paginate(
                    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": op}]):
                for e in page["Events"]:
                    record = json.loads(e["CloudTrailEvent"])
                    history.add(record["requestID"])
                    if op == "CreateUser" and "errorCode" not in record:
                        created.add(record["requestParameters"]["userName"])
        self.assertEqual(wanted - history, set())
        users = {u["UserName"] for page in again.client("iam").get_paginator("list_users").paginate()
                 for u in page["Users"] if u["UserName"].startswith("durable-")}
        self.assertEqual(users, created)

        # The trail's files: every acknowledged call exactly once, once delivery caught up.
        s3 = again.client("s3", signature_version="s3v4")
        prefix = f"AWSLogs/{account}/CloudTrail/"
        deadline = time.time() + 60
        while True:
            delivered = Counter()
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="durable-trail", Prefix=prefix):
                for o in page.get("Contents", []):
                    body = gzip.decompress(s3.get_object(Bucket="durable-trail", Key=o["Key"])["Body"].read())
                    delivered.update(r["eventID"] for r in json.loads(body)["Records"]
                                     if r["eventName"] in ("CreateUser", "GetUser") and r["requestID"] in wanted)
            if len(delivered) >= len(wanted) or time.time() > deadline:
                break
            time.sleep(1)
        self.assertEqual([e for e, n in delivered.items() if n > 1], [])  # no event delivered twice
        self.assertEqual(len(delivered), len(wanted))  # one event per acknowledged request
        status = ct.get_trail_status(Name="durable")
        self.assertNotIn("LatestDeliveryError", status)


if __name__ == "__main__":
    unittest.main()
