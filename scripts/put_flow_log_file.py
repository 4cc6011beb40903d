#!/usr/bin/env python3
"""Submits a file of VPC flow log records to Citadel with PutFlowLogRecords (docs/ec2.md).

usage: put_flow_log_file.py --endpoint-url URL [--region REGION] FILE...

Each FILE holds one record a line, plain or gzipped; a first line of field names (the header of
the files flow logs deliver to S3, "version account-id interface-id ...") gives the records'
LogFormat, otherwise they are in the default (version 2) format. Records go in calls of at most
10,000, signed with the credentials boto3 finds (environment, profile), so they are authorized
and audited as any call is. The records must name network interfaces of the caller's account.
"""
import argparse
import gzip
import os
import sys

# Citadel's own operations, for botocore (models/README.md).
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
os.environ["AWS_DATA_PATH"] = os.pathsep.join(p for p in (MODELS, os.environ.get("AWS_DATA_PATH")) if p)

import boto3  # noqa: E402 (after AWS_DATA_PATH, which boto3 reads when it makes its session)

BATCH = 10000


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return [line for line in data.decode().splitlines() if line.strip()]


def format_of(lines):
    """The LogFormat of a file's header line, and the records after it (no header: the default)."""
    if lines and not lines[0].split(" ", 1)[0].isdigit():
        return " ".join("${" + name + "}" for name in lines[0].split()), lines[1:]
    return None, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", default=None)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    ec2 = boto3.client("ec2", endpoint_url=args.endpoint_url, region_name=args.region)
    total = 0
    for path in args.files:
        log_format, records = format_of(read_lines(path))
        for i in range(0, len(records), BATCH):
            params = {"Records": records[i:i + BATCH]}
            if log_format:
                params["LogFormat"] = log_format
            total += ec2.put_flow_log_records(**params)["RecordCount"]
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
