"""Files Grantpath writes for later (background exports, rendered PDFs), behind one small interface so a
deployment can put them elsewhere. The embedded default is a directory (`FILE_STORAGE_DIR`, else
`instance/files`); several instances on several machines share it as a mounted volume.

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


def storage() -> DirectoryStorage:
    folder = current_app.config.get("FILE_STORAGE_DIR") or Path(current_app.instance_path) / "files"
    return DirectoryStorage(folder)
