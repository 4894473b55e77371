#!/bin/sh
# One-shot set-up of the compose MinIO (the minio-init service runs it on every `docker compose up`;
# each step is safe to repeat): the media bucket and an application user limited to that bucket.
set -eu

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$S3_BUCKET"

# The API and the worker use their own key, allowed nothing outside this bucket.
cat > /tmp/greenlight-media-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:*"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET", "arn:aws:s3:::$S3_BUCKET/*"]
    }
  ]
}
POLICY
mc admin policy create local greenlight-media /tmp/greenlight-media-policy.json
mc admin user add local "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
# Attaching a policy that is already attached is refused; that case is fine.
mc admin policy attach local greenlight-media --user "$S3_ACCESS_KEY_ID" 2>/dev/null \
  || mc admin user info local "$S3_ACCESS_KEY_ID" | grep -q greenlight-media
echo "bucket $S3_BUCKET ready for $S3_ACCESS_KEY_ID"
