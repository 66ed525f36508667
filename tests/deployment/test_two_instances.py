"""Two gunicorn instances of Grantpath on two ports against one PostgreSQL database and one Redis,
as a deployment runs them: a person signs in through one and goes on through the other; two people
save the same section through the two, and the second save is refused as a conflict with its text
kept on the page; failed sign-ins through one count through the other."""

from __future__ import annotations

import re

import pytest
import redis
from served import Browser, instances, own_schema, seed

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def deployment(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    with own_schema() as url:
        application_id, limit = seed(url)
        with instances(url, tmp_path, REDIS_URL=REDIS_URL) as bases:
            yield bases, application_id, limit


def test_two_instances_share_sessions_saves_and_sign_in_limits(deployment):
    (one, two), application_id, limit = deployment

    elin = Browser()
    assert elin.sign_in(one, "elin@example.org") == 302
    assert elin.request(f"{two}/account")[0] == 200  # signed in through one, goes on through the other

    omar = Browser()
    assert omar.sign_in(two, "omar@example.org") == 302
    section = f"/applications/{application_id}/sections/description"
    token_elin, page = elin.csrf(one + section)
    token_omar, _ = omar.csrf(two + section)
    field = re.search(r'<textarea[^>]*name="([^"]+)"', page).group(1)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    saved = elin.request(one + section, {"csrf_token": token_elin, "version": version, field: "Elin's idea"})
    assert saved[0] == 302
    refused = omar.request(two + section, {"csrf_token": token_omar, "version": version, field: "Omar's idea"})
    assert refused[0] == 409 and "Omar&#39;s idea" in refused[1]  # not saved, and his text is on the page
    assert "Elin&#39;s idea" in omar.request(two + section)[1]  # what was saved first is what is stored

    attacker = Browser()
    for attempt in range(limit):
        assert attacker.sign_in(one if attempt % 2 else two, "elin@example.org", f"guess {attempt}") == 422
    assert attacker.sign_in(one, "elin@example.org", "one more") == 429
    assert attacker.sign_in(two, "elin@example.org", "and one more") == 429  # the limit holds on both
