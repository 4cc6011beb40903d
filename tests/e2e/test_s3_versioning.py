"""S3 bucket versioning through boto3 and both aws CLIs: enabling and suspending, old versions kept
and read back byte for byte, delete markers, permanent deletion of versions, ListObjectVersions with
pages and common prefixes, "null" versions while suspended, DeleteBucket refused while versions
remain, s3:GetObjectVersion as its own action, and S3's errors for bad version ids."""
import json
import os
import tempfile
import unittest

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures


class S3Versioning(IamFixtures, CitadelTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.iam = cls.server.client("iam")
        cls.work = tempfile.mkdtemp(prefix="citadel-s3v-")

    def bucket(self, name, enable=True):
        self.s3.create_bucket(Bucket=name)
        if enable:
            self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        self.addCleanup(self.purge, name)
        return name

    def all_versions(self, name, **kw):
        out = self.s3.list_object_versions(Bucket=name, **kw)
        return out.get("Versions", []), out.get("DeleteMarkers", [])

    def purge(self, name):
        try:
            versions, markers = self.all_versions(name)
        except botocore.exceptions.ClientError:
            return
        for v in versions + markers:
            self.s3.delete_object(Bucket=name, Key=v["Key"], VersionId=v["VersionId"])
        self.s3.delete_bucket(Bucket=name)

    def test_enable_overwrite_and_read_old_versions(self):
        self.s3.create_bucket(Bucket="ver-basic")
        self.addCleanup(self.purge, "ver-basic")
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket="ver-basic"))
        # Never versioned: no version id on writes.
        self.assertNotIn("VersionId", self.s3.put_object(Bucket="ver-basic", Key="pre", Body=b"before"))
        self.s3.put_bucket_versioning(Bucket="ver-basic", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="ver-basic")["Status"], "Enabled")
        bodies = [os.urandom(n) for n in (10, 70_000, 3)]
        ids = [self.s3.put_object(Bucket="ver-basic", Key="doc", Body=b)["VersionId"] for b in bodies]
        self.assertEqual(len(set(ids)), 3)
        for vid in ids:
            self.assertEqual(len(vid), 32)
        # The latest is current; every old version reads back byte for byte.
        got = self.s3.get_object(Bucket="ver-basic", Key="doc")
        self.assertEqual(got["Body"].read(), bodies[2])
        self.assertEqual(got["VersionId"], ids[2])
        for vid, body in zip(ids, bodies):
            got = self.s3.get_object(Bucket="ver-basic", Key="doc", VersionId=vid)
            self.assertEqual(got["Body"].read(), body)
            self.assertEqual(got["VersionId"], vid)
            self.assertEqual(self.s3.head_object(Bucket="ver-basic", Key="doc", VersionId=vid)["ContentLength"], len(body))
        # The object written before versioning is the "null" version.
        self.assertEqual(self.s3.head_object(Bucket="ver-basic", Key="pre")["VersionId"], "null")
        self.assertEqual(self.s3.get_object(Bucket="ver-basic", Key="pre", VersionId="null")["Body"].read(), b"before")
        versions, markers = self.all_versions("ver-basic")
        self.assertEqual(markers, [])
        doc = [v for v in versions if v["Key"] == "doc"]
        self.assertEqual([v["VersionId"] for v in doc], ids[::-1])  # newest first
        self.assertEqual([v["IsLatest"] for v in doc], [True, False, False])
        self.assertEqual([v["Size"] for v in doc], [3, 70_000, 10])
        # Only the current versions are listed by ListObjectsV2.
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket="ver-basic")["Contents"]], ["doc", "pre"])
        # CopyObject from an old version.
        copy = self.s3.copy_object(Bucket="ver-basic", Key="copy", CopySource={"Bucket": "ver-basic", "Key": "doc", "VersionId": ids[0]})
        self.assertEqual(copy["CopySourceVersionId"], ids[0])
        self.assertIn("VersionId", copy)
        self.assertEqual(self.s3.get_object(Bucket="ver-basic", Key="copy")["Body"].read(), bodies[0])

    def test_delete_markers_and_permanent_deletion(self):
        self.bucket("ver-delete")
        v1 = self.s3.put_object(Bucket="ver-delete", Key="k", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket="ver-delete", Key="k", Body=b"two")["VersionId"]
        d = self.s3.delete_object(Bucket="ver-delete", Key="k")
        self.assertTrue(d["DeleteMarker"])
        marker = d["VersionId"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="ver-delete", Key="k")
        self.assertAwsError(ctx, "NoSuchKey", 404)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.head_object(Bucket="ver-delete", Key="k")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="ver-delete"))
        # A delete marker's version id is not an object: 405.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="ver-delete", Key="k", VersionId=marker)
        self.assertAwsError(ctx, "MethodNotAllowed", 405)
        # Old versions are still there.
        self.assertEqual(self.s3.get_object(Bucket="ver-delete", Key="k", VersionId=v1)["Body"].read(), b"one")
        versions, markers = self.all_versions("ver-delete")
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in markers], [(marker, True)])
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in versions], [(v2, False), (v1, False)])
        # Deleting the delete marker undeletes the key.
        d = self.s3.delete_object(Bucket="ver-delete", Key="k", VersionId=marker)
        self.assertTrue(d["DeleteMarker"])
        self.assertEqual(d["VersionId"], marker)
        self.assertEqual(self.s3.get_object(Bucket="ver-delete", Key="k")["Body"].read(), b"two")
        # Deleting the current version permanently makes the previous one current.
        d = self.s3.delete_object(Bucket="ver-delete", Key="k", VersionId=v2)
        self.assertEqual(d["VersionId"], v2)
        self.assertNotIn("DeleteMarker", d)
        got = self.s3.get_object(Bucket="ver-delete", Key="k")
        self.assertEqual((got["Body"].read(), got["VersionId"]), (b"one", v1))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="ver-delete", Key="k", VersionId=v2)
        self.assertAwsError(ctx, "NoSuchVersion", 404)
        # DeleteObjects with and without version ids.
        v3 = self.s3.put_object(Bucket="ver-delete", Key="m", Body=b"m")["VersionId"]
        out = self.s3.delete_objects(Bucket="ver-delete", Delete={"Objects": [{"Key": "k", "VersionId": v1}, {"Key": "m"}]})
        by_key = {d["Key"]: d for d in out["Deleted"]}
        self.assertEqual(by_key["k"]["VersionId"], v1)
        self.assertTrue(by_key["m"]["DeleteMarker"])
        self.assertIn("DeleteMarkerVersionId", by_key["m"])
        self.assertEqual(self.s3.get_object(Bucket="ver-delete", Key="m", VersionId=v3)["Body"].read(), b"m")
        versions, markers = self.all_versions("ver-delete")
        self.assertEqual([v["VersionId"] for v in versions], [v3])
        self.assertEqual([m["Key"] for m in markers], ["m"])

    def test_multipart_completion_keeps_the_previous_version(self):
        self.bucket("ver-multipart")
        first = self.s3.put_object(Bucket="ver-multipart", Key="big", Body=b"small first")["VersionId"]
        up = self.s3.create_multipart_upload(Bucket="ver-multipart", Key="big")["UploadId"]
        parts = [os.urandom(5 * 1024 * 1024), b"tail"]
        etags = [self.s3.upload_part(Bucket="ver-multipart", Key="big", UploadId=up, PartNumber=i + 1, Body=p)["ETag"]
                 for i, p in enumerate(parts)]
        done = self.s3.complete_multipart_upload(Bucket="ver-multipart", Key="big", UploadId=up, MultipartUpload={
            "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
        self.assertNotEqual(done["VersionId"], first)
        self.assertEqual(self.s3.get_object(Bucket="ver-multipart", Key="big")["Body"].read(), b"".join(parts))
        self.assertEqual(self.s3.get_object(Bucket="ver-multipart", Key="big", VersionId=first)["Body"].read(), b"small first")
        versions, _ = self.all_versions("ver-multipart")
        self.assertEqual([v["VersionId"] for v in versions], [done["VersionId"], first])

    def test_bad_version_ids(self):
        self.bucket("ver-errors")
        self.s3.put_object(Bucket="ver-errors", Key="k", Body=b"x")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="ver-errors", Key="k", VersionId="not-a-version")
        self.assertAwsError(ctx, "InvalidArgument", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.delete_object(Bucket="ver-errors", Key="k", VersionId="bad")
        self.assertAwsError(ctx, "InvalidArgument", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="ver-errors", Key="k", VersionId="A" * 32)
        self.assertAwsError(ctx, "NoSuchVersion", 404)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_bucket_versioning(Bucket="ver-errors", VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
                                          MFA="arn:aws:iam::123456789012:mfa/x 123456")
        self.assertAwsError(ctx, "NotImplemented", 501)

    def test_suspended_writes_null_versions(self):
        self.bucket("ver-suspend")
        v1 = self.s3.put_object(Bucket="ver-suspend", Key="k", Body=b"v1")["VersionId"]
        self.s3.put_bucket_versioning(Bucket="ver-suspend", VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="ver-suspend")["Status"], "Suspended")
        self.assertEqual(self.s3.put_object(Bucket="ver-suspend", Key="k", Body=b"n1")["VersionId"], "null")
        self.assertEqual(self.s3.put_object(Bucket="ver-suspend", Key="k", Body=b"n2")["VersionId"], "null")
        versions, _ = self.all_versions("ver-suspend")
        self.assertEqual([v["VersionId"] for v in versions], ["null", v1])
        self.assertEqual(self.s3.get_object(Bucket="ver-suspend", Key="k", VersionId="null")["Body"].read(), b"n2")
        self.assertEqual(self.s3.get_object(Bucket="ver-suspend", Key="k", VersionId=v1)["Body"].read(), b"v1")
        # A delete while suspended is a "null" delete marker that replaces the "null" version.
        d = self.s3.delete_object(Bucket="ver-suspend", Key="k")
        self.assertEqual((d["DeleteMarker"], d["VersionId"]), (True, "null"))
        versions, markers = self.all_versions("ver-suspend")
        self.assertEqual([v["VersionId"] for v in versions], [v1])
        self.assertEqual([m["VersionId"] for m in markers], ["null"])

    def test_delete_bucket_refused_until_every_version_is_gone(self):
        self.s3.create_bucket(Bucket="ver-bucket-delete")
        self.s3.put_bucket_versioning(Bucket="ver-bucket-delete", VersioningConfiguration={"Status": "Enabled"})
        v = self.s3.put_object(Bucket="ver-bucket-delete", Key="k", Body=b"x")["VersionId"]
        marker = self.s3.delete_object(Bucket="ver-bucket-delete", Key="k")["VersionId"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.delete_bucket(Bucket="ver-bucket-delete")
        self.assertAwsError(ctx, "BucketNotEmpty", 409)
        self.s3.delete_object(Bucket="ver-bucket-delete", Key="k", VersionId=v)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.delete_bucket(Bucket="ver-bucket-delete")
        self.assertAwsError(ctx, "BucketNotEmpty", 409)
        self.s3.delete_object(Bucket="ver-bucket-delete", Key="k", VersionId=marker)
        self.s3.delete_bucket(Bucket="ver-bucket-delete")

    def test_list_object_versions_pages_and_prefixes(self):
        self.bucket("ver-list")
        expected = []
        for key in ("a", "b", "dir/x", "dir/y", "c"):
            ids = [self.s3.put_object(Bucket="ver-list", Key=key, Body=key.encode() * n)["VersionId"] for n in (1, 2)]
            expected += [(key, ids[1]), (key, ids[0])]
        expected.sort(key=lambda kv: kv[0])  # stable: newest first within a key
        seen, kw = [], {}
        while True:
            page = self.s3.list_object_versions(Bucket="ver-list", MaxKeys=3, **kw)
            seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
            if not page["IsTruncated"]:
                break
            kw = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
        self.assertEqual(seen, expected)
        # The paginator agrees.
        pages = self.s3.get_paginator("list_object_versions").paginate(Bucket="ver-list", PaginationConfig={"PageSize": 4})
        self.assertEqual([(v["Key"], v["VersionId"]) for p in pages for v in p.get("Versions", [])], expected)
        out = self.s3.list_object_versions(Bucket="ver-list", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]], ["dir/"])
        self.assertEqual(sorted({v["Key"] for v in out["Versions"]}), ["a", "b", "c"])
        out = self.s3.list_object_versions(Bucket="ver-list", Prefix="dir/")
        self.assertEqual([v["Key"] for v in out["Versions"]], ["dir/x", "dir/x", "dir/y", "dir/y"])

    def test_get_object_version_is_its_own_action(self):
        self.bucket("ver-authz")
        old = self.s3.put_object(Bucket="ver-authz", Key="doc", Body=b"old")["VersionId"]
        self.s3.put_object(Bucket="ver-authz", Key="doc", Body=b"new")
        self.make_user("ver-reader")
        self.iam.put_user_policy(UserName="ver-reader", PolicyName="s3", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::ver-authz", "arn:aws:s3:::ver-authz/*"]}]}))
        self.addCleanup(self.iam.delete_user_policy, UserName="ver-reader", PolicyName="s3")
        key = self.iam.create_access_key(UserName="ver-reader")["AccessKey"]
        reader = self.server.client("s3", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(reader.get_object(Bucket="ver-authz", Key="doc")["Body"].read(), b"new")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.get_object(Bucket="ver-authz", Key="doc", VersionId=old)
        err = self.assertAwsError(ctx, "AccessDenied", 403)
        self.assertIn("s3:GetObjectVersion", err["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.list_object_versions(Bucket="ver-authz")
        self.assertAwsError(ctx, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            reader.delete_object(Bucket="ver-authz", Key="doc", VersionId=old)
        self.assertAwsError(ctx, "AccessDenied", 403)

    def test_cli_v1_and_v2(self):
        self.s3.create_bucket(Bucket="ver-cli")
        self.addCleanup(self.purge, "ver-cli")
        rc, _, err = self.server.aws_v1("s3api", "put-bucket-versioning", "--bucket", "ver-cli",
                                        "--versioning-configuration", "Status=Enabled")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws_v2("s3api", "get-bucket-versioning", "--bucket", "ver-cli")
        self.assertEqual((rc, out["Status"]), (0, "Enabled"), err)
        path = os.path.join(self.work, "first.bin")
        first = os.urandom(50_000)
        with open(path, "wb") as f:
            f.write(first)
        rc, out, err = self.server.aws_v1("s3api", "put-object", "--bucket", "ver-cli", "--key", "f", "--body", path)
        self.assertEqual(rc, 0, err)
        first_id = out["VersionId"]
        rc, out, err = self.server.aws_v2("s3api", "put-object", "--bucket", "ver-cli", "--key", "f", "--body", __file__)
        self.assertEqual(rc, 0, err)
        rc, out, err = self.server.aws_v2("s3api", "list-object-versions", "--bucket", "ver-cli")
        self.assertEqual(rc, 0, err)
        self.assertEqual([v["IsLatest"] for v in out["Versions"]], [True, False])
        self.assertEqual(out["Versions"][1]["VersionId"], first_id)
        dest = os.path.join(self.work, "back.bin")
        rc, out, err = self.server.aws_v2("s3api", "get-object", "--bucket", "ver-cli", "--key", "f", "--version-id", first_id, dest)
        self.assertEqual(rc, 0, err)
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), first)
        rc, out, err = self.server.aws_v1("s3api", "delete-object", "--bucket", "ver-cli", "--key", "f")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["DeleteMarker"])
        rc, out, err = self.server.aws_v1("s3api", "list-object-versions", "--bucket", "ver-cli")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["DeleteMarkers"]), 1)
        self.assertTrue(out["DeleteMarkers"][0]["IsLatest"])


if __name__ == "__main__":
    unittest.main()
