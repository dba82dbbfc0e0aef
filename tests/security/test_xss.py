"""ASVS V5 (output encoding): stored payloads in text fields are shown as text everywhere."""

from __future__ import annotations

import pytest
from wtforms import Form, StringField

from exchange_app.forms import http_url
from exchange_app.models import PartnerCity, User
from tests.security.conftest import app_rules, rule_url

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "<svg/onload=alert(1)>",
    "{{ 7*7 }}",
]
STORED = " ".join(PAYLOADS)
DANGEROUS = ["<script>alert(", "<img src=x", "<svg/onload", " onmouseover='alert"]


def store_payloads(db) -> PartnerCity:
    """Every free-text field that main's forms write, holding the payloads."""
    city = db.query(PartnerCity).order_by(PartnerCity.id).first()
    city.name_ja = city.name_en = city.name_local = STORED[:100]
    city.notes = STORED
    for user in db.query(User):
        user.display_name = STORED[:100]
    store_record_payloads(db, city)
    db.commit()
    return city


def store_record_payloads(db, city: PartnerCity) -> None:
    """The first delegation, organisation, promotion, programme and participant hold payloads."""
    from datetime import date

    from exchange_app.models import (
        Delegation,
        DelegationMember,
        Gift,
        Organization,
        Participant,
        Promotion,
        YouthPerson,
        YouthProgram,
    )

    short = STORED[:100]
    organization = Organization(
        kind="international_organization", name_ja=short, name_en=short, notes=STORED
    )
    delegation = Delegation(
        direction="inbound",
        partner_city=city,
        title=short,
        start_date=date(2024, 5, 1),
        end_date=date(2024, 5, 2),
        member_count=2,
        head_name=short,
        head_title=short,
        purpose=STORED,
        outcome=STORED,
        members=[DelegationMember(name=short, organization=short, title=short)],
        gifts=[Gift(direction="given", description=STORED[:500], counterpart=short)],
    )
    promotion = Promotion(
        start_date=date(2024, 6, 1),
        title=short,
        channel="international_organization",
        organization=organization,
        theme="food",
        medium="event",
        notes=STORED,
    )
    program = YouthProgram(
        title=short,
        kind="partner_exchange",
        partner_city=city,
        direction="outbound",
        start_date=date(2024, 8, 1),
        end_date=date(2024, 8, 5),
        description=STORED,
    )
    participant = Participant(
        program=program,
        person=YouthPerson(),
        role="youth",
        resident=True,
        status="applied",
        family_name=STORED[:50],
        given_name=STORED[:50],
        school=STORED[:100],
        guardian_name=STORED[:100],
        notes=STORED,
    )
    for record in (organization, delegation, promotion, program, participant):
        db.add(record)
    db.flush()


def test_payloads_render_as_text_on_every_page(app, client, db, auth):
    auth.login("admin")
    city = store_payloads(db)
    pages = 0
    for rule in app_rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule_url(app, rule, db)  # the first city and user: the ones holding payloads
        response = client.get(url)
        if response.mimetype not in ("text/html", "application/json"):
            continue  # downloads (xlsx, pdf) are not rendered by the browser
        body = response.get_data(as_text=True)
        for fragment in DANGEROUS:
            assert fragment not in body, f"{url} contains {fragment!r} unescaped"
        pages += 1
    body = client.get(f"/partners/{city.slug}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in body  # shown, as text
    assert "{{ 7*7 }}" in body  # data is never evaluated as a template
    assert pages >= 7


def test_payloads_posted_through_the_form_render_as_text(client, db, auth):
    auth.login("admin")
    city = db.query(PartnerCity).order_by(PartnerCity.id).first()
    data = {
        "name_ja": PAYLOADS[0],
        "name_en": PAYLOADS[1],
        "name_local": PAYLOADS[3],
        "country": city.country,
        "relationship_type": city.relationship_type,
        "established_on": city.established_on.isoformat(),
        "established_precision": city.established_precision,
        "notes": STORED,
        "version": str(city.version),
    }
    assert client.post(f"/partners/{city.slug}/edit", data=data).status_code == 302
    for url in ("/", "/partners/", f"/partners/{city.slug}", f"/partners/{city.slug}/edit"):
        body = client.get(url).get_data(as_text=True)
        for fragment in DANGEROUS:
            assert fragment not in body, f"{url} contains {fragment!r}"


class UrlForm(Form):
    website = StringField(validators=[http_url])


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example.com",
        "ftp://example.org/file",
        "http://exa mple.org",
        "https:///nohost",
    ],
)
def test_url_fields_refuse_anything_but_http_and_https(value):
    from werkzeug.datastructures import MultiDict

    assert not UrlForm(MultiDict({"website": value})).validate()


@pytest.mark.parametrize("value", ["https://www.city.kumamoto.jp/", "http://example.org/a?b=c", ""])
def test_url_fields_accept_http_and_https(value):
    from werkzeug.datastructures import MultiDict

    assert UrlForm(MultiDict({"website": value})).validate()
