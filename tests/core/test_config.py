import os
import re
import subprocess
import sys

import pytest

from support import ROOT
from webapp import create_app
from webapp.config import ConfigError, validate
from webapp.extensions import db


@pytest.mark.parametrize(
    "override,named",
    [  # what the error names: the setting to fix, or the value that does not work
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SQLALCHEMY_DATABASE_URI": "not a url"}, "'not a url'"),
        ({"SQLALCHEMY_DATABASE_URI": "nosuchdb://x/y"}, "'nosuchdb://x/y'"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////no/such/folder/x.sqlite"}, "/no/such/folder"),
        ({"RATELIMIT_STORAGE_URI": "redis"}, "RATELIMIT_STORAGE_URI 'redis'"),
        ({"PUBLIC_URL": "grantpath.example.org"}, "PUBLIC_URL 'grantpath.example.org'"),
        ({"PUBLIC_URL": "ftp://grantpath.example.org"}, "PUBLIC_URL 'ftp://grantpath.example.org'"),
        ({"PUBLIC_URL": "https://"}, "PUBLIC_URL 'https://'"),
        ({"PUBLIC_URL": "https://grantpath.example.org/app"}, "PUBLIC_URL 'https://grantpath.example.org/app'"),
        ({"TRUSTED_HOSTS": "grantpath.example.org"}, "TRUSTED_HOSTS 'grantpath.example.org'"),
    ],
)
def test_broken_config_raises_a_clear_error(override, named):
    config = {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://", **override}
    with pytest.raises(ConfigError, match=re.escape(named)):
        create_app(config)


def test_cli_start_with_a_bad_database_url_prints_one_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTPATH_")}
    env.update(GRANTPATH_DATABASE_URL="postgresql+nosuchdriver://x", GRANTPATH_SECRET_KEY="k" * 32)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "routes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    with pytest.raises(ConfigError) as error:
        validate({"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": env["GRANTPATH_DATABASE_URL"]})
    assert lines[0].endswith(str(error.value))  # the validation's own sentence, naming the URL
    assert env["GRANTPATH_DATABASE_URL"] in lines[0]
    assert "Traceback" not in result.stderr


PLATFORM_DB = "postgres://grantpath@db.example.org/grantpath"


def _database_of(monkeypatch, tmp_path, **env) -> str:
    for name in ("GRANTPATH_DATABASE_URL", "GRANTPATH_SQLALCHEMY_DATABASE_URI", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GRANTPATH_SECRET_KEY", "a-secret-for-the-config-test")
    app = create_app()
    with app.app_context():
        db.engine.dispose()
    return app.config["SQLALCHEMY_DATABASE_URI"], app.config["RATELIMIT_STORAGE_URI"]


def test_a_platforms_database_url_and_redis_url_are_read_with_the_driver_we_install(monkeypatch, tmp_path):
    uri, limits = _database_of(monkeypatch, tmp_path, DATABASE_URL=PLATFORM_DB, REDIS_URL="redis://127.0.0.1:6379/12")
    assert uri == "postgresql+psycopg://grantpath@db.example.org/grantpath"
    assert limits == "redis://127.0.0.1:6379/12"  # the sign-in counters every instance shares


def test_our_own_database_setting_wins_over_the_platforms(monkeypatch, tmp_path):
    ours = "sqlite:///" + str(tmp_path / "ours.sqlite")
    uri, _ = _database_of(monkeypatch, tmp_path, DATABASE_URL=PLATFORM_DB, GRANTPATH_SQLALCHEMY_DATABASE_URI=ours)
    assert uri == ours
    uri, _ = _database_of(monkeypatch, tmp_path, DATABASE_URL=PLATFORM_DB, GRANTPATH_DATABASE_URL=ours)
    assert uri == ours
