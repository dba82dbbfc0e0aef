"""Ids and numbers too large for a database integer are a missing page, never a 500."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tests.helpers import NAMED_VALUES

# Just past PostgreSQL's integer, and past SQLite's 64-bit integer.
ABSURD = ["2147483648", "99999999999999999999"]
LIST_PAGES = ["/delegations/", "/youth/", "/promotions/", "/promotions/organizations/"]
ID_PARAMETERS = ["lp", "organization", "partner", "project", "city", "fy", "page"]


def int_rules(app):
    for rule in app.url_map.iter_rules():
        names = [
            name
            for name in rule.arguments
            if isinstance(rule._converters[name], IntegerConverter)
        ]
        if names:
            yield rule, names


def test_every_int_argument_is_a_bounded_integer(app):
    rules = list(int_rules(app))
    assert rules
    for rule, names in rules:
        for name in names:
            assert rule._converters[name].max == 2**31 - 1, rule.rule


@pytest.mark.parametrize("number", ABSURD)
def test_an_absurd_id_in_a_url_is_404(app, client, auth, number):
    auth.login("admin")
    for rule, names in int_rules(app):
        path = rule.rule
        for name in rule.arguments:
            value = number if name in names else str(NAMED_VALUES.get(name, "guilin"))
            path = path.replace(f"<{name}>", value)
            path = path.replace(f"<int:{name}>", value)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("number", ABSURD)
@pytest.mark.parametrize("page", LIST_PAGES)
def test_an_absurd_id_in_a_list_filter_is_ignored(client, auth, page, number):
    auth.login("admin")
    for name in ID_PARAMETERS:
        response = client.get(f"{page}?{name}={number}")
        assert response.status_code in (200, 301, 302, 400), (page, name, response.status_code)


@pytest.mark.parametrize("ordinal", ["99999999999999999995", "2147483645", "1000", "5000000"])
def test_an_anniversary_the_partnership_will_not_have_soon_is_404(client, auth, ordinal):
    auth.login("admin")
    for page in ("", "/pdf", "/xlsx", "/edit"):
        path = f"/history/guilin{page}"
        response = client.get(f"{path}?ordinal={ordinal}")
        assert response.status_code == 404, (path, response.status_code)


def test_the_passed_and_the_next_two_anniversaries_are_offered(make):
    from datetime import date

    from exchange_app.services import anniversaries

    guilin = make.city("guilin")  # established 1979-10-01
    assert anniversaries.offered_ordinals(guilin, date(2026, 12, 2))[-3:] == [45, 50, 55]
    assert anniversaries.offered_ordinals(guilin, date(2029, 10, 2))[-2:] == [55, 60]
    assert not anniversaries.is_offered(guilin, 60, date(2026, 12, 2))
