"""Files Grantpath writes for later (a background export now), behind one small interface so a
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
