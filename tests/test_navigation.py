"""Every feature is reachable from the navigation, and the current one is marked."""

from __future__ import annotations

import re

from exchange_app.navigation import NAV_ITEMS, active_item


def test_the_longest_matching_section_is_active() -> None:
    assert active_item("promotions.organization_detail").endpoint == "promotions.organizations"
    assert active_item("promotions.detail").endpoint == "promotions.index"
    assert active_item("youth.participant_detail").endpoint == "youth.programs"
    assert active_item(None) is None


def test_every_navigation_entry_exists_and_answers(app, client, auth) -> None:
    auth.login("admin")
    html = client.get("/").get_data(as_text=True)
    for item in NAV_ITEMS:
        assert item.endpoint in app.view_functions, item.endpoint
        with app.test_request_context():
            url = app.url_for(item.endpoint)
        assert f'href="{url}"' in html, item.endpoint
        assert client.get(url).status_code == 200, url


def test_current_page_is_marked_in_the_navigation(client, auth) -> None:
    auth.login("staff")
    html = client.get("/promotions/organizations/").get_data(as_text=True)
    current = re.findall(r'aria-current="page"\s*href="([^"]+)"', html)
    assert current == ["/promotions/organizations/"]
