// S3's tables: buckets (with their policy and tags), objects (metadata; the bytes live in blob
// files, object_files.h), and multipart uploads with their parts.
#include "services/s3/s3_service.h"

namespace citadel::services::s3 {

std::vector<store::Migration> S3Service::migrations() const {
  return {
      {"s3/001_buckets_objects", R"sql(
-- Bucket names are global, as in AWS: one name, one owner.
CREATE TABLE s3_buckets (
  name       TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  region     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  policy     TEXT
);
CREATE INDEX s3_buckets_by_account ON s3_buckets(account_id, name);
CREATE TABLE s3_bucket_tags (
  bucket    TEXT NOT NULL REFERENCES s3_buckets(name) ON DELETE CASCADE,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (bucket, tag_key)
);
-- The current version of each key. blob names the file that holds the bytes.
CREATE TABLE s3_objects (
  bucket           TEXT NOT NULL REFERENCES s3_buckets(name),
  object_key       TEXT NOT NULL,
  blob             TEXT NOT NULL,
  size             INTEGER NOT NULL,
  etag             TEXT NOT NULL,
  content_type     TEXT NOT NULL,
  metadata         TEXT NOT NULL,
  headers          TEXT NOT NULL,
  checksum_crc32   TEXT,
  checksum_sha256  TEXT,
  parts_count      INTEGER,
  last_modified_ms INTEGER NOT NULL,
  PRIMARY KEY (bucket, object_key)
);
CREATE TABLE s3_object_tags (
  bucket     TEXT NOT NULL,
  object_key TEXT NOT NULL,
  tag_key    TEXT NOT NULL,
  tag_value  TEXT NOT NULL,
  PRIMARY KEY (bucket, object_key, tag_key),
  FOREIGN KEY (bucket, object_key) REFERENCES s3_objects(bucket, object_key) ON DELETE CASCADE
);
CREATE TABLE s3_uploads (
  upload_id    TEXT PRIMARY KEY,
  bucket       TEXT NOT NULL REFERENCES s3_buckets(name),
  object_key   TEXT NOT NULL,
  content_type TEXT NOT NULL,
  metadata     TEXT NOT NULL,
  headers      TEXT NOT NULL,
  initiator    TEXT NOT NULL,
  created_ms   INTEGER NOT NULL
);
CREATE INDEX s3_uploads_by_bucket ON s3_uploads(bucket, object_key, upload_id);
CREATE TABLE s3_upload_parts (
  upload_id   TEXT NOT NULL REFERENCES s3_uploads(upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  blob        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
)sql"},
      {"s3/002_public_access", R"sql(
-- Block Public Access, per bucket (no row: nothing blocked at the bucket's level).
CREATE TABLE s3_public_access_blocks (
  bucket                  TEXT PRIMARY KEY REFERENCES s3_buckets(name) ON DELETE CASCADE,
  block_public_acls       INTEGER NOT NULL,
  ignore_public_acls      INTEGER NOT NULL,
  block_public_policy     INTEGER NOT NULL,
  restrict_public_buckets INTEGER NOT NULL
);
)sql"},
      {"s3/003_versions", R"sql(
-- Versioning: '' (never set), 'Enabled' or 'Suspended'.
ALTER TABLE s3_buckets ADD COLUMN versioning TEXT NOT NULL DEFAULT '';
-- s3_objects stays the current version of each key; its version id is 'null' when it was written
-- while versioning was off or suspended.
ALTER TABLE s3_objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';
-- Noncurrent versions and delete markers (blob NULL). seq orders a key's versions: a version
-- enters this table when it stops being current, so a greater seq is a newer version. A key with
-- no current row whose newest entry here is a delete marker is deleted.
CREATE TABLE s3_object_versions (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  bucket           TEXT NOT NULL REFERENCES s3_buckets(name),
  object_key       TEXT NOT NULL,
  version_id       TEXT NOT NULL,
  is_delete_marker INTEGER NOT NULL,
  blob             TEXT,
  size             INTEGER NOT NULL,
  etag             TEXT NOT NULL,
  content_type     TEXT NOT NULL,
  metadata         TEXT NOT NULL,
  headers          TEXT NOT NULL,
  checksum_crc32   TEXT,
  checksum_sha256  TEXT,
  parts_count      INTEGER,
  last_modified_ms INTEGER NOT NULL,
  UNIQUE (bucket, object_key, version_id)
);
CREATE INDEX s3_object_versions_by_key ON s3_object_versions(bucket, object_key, seq);
)sql"},
      {"s3/004_ownership", R"sql(
-- Object Ownership: 'BucketOwnerEnforced' (ACLs disabled), 'BucketOwnerPreferred', 'ObjectWriter';
-- NULL when the bucket has no ownership controls.
ALTER TABLE s3_buckets ADD COLUMN object_ownership TEXT;
)sql"},
      {"s3/005_default_kms_key", R"sql(
-- Default encryption: the KMS key new objects are encrypted under (SSE-KMS); NULL for SSE-S3.
ALTER TABLE s3_buckets ADD COLUMN default_kms_key TEXT;
)sql"},
  };
}

}  // namespace citadel::services::s3
