#!/usr/bin/env python3
"""CloudWatch Logs FilterLogEvents scan rate over ~1 GiB of log events against `grep -c` on the same
bytes, on the same machine.

  python3 bench/logs/run_filter_scan.py [--mib 1024] [--connections 4]     (build first)

The events are access-log lines of ~200 bytes, one in 1,000 carrying the word ERROR. They are put
with PutLogEvents (1 MiB batches, one log stream per connection) and written, newline-joined, to a
file. Then FilterLogEvents with the filter pattern `ERROR` pages through the whole group (boto3's
paginator: the server reads at most 100,000 events a page) and `grep -c ERROR` reads the file,
both with warm page caches (each is run twice; the second run counts). Both must count the same
events. Prints one JSON line per figure."""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from citadel_bench import cpu_seconds, signed_json, start_citadel  # noqa: E402

MIB = 1 << 20
BATCH_BYTES = MIB        # PutLogEvents: message bytes + 26 per event, at most 1 MiB
EVENT_OVERHEAD = 26
MATCH_EVERY = 1000


def line(i):
    level = "ERROR" if i % MATCH_EVERY == 0 else "INFO"
    ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    text = (f'{ip} - - "GET /api/v1/orders/{i:09d}?expand=items HTTP/1.1" {200 if level == "INFO" else 500} '
            f'{(i * 7919) % 50000} "Mozilla/5.0 (X11; Linux x86_64)" level={level} request_id=req-{i:012d}')
    return text + " " + "x" * max(0, 200 - len(text) - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="citadel-scan-")
    proc = None
    try:
        proc, port, creds = start_citadel(os.path.join(work, "data"))
        logs = boto3.client("logs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                            aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                            config=Config(retries={"max_attempts": 1}, read_timeout=600))
        group = "/bench/scan"
        logs.create_log_group(logGroupName=group)

        # The events, cut into batches; file of the same messages for grep.
        total_bytes, n = 0, 0
        batches, current, current_bytes = [], [], 0
        path = os.path.join(work, "events.log")
        with open(path, "w") as f:
            while total_bytes < args.mib * MIB:
                text = line(n)
                f.write(text + "\n")
                size = len(text) + EVENT_OVERHEAD
                if current_bytes + size > BATCH_BYTES:
                    batches.append(current)
                    current, current_bytes = [], 0
                current.append(n)
                current_bytes += size
                total_bytes += len(text)
                n += 1
        batches.append(current)
        expected = (n + MATCH_EVERY - 1) // MATCH_EVERY
        start_ms = int(time.time() * 1000) - 3 * 3600 * 1000  # one event a millisecond from 3 hours ago

        def put(conn_index):
            stream = f"s{conn_index}"
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            for b in batches[conn_index::args.connections]:
                body = json.dumps({"logGroupName": group, "logStreamName": stream,
                                   "logEvents": [{"timestamp": start_ms + i, "message": line(i)} for i in b]}).encode()
                headers = signed_json(creds, port, "logs", "application/x-amz-json-1.1", "Logs_20140328.PutLogEvents", body)
                conn.request("POST", "/", body=body, headers=headers)
                r = conn.getresponse()
                out = r.read()
                if r.status != 200 or b"rejectedLogEventsInfo" in out:
                    raise RuntimeError(f"PutLogEvents: {r.status} {out[:300]}")

        t0 = time.perf_counter()
        threads = [threading.Thread(target=put, args=(c,)) for c in range(args.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ingest_s = time.perf_counter() - t0
        print(json.dumps({"figure": "PutLogEvents ingest (client building and signing included)", "events": n,
                          "message_mib": round(total_bytes / MIB), "seconds": round(ingest_s, 1),
                          "mib_per_s": round(total_bytes / MIB / ingest_s, 1)}))

        def scan():
            matched = 0
            for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern="ERROR"):
                matched += len(page["events"])
            return matched

        def grep():
            out = subprocess.run(["grep", "-c", "ERROR", path], capture_output=True, text=True, env={"LC_ALL": "C"})
            return int(out.stdout)

        for name, fn, pid in (("FilterLogEvents", scan, proc.pid), ("grep -c", grep, None)):
            fn()  # warm
            cpu0 = cpu_seconds(pid) if pid else 0
            t0 = time.perf_counter()
            count = fn()
            seconds = time.perf_counter() - t0
            result = {"figure": "scan", "tool": name, "matched": count, "expected": expected, "seconds": round(seconds, 2),
                      "mib_per_s": round(total_bytes / MIB / seconds, 1)}
            if pid:
                result["server_cpu_s"] = round(cpu_seconds(pid) - cpu0, 2)
            print(json.dumps(result))
            if count != expected:
                sys.exit(f"{name} counted {count} events, expected {expected}")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
