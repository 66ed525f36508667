"""Ids an integer column cannot hold are not found, on every route (PostgreSQL answered 500)."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/applications/2147483648",
        "/applications/99999999999999999999/partners/",
        "/applications/1/partners/2147483648",
        "/admin/users/2147483648",
    ],
)
def test_an_id_beyond_the_column_is_not_found(login, make, path):
    admin = make.user("admin")
    assert login(admin).get(path).status_code == 404


def test_the_largest_id_still_routes(login, make):
    assert login(make.user("teacher")).get("/applications/2147483647").status_code == 404  # routed, then not found
