#!/usr/bin/env python3
"""CloudWatch PutMetricData ingestion and GetMetricData latency over 1 M datapoints, side by side in
one run with Prometheus (Debian's package) ingesting and querying the same series on the same
machine.

  python3 bench/cloudwatch/run_prometheus.py [--series 500] [--points 2000] [--connections 4]

The data: SERIES series (metric `cpu`, dimension/label `host`), POINTS points each, one a minute,
ending now. Both servers get the same batches of 1,000 samples — PutMetricData's largest call (a
JSON 1.0 body as boto3 sends it, signed with SigV4) and a Prometheus remote-write request
(protobuf, snappy framing) — built and signed before the clock starts, sent over CONNECTIONS
keep-alive connections, each connection owning a share of the series, all moving through time in
step (Prometheus refuses out-of-order samples and samples an hour older than its newest). Then the median latency of two queries, each run 10
times: one series over the whole range at a 60 s period (GetMetricData MetricStat Average /
query_range `cpu{host="h0000"}` step 60s), and the sum of every series per period, which reads all
1 M datapoints (GetMetricData `SUM(SEARCH('{Bench,host} MetricName="cpu"', 'Average', 60))` /
query_range `sum(cpu)`). Prints one JSON line per figure; server CPU is read from /proc."""
import argparse
import http.client
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
from citadel_bench import cpu_seconds, free_port, signed_json, start_citadel, wait_until  # noqa: E402

BATCH = 1000


# --- Prometheus remote write: protobuf by hand (prometheus/prompb WriteRequest), snappy framing ---

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire_type, payload):
    key = varint((number << 3) | wire_type)
    if wire_type == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def snappy_literal(data):
    """A valid snappy block holding `data` as one literal (no compression: the bodies cross
    loopback, and the reader's work is the same kind)."""
    n = len(data) - 1
    assert n < 1 << 24
    return varint(len(data)) + bytes([62 << 2]) + n.to_bytes(3, "little") + data


def remote_write_body(batch):
    """batch: [(host, [(ts_ms, value), ...]), ...]"""
    out = bytearray()
    for host, samples in batch:
        ts = field(1, 2, field(1, 2, b"__name__") + field(2, 2, b"cpu"))
        ts += field(1, 2, field(1, 2, b"host") + field(2, 2, host.encode()))
        for t, v in samples:
            ts += field(2, 2, field(1, 1, struct.pack("<d", v)) + field(2, 0, varint(t)))
        out += field(1, 2, ts)
    return snappy_literal(bytes(out))


# --- CloudWatch PutMetricData: the JSON 1.0 body boto3 sends, signed as botocore signs it ---

def put_metric_data_body(batch):
    data = []
    for host, samples in batch:
        for t, v in samples:
            data.append({"MetricName": "cpu", "Dimensions": [{"Name": "host", "Value": host}], "Timestamp": t / 1000,
                         "Value": v})
    return json.dumps({"Namespace": "Bench", "MetricData": data}).encode()


def signed(creds, port, target, body):
    return signed_json(creds, port, "monitoring", "application/x-amz-json-1.0", f"GraniteServiceVersion20100801.{target}", body)


