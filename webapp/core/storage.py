"""Files Grantpath writes for later (background exports, rendered PDFs), behind one small interface so a
deployment can put them elsewhere. The embedded default is a directory (`FILE_STORAGE_DIR`, else
`instance/files`); several instances on several machines share it as a mounted volume, or an
S3-compatible bucket (`FILE_STORAGE_BUCKET`, with `S3_ENDPOINT_URL` for one that is not Amazon's:
MinIO, Ceph, a cloud's object storage), through boto3.

Keys are made by the code, never by users ("exports/12-3f9a….csv"); a key that would leave the
directory is refused all the same."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from flask import current_app

UPLOAD_PART_BYTES = 8 * 1024 * 1024


def _checked(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"storage key outside the storage: {key!r}")
    return key


class DirectoryStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not key or path == self.root or self.root not in path.parents:
            raise ValueError(f"storage key outside the storage: {key!r}")
        return path

    @contextmanager
    def writer(self, key: str) -> Iterator[IO[bytes]]:
        """A file to write `key` into: it appears under its key whole, once the block ends without an
        error (written beside it, synced, then renamed), and never half-written."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-")
        try:
            with os.fdopen(handle, "w+b") as file:
                yield file
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def write(self, key: str, data: bytes) -> None:
        with self.writer(key) as file:
            file.write(data)

    def read(self, key: str) -> bytes | None:
        """The stored bytes, or None when there are none."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def modified(self, key: str) -> float | None:
        """When `key` was written (seconds since the epoch), or None when it is not there."""
        try:
            return self._path(key).stat().st_mtime
        except FileNotFoundError:
            return None

    def oldest_first(self, prefix: str) -> list[str]:
        """The keys under the folder `prefix` ("pdf-cache"), the oldest first."""
        folder = self._path(prefix)
        found = []
        for path in folder.glob("*") if folder.is_dir() else ():
            try:
                if path.is_file() and not path.name.startswith(".writing-"):
                    found.append((path.stat().st_mtime, f"{prefix}/{path.name}"))
            except FileNotFoundError:  # removed meanwhile by another process
                continue
        return [key for _mtime, key in sorted(found)]

    def open(self, key: str) -> IO[bytes]:
        """The stored file, for reading; FileNotFoundError when there is none."""
        return self._path(key).open("rb")

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class BucketStorage:
    """The same interface on an S3-compatible bucket: an object appears whole when its upload ends
    (S3 never shows half an object), so `writer` spools to a temporary file and uploads it then."""

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def _name(self, key: str) -> str:
        _checked(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    @contextmanager
    def writer(self, key: str) -> Iterator[IO[bytes]]:
        name = self._name(key)
        with tempfile.SpooledTemporaryFile(max_size=UPLOAD_PART_BYTES) as file:
            yield file
            file.seek(0)
            self.client.upload_fileobj(file, self.bucket, name)

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def _missing(self, error) -> bool:
        return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")

    def read(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise
        with found["Body"] as body:
            return body.read()

    def open(self, key: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise

    def _head(self, key: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return head["ContentLength"]

    def modified(self, key: str) -> float | None:
        head = self._head(key)
        return head["LastModified"].timestamp() if head else None

    def oldest_first(self, prefix: str) -> list[str]:
        start = self._name(prefix) + "/"
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            for item in page.get("Contents", []):
                found.append((item["LastModified"], f"{prefix}/{item['Key'][len(start) :]}"))
        return [key for _modified, key in sorted(found)]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def storage() -> DirectoryStorage | BucketStorage:
    config = current_app.config
    if config.get("FILE_STORAGE_BUCKET"):
        return BucketStorage(_client(), config["FILE_STORAGE_BUCKET"], config.get("FILE_STORAGE_PREFIX") or "")
    return DirectoryStorage(config.get("FILE_STORAGE_DIR") or Path(current_app.instance_path) / "files")


def _client():
    """The app's one S3 client (boto3's are thread-safe), made on first use; credentials from
    S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, else boto3's own chain (AWS_* variables, a role)."""
    client = current_app.extensions.get("storage_s3")
    if client is None:
        import boto3
        from botocore.config import Config

        config = current_app.config
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}),
        )
        current_app.extensions["storage_s3"] = client
    return client
