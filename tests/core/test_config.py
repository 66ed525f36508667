import os
import subprocess
import sys

import pytest

from support import ROOT
from webapp import create_app
from webapp.config import ConfigError


@pytest.mark.parametrize(
    "override,message",
    [
        ({"SECRET_KEY": ""}, "No secret key"),
        ({"SQLALCHEMY_DATABASE_URI": "not a url"}, "is not usable"),
        ({"SQLALCHEMY_DATABASE_URI": "nosuchdb://x/y"}, "is not usable"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////no/such/folder/x.sqlite"}, "does not exist"),
        ({"RATELIMIT_STORAGE_URI": "redis"}, "not a storage URI"),
    ],
)
def test_broken_config_raises_a_clear_error(override, message):
    config = {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://", **override}
    with pytest.raises(ConfigError, match=message):
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
    assert lines[0].startswith("Grantpath cannot start: The database URL")
    assert "Traceback" not in result.stderr
