"""The file storage on an S3-compatible bucket (FILE_STORAGE_BUCKET), against moto's S3 server on
the loopback (no S3 service runs on this machine): the same behaviour as the directory, key by key,
and a background export and a dossier's PDF cache that go through it."""

from __future__ import annotations

import re

import boto3
import pytest
from moto.server import ThreadedMotoServer

from support import free_port
from webapp.auth.models import Role
from webapp.core.storage import BucketStorage, DirectoryStorage, storage

BUCKET = "grantpath-files"
CREDENTIALS = {"S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret", "S3_REGION": "eu-north-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(app, s3_endpoint, monkeypatch):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-north-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    settings = {"FILE_STORAGE_BUCKET": BUCKET, "FILE_STORAGE_PREFIX": "solna", "S3_ENDPOINT_URL": s3_endpoint}
    for key, value in {**settings, **CREDENTIALS}.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.delitem(app.extensions, "storage_s3", raising=False)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    app.extensions.pop("storage_s3", None)


@pytest.fixture(params=["directory", "bucket"])
def any_storage(request, tmp_path):
    if request.param == "directory":
        return DirectoryStorage(tmp_path / "files")
    request.getfixturevalue("bucket")
    return storage()


def test_both_storages_keep_read_list_and_remove_files_alike(any_storage):
    files = any_storage
    assert files.read("exports/none.csv") is None and files.modified("exports/none.csv") is None
    with pytest.raises(FileNotFoundError):
        files.open("exports/none.csv")
    with pytest.raises(FileNotFoundError):
        files.size("exports/none.csv")
    with files.writer("exports/1-a.csv") as file:
        file.write(b"ID\r\n1\r\n")
    files.write("exports/2-b.csv", b"ID\r\n2\r\n")
    assert files.read("exports/1-a.csv") == b"ID\r\n1\r\n" and files.size("exports/2-b.csv") == 7
    with files.open("exports/2-b.csv") as file:
        assert file.read(3) == b"ID\r" and file.read() == b"\n2\r\n"
    assert files.oldest_first("exports") == ["exports/1-a.csv", "exports/2-b.csv"]
    assert files.modified("exports/1-a.csv") <= files.modified("exports/2-b.csv")
    files.delete("exports/1-a.csv")
    files.delete("exports/1-a.csv")  # gone already: no error
    assert files.oldest_first("exports") == ["exports/2-b.csv"]
    for bad in ("../secret", "/etc/passwd", "exports/../../x", ""):
        with pytest.raises(ValueError):
            files.read(bad)


def test_a_failed_write_leaves_nothing_behind(any_storage):
    with pytest.raises(RuntimeError), any_storage.writer("exports/3-c.csv") as file:
        file.write(b"half a file")
        raise RuntimeError("the export failed midway")
    assert any_storage.read("exports/3-c.csv") is None and any_storage.oldest_first("exports") == []


def test_the_bucket_holds_each_key_under_its_prefix(bucket):
    storage().write("pdf-cache/abc.pdf", b"%PDF-")
    assert [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["solna/pdf-cache/abc.pdf"]
    assert isinstance(storage(), BucketStorage)


def test_a_background_export_and_a_dossier_go_through_the_bucket(bucket, make, db, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1)
    school = make.school()
    coordinator = make.user(Role.COORDINATOR, organisation=school.organisation)
    application = make.application(school, title="Läsglädje i Norden")
    make.application(school)
    db.session.commit()
    client = login(coordinator)
    started = client.post("/exports/", data={"file_format": "csv"})
    run_id = re.fullmatch(r"/exports/(\d+)", started.headers["Location"]).group(1)
    progress = client.get(f"/exports/{run_id}/progress").get_json()
    assert progress["status"] == "done", progress
    assert b"L\xc3\xa4sgl\xc3\xa4dje i Norden" in client.get(progress["file_url"]).data
    assert client.get(f"/applications/{application.id}/dossier.pdf").data.startswith(b"%PDF-")
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(key.startswith("solna/exports/") for key in keys)
    assert any(key.startswith("solna/pdf-cache/") for key in keys)
