"""S3 objects through real clients: the aws CLI's cp/sync/ls/rm (multipart uploads and ranged
downloads included) with byte-for-byte checks, and boto3 for listing with delimiters and pages,
ranges, conditional requests, copies, tags, checksums and S3's errors."""
import hashlib
import os
import tempfile
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class S3Objects(CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.work = tempfile.mkdtemp(prefix="citadel-s3-")

    def bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        self.addCleanup(self.empty_and_delete, name)
        return name

    def empty_and_delete(self, name):
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for o in page.get("Contents", []):
                self.s3.delete_object(Bucket=name, Key=o["Key"])
        for u in self.s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
            self.s3.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
        self.s3.delete_bucket(Bucket=name)

    def test_cli_round_trips_from_empty_to_multipart_sizes(self):
        self.bucket("cli-round-trip")
        sizes = {"empty.bin": 0, "one.bin": 1, "small.bin": 70_000, "multipart.bin": 20 * 1024 * 1024 + 123}
        src = os.path.join(self.work, "src")
        os.makedirs(os.path.join(src, "nested"), exist_ok=True)
        for name, size in sizes.items():
            with open(os.path.join(src, "nested" if name == "one.bin" else "", name), "wb") as f:
                f.write(os.urandom(size))
        # CLI v1 uploads (multipart for the large file), Debian's CLI v2 downloads (ranged GETs).
        rc, _, err = self.server.aws_v1("s3", "sync", src, "s3://cli-round-trip/data/", "--only-show-errors")
        self.assertEqual(rc, 0, err)
        dst = os.path.join(self.work, "dst")
        rc, _, err = self.server.aws_v2("s3", "sync", "s3://cli-round-trip/data/", dst, "--only-show-errors")
        self.assertEqual(rc, 0, err)
        for name in sizes:
            rel = os.path.join("nested" if name == "one.bin" else "", name)
            self.assertEqual(sha256_file(os.path.join(src, rel)), sha256_file(os.path.join(dst, rel)), rel)
        head = self.s3.head_object(Bucket="cli-round-trip", Key="data/multipart.bin")
        self.assertEqual(head["ContentLength"], sizes["multipart.bin"])
        self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-\d+"$')  # a multipart upload's ETag
        rc, out, err = self.server.aws_v1("s3api", "list-objects-v2", "--bucket", "cli-round-trip", "--prefix", "data/")
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(o["Key"] for o in out["Contents"]),
                         sorted(f"data/{'nested/' if n == 'one.bin' else ''}{n}" for n in sizes))
        # A copy of a multipart object inside S3 (UploadPartCopy for the CLI), then removal.
        rc, _, err = self.server.aws_v1("s3", "cp", "s3://cli-round-trip/data/multipart.bin", "s3://cli-round-trip/copy.bin",
                                        "--only-show-errors")
        self.assertEqual(rc, 0, err)
        copy = self.s3.get_object(Bucket="cli-round-trip", Key="copy.bin")["Body"].read()
        with open(os.path.join(src, "multipart.bin"), "rb") as f:
            self.assertEqual(hashlib.sha256(copy).hexdigest(), hashlib.sha256(f.read()).hexdigest())
        rc, _, err = self.server.aws_v2("s3", "rm", "s3://cli-round-trip/", "--recursive", "--only-show-errors")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.s3.list_objects_v2(Bucket="cli-round-trip")["KeyCount"], 0)

    def test_listing_with_delimiter_and_pages(self):
        self.bucket("listing")
        keys = ["a.txt", "photos/2025/x.jpg", "photos/2025/y.jpg", "photos/2026/z.jpg", "photos/top.jpg", "z/last", "sp ace+plus.txt"]
        for k in keys:
            self.s3.put_object(Bucket="listing", Key=k, Body=b"x")
        top = self.s3.list_objects_v2(Bucket="listing", Delimiter="/")
        self.assertEqual([o["Key"] for o in top["Contents"]], ["a.txt", "sp ace+plus.txt"])
        self.assertEqual([p["Prefix"] for p in top["CommonPrefixes"]], ["photos/", "z/"])
        self.assertEqual(top["KeyCount"], 4)
        photos = self.s3.list_objects_v2(Bucket="listing", Prefix="photos/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in photos["CommonPrefixes"]], ["photos/2025/", "photos/2026/"])
        self.assertEqual([o["Key"] for o in photos["Contents"]], ["photos/top.jpg"])
        seen, token = [], None
        while True:
            kw = {"Bucket": "listing", "MaxKeys": 2}
            if token:
                kw["ContinuationToken"] = token
            page = self.s3.list_objects_v2(**kw)
            seen += [o["Key"] for o in page.get("Contents", [])]
            self.assertLessEqual(page["KeyCount"], 2)
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(seen, sorted(keys))
        after = self.s3.list_objects_v2(Bucket="listing", StartAfter="photos/2026/z.jpg")
        self.assertEqual([o["Key"] for o in after["Contents"]], ["photos/top.jpg", "sp ace+plus.txt", "z/last"])
        v1 = self.s3.list_objects(Bucket="listing", Prefix="photos/", MaxKeys=2)
        self.assertTrue(v1["IsTruncated"])
        self.assertEqual(len(v1["Contents"]), 2)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.list_objects_v2(Bucket="listing", ContinuationToken="bogus")
        self.assertAwsError(ctx, "InvalidArgument", 400)

    def test_ranges_conditions_metadata_and_tags(self):
        self.bucket("reads")
        body = bytes(range(256)) * 4
        put = self.s3.put_object(Bucket="reads", Key="k", Body=body, ContentType="application/x-test",
                                 Metadata={"Owner": "sec"}, Tagging="team=blue&tier=1", ChecksumAlgorithm="SHA256")
        etag = put["ETag"]
        self.assertEqual(etag, '"' + hashlib.md5(body).hexdigest() + '"')
        got = self.s3.get_object(Bucket="reads", Key="k", Range="bytes=10-19")
        self.assertEqual(got["Body"].read(), body[10:20])
        self.assertEqual(got["ContentRange"], "bytes 10-19/1024")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(self.s3.get_object(Bucket="reads", Key="k", Range="bytes=-5")["Body"].read(), body[-5:])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="reads", Key="k", Range="bytes=5000-6000")
        self.assertAwsError(ctx, "InvalidRange", 416)
        whole = self.s3.get_object(Bucket="reads", Key="k", ChecksumMode="ENABLED")
        self.assertEqual(whole["ContentType"], "application/x-test")
        self.assertEqual(whole["Metadata"], {"owner": "sec"})
        self.assertEqual(whole["TagCount"], 2)
        self.assertTrue(whole["ChecksumSHA256"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="reads", Key="k", IfNoneMatch=etag)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="reads", Key="k", IfMatch='"0000"')
        self.assertAwsError(ctx, "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket="reads", Key="k", IfMatch=etag)["ContentLength"], 1024)
        tags = self.s3.get_object_tagging(Bucket="reads", Key="k")["TagSet"]
        self.assertEqual(tags, [{"Key": "team", "Value": "blue"}, {"Key": "tier", "Value": "1"}])
        copy = self.s3.copy_object(Bucket="reads", Key="k2", CopySource="reads/k")
        self.assertEqual(copy["CopyObjectResult"]["ETag"], etag)
        self.assertEqual(self.s3.head_object(Bucket="reads", Key="k2")["Metadata"], {"owner": "sec"})
        # Create-only writes.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="reads", Key="k", Body=b"new", IfNoneMatch="*")
        self.assertAwsError(ctx, "PreconditionFailed", 412)

    def test_bad_digests_and_missing_things(self):
        self.bucket("errors")
        unchecked = self.server.client("s3", parameter_validation=False)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            unchecked.put_object(Bucket="errors", Key="k", Body=b"abc", ContentMD5="AAAAAAAAAAAAAAAAAAAAAA==")
        self.assertAwsError(ctx, "BadDigest", 400)
        self.assertEqual(self.s3.list_objects_v2(Bucket="errors")["KeyCount"], 0)  # nothing half-written
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="errors", Key="nope")
        self.assertAwsError(ctx, "NoSuchKey", 404)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.list_objects_v2(Bucket="no-such-bucket-here")
        self.assertAwsError(ctx, "NoSuchBucket", 404)
        for bad in ("UPPER", "ab", "-dash", "192.168.1.1", "a..b"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                unchecked.create_bucket(Bucket=bad)
            self.assertAwsError(ctx, "InvalidBucketName", 400)
        self.s3.put_object(Bucket="errors", Key="k", Body=b"abc")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.delete_bucket(Bucket="errors")
        self.assertAwsError(ctx, "BucketNotEmpty", 409)
        # Multipart rules: ordered parts, matching ETags, 5 MiB minimum for all but the last.
        up = self.s3.create_multipart_upload(Bucket="errors", Key="mp")["UploadId"]
        p1 = self.s3.upload_part(Bucket="errors", Key="mp", UploadId=up, PartNumber=1, Body=b"a" * 10)["ETag"]
        p2 = self.s3.upload_part(Bucket="errors", Key="mp", UploadId=up, PartNumber=2, Body=b"b" * 10)["ETag"]
        for parts, code in (([{"PartNumber": 2, "ETag": p2}, {"PartNumber": 1, "ETag": p1}], "InvalidPartOrder"),
                            ([{"PartNumber": 1, "ETag": p2}], "InvalidPart"),
                            ([{"PartNumber": 1, "ETag": p1}, {"PartNumber": 2, "ETag": p2}], "EntityTooSmall")):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.s3.complete_multipart_upload(Bucket="errors", Key="mp", UploadId=up, MultipartUpload={"Parts": parts})
            self.assertAwsError(ctx, code, 400)
        self.assertEqual([p["PartNumber"] for p in self.s3.list_parts(Bucket="errors", Key="mp", UploadId=up)["Parts"]], [1, 2])
        self.s3.abort_multipart_upload(Bucket="errors", Key="mp", UploadId=up)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.list_parts(Bucket="errors", Key="mp", UploadId=up)
        self.assertAwsError(ctx, "NoSuchUpload", 404)


if __name__ == "__main__":
    unittest.main()