def batches(series, points, connections, end_ms):
    """Per connection, its batches in time order: its share of the series, 1,000 samples a batch."""
    hosts = [f"h{i:04d}" for i in range(series)]
    shares = [hosts[c::connections] for c in range(connections)]
    start = end_ms - points * 60000
    out = []
    for share in shares:
        # A batch spans at most half an hour: Prometheus refuses a sample more than an hour older
        # than the newest it holds ("out of bounds").
        per_batch = max(1, min(BATCH // len(share), 30))
        conn_batches = []
        for p0 in range(0, points, per_batch):
            ts = [start + (p0 + k) * 60000 for k in range(min(per_batch, points - p0))]
            conn_batches.append([(h, [(t, float((t // 60000 + int(h[1:])) % 100)) for t in ts]) for h in share])
        out.append(conn_batches)
    return out


def send_all(port, per_connection):
    """per_connection: lists of (path, headers, body); returns seconds for all, and failures."""
    failures = []
    # The connections move through time in step (batch i of every connection before any batch
    # i + 1), for the same reason.
    step = threading.Barrier(len(per_connection))

    def run(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for path, headers, body in requests:
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            payload = r.read()
            if r.status not in (200, 204):
                failures.append((r.status, payload[:300]))
            step.wait()
        conn.close()

    threads = [threading.Thread(target=run, args=(reqs,)) for reqs in per_connection]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, failures


def median_ms(fn, runs=10):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=500)
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("--connections", type=int, default=2 * os.cpu_count())
    args = ap.parse_args()
    total = args.series * args.points
    work = tempfile.mkdtemp(prefix="citadel-prom-")
    procs = []
    try:
        citadel, cport, creds = start_citadel(os.path.join(work, "data"))
        procs.append(citadel)
        pport = free_port()
        with open(os.path.join(work, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1h\n")
        prometheus = subprocess.Popen(["prometheus", f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/tsdb",
                                       f"--web.listen-address=127.0.0.1:{pport}", "--web.enable-remote-write-receiver"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(prometheus)
        wait_until(f"http://127.0.0.1:{pport}/-/ready")

        end_ms = (int(time.time()) // 60) * 60000
        plan = batches(args.series, args.points, args.connections, end_ms)
        rw_headers = {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                      "X-Prometheus-Remote-Write-Version": "0.1.0"}
        prom_requests = [[("/api/v1/write", rw_headers, remote_write_body(b)) for b in conn] for conn in plan]
        cw_requests = []
        for conn in plan:
            reqs = []
            for b in conn:
                body = put_metric_data_body(b)
                reqs.append(("/", signed(creds, cport, "PutMetricData", body), body))
            cw_requests.append(reqs)

        results = {}
        for name, port, pid, reqs in (("citadel", cport, citadel.pid, cw_requests), ("prometheus", pport, prometheus.pid, prom_requests)):
            cpu0 = cpu_seconds(pid)
            seconds, failures = send_all(port, reqs)
            cpu = cpu_seconds(pid) - cpu0
            if failures:
                print(json.dumps({"server": name, "failures": len(failures), "first": str(failures[0])}), file=sys.stderr)
                sys.exit(1)
            results[name] = total / seconds
            print(json.dumps({"figure": "ingest", "server": name, "datapoints": total, "seconds": round(seconds, 2),
                              "datapoints_per_s": round(total / seconds), "server_cpu_us_per_datapoint": round(cpu / total * 1e6, 2)}))
        print(json.dumps({"figure": "ingest ratio citadel/prometheus", "ratio": round(results["citadel"] / results["prometheus"], 3)}))

        start_s, end_s = (end_ms - args.points * 60000) / 1000, end_ms / 1000

        def cw_query(expression_or_stat):
            q = ({"Id": "q", "Expression": expression_or_stat} if isinstance(expression_or_stat, str)
                 else {"Id": "q", "MetricStat": expression_or_stat})
            body = json.dumps({"StartTime": start_s, "EndTime": end_s, "MetricDataQueries": [q]}).encode()
            headers = signed(creds, cport, "GetMetricData", body)
            conn = http.client.HTTPConnection("127.0.0.1", cport, timeout=120)

            def run():
                conn.request("POST", "/", body=body, headers=headers)
                r = conn.getresponse()
                out = json.loads(r.read())
                assert r.status == 200, out
                return out
            first = run()
            points = sum(len(x["Values"]) for x in first["MetricDataResults"])
            return run, points

        def prom_query(expr):
            qs = urllib.parse.urlencode({"query": expr, "start": start_s, "end": end_s - 60, "step": 60})
            conn = http.client.HTTPConnection("127.0.0.1", pport, timeout=120)

            def run():
                conn.request("GET", "/api/v1/query_range?" + qs)
                r = conn.getresponse()
                out = json.loads(r.read())
                assert r.status == 200, out
                return out
            first = run()
            points = sum(len(x["values"]) for x in first["data"]["result"])
            return run, points

        one = {"Metric": {"Namespace": "Bench", "MetricName": "cpu", "Dimensions": [{"Name": "host", "Value": "h0000"}]},
               "Period": 60, "Stat": "Average"}
        queries = [("one series, whole range", cw_query(one), prom_query('cpu{host="h0000"}')),
                   ("sum of every series (reads every datapoint)",
                    cw_query("SUM(SEARCH('{Bench,host} MetricName=\"cpu\"', 'Average', 60))"), prom_query("sum(cpu)"))]
        for label, (cw_run, cw_points), (prom_run, prom_points) in queries:
            cw_ms, prom_ms = median_ms(cw_run), median_ms(prom_run)
            print(json.dumps({"figure": "GetMetricData median latency", "query": label, "citadel_ms": round(cw_ms, 1),
                              "citadel_points_returned": cw_points, "prometheus_ms": round(prom_ms, 1),
                              "prometheus_points_returned": prom_points}))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
