"""The S3 store: AWS S3, Cloudflare R2, MinIO, SeaweedFS..., through boto3.

boto3 because it is the reference S3 client every S3-compatible store tests against: presigned
URLs, ranged GETs, and multipart uploads of large clips (its transfer manager) come with it,
and the worker, API and bots call it from threads, so an async client would buy nothing. An
object appears only when its upload completes, so a reader never sees half a clip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.client import Config
from botocore.exceptions import BotoCoreError, ClientError

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable
from shotgraph.pipeline.artefacts import atomic_output
from shotgraph.storage.protocol import CHUNK_BYTES, StoredObject, check_key

# delete_objects takes at most this many keys a request.
_DELETE_BATCH = 1000
_MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


class S3Storage:
    name = "s3"

    def __init__(self, settings: Settings) -> None:
        if not settings.s3_bucket:
            raise BackendUnavailable("STORAGE_BACKEND=s3 needs S3_BUCKET.")
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix.strip("/")
        key_id, secret = settings.s3_access_key_id, settings.s3_secret_access_key
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=key_id.get_secret_value() if key_id else None,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(
                signature_version="s3v4",
                # Self-hosted stores answer on one host name, not a name per bucket.
                s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
                retries={"max_attempts": 5, "mode": "standard"},
            ),
        )

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _unkey(self, stored: str) -> str:
        return stored[len(self.prefix) + 1 :] if self.prefix else stored

    def prepare(self) -> None:
        """Create the bucket if it is missing; say in one sentence why the store is unusable."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if _code(error) not in _MISSING:
                raise BackendUnavailable(
                    f"The S3 bucket {self.bucket!r} refused us: {error}"
                ) from error
        except BotoCoreError as error:
            raise BackendUnavailable(f"The S3 store cannot be reached: {error}") from error
        options: dict[str, Any] = {"Bucket": self.bucket}
        region = self.client.meta.region_name
        if region and region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(**options)
        except ClientError as error:
            raise BackendUnavailable(
                f"The S3 bucket {self.bucket!r} does not exist and could not be made: {error}"
            ) from error

    def put(self, key: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self._key(key))

    def fetch(self, key: str, target: Path) -> bool:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with atomic_output(target) as partial:
                self.client.download_file(self.bucket, self._key(key), str(partial))
        except ClientError as error:
            if _code(error) in _MISSING:
                return False
            raise
        return True

    def stat(self, key: str) -> StoredObject | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _code(error) in _MISSING:
                return None
            raise
        return StoredObject(
            key=key, size=head["ContentLength"], modified=head["LastModified"].timestamp()
        )

    def list(self, prefix: str) -> list[StoredObject]:
        found: list[StoredObject] = []
        paginator = self.client.get_paginator("list_objects_v2")
        full = f"{self.prefix}/{prefix}" if self.prefix else prefix
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            for item in page.get("Contents", []):
                found.append(
                    StoredObject(
                        key=self._unkey(item["Key"]),
                        size=item["Size"],
                        modified=item["LastModified"].timestamp(),
                    )
                )
        return sorted(found, key=lambda item: item.key)

    def delete(self, keys: Sequence[str]) -> None:
        stored = [self._key(key) for key in keys]
        for start in range(0, len(stored), _DELETE_BATCH):
            batch = stored[start : start + _DELETE_BATCH]
            self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        span = f"bytes={start}-{'' if end is None else end}"
        answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key), Range=span)
        body = answer["Body"]
        try:
            yield from body.iter_chunks(CHUNK_BYTES)
        finally:
            body.close()

    def local_path(self, key: str) -> Path | None:
        return None

    def presigned_url(self, key: str, ttl_s: int, filename: str) -> str | None:
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": f'inline; filename="{filename}"',
            },
            ExpiresIn=ttl_s,
        )


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
