#!/usr/bin/env python3
"""Generates Citadel's wire-protocol tables from botocore's service models.

Reads botocore's data/<service>/<version>/service-2.json.gz for each service Citadel serves and
writes one compact JSON document (documentation stripped) that the protocol layer embeds in the
binary. Run by the build; prefers the machine's Python botocore, then Debian's python3-botocore.

Citadel's own operations (beyond AWS) are in models/<service>/<version>/service-2.sdk-extras.json,
botocore's format for model extras: they are merged here, and clients that point AWS_DATA_PATH at
models/ merge the same file, so boto3 and the aws CLI can call them (docs/ec2.md).

usage: gen_models.py OUT.json SERVICE...
"""
import gzip
import json
import os
import sys

# Keys that only document; dropping them keeps the embedded tables small.
DROP = {"documentation", "documentationUrl", "examples", "deprecatedMessage", "box", "exception_docs"}


def botocore_data_dirs():
    dirs = []
    try:
        import botocore  # noqa: PLC0415
        dirs.append(os.path.join(os.path.dirname(botocore.__file__), "data"))
    except ImportError:
        pass
    dirs.append("/usr/lib/python3/dist-packages/botocore/data")
    return [d for d in dirs if os.path.isdir(d)]


CITADEL_MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")


def merge(into, extra):
    """botocore's merge of an extras file: objects merge member by member, anything else replaces."""
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            merge(into[k], v)
        else:
            into[k] = v


def with_citadel_extras(service, version, model):
    path = os.path.join(CITADEL_MODELS, service, version, "service-2.sdk-extras.json")
    if os.path.exists(path):
        with open(path) as f:
            merge(model, json.load(f)["merge"])
    return model


def load(service):
    for base in botocore_data_dirs():
        sdir = os.path.join(base, service)
        if not os.path.isdir(sdir):
            continue
        version = sorted(v for v in os.listdir(sdir) if os.path.isdir(os.path.join(sdir, v)))[-1]
        for name in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(sdir, version, name)
            if os.path.exists(path):
                opener = gzip.open if name.endswith(".gz") else open
                with opener(path, "rt") as f:
                    return with_citadel_extras(service, version, json.load(f))
    raise SystemExit(f"gen_models: no botocore model for {service}")


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROP}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    out, services = sys.argv[1], sys.argv[2:]
    doc = {}
    for s in services:
        m = strip(load(s))
        md = m["metadata"]
        if "protocols" not in md:
            md["protocols"] = [md["protocol"]]
        doc[s] = {"metadata": md, "operations": m["operations"], "shapes": m["shapes"]}
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"), sort_keys=True)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
