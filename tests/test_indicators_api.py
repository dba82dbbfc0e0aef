"""One report behind the CLI, the API and the dashboard; personal API tokens."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import ApiToken
from tests.factories import make_participant, make_program, make_promotion

REQUIRED_KEYS = {"code", "value", "basis", "source", "status", "baseline", "targets"}


def arrange_a_year(db: Session, client: Any, auth: Any) -> None:
    make_promotion(db, start_date=date(2024, 4, 1))
    make_promotion(db, start_date=date(2025, 3, 31))
    make_promotion(db, start_date=date(2025, 4, 1))
    prog = make_program(db, start_date=date(2024, 8, 1))
    make_participant(db, prog, family_name="佐藤")
    make_participant(db, prog, family_name="山田")
    db.commit()
    auth.login("staff")
    client.post("/indicators/3a/2024", data={"value": "41.2", "source_note": "survey"})
    client.post("/indicators/R1/2024", data={"value": "410000", "source_note": "statistics"})


def cli_json(app: Any, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["kpi", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_api_and_dashboard_show_the_same_numbers(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    arrange_a_year(db, client, auth)
    from_cli = cli_json(app, "--year", "2024", "--json")
    response = client.get("/api/v1/indicators?year=2024")
    assert response.status_code == 200
    assert response.get_json() == from_cli

    indicators = {item["code"]: item for item in from_cli["indicators"]}
    assert len(indicators) == 14
    for item in indicators.values():
        assert set(item) >= REQUIRED_KEYS
    assert indicators["3b"]["value"] == 2 and len(indicators["3b"]["record_ids"]) == 2
    assert indicators["5b"]["value"] == 2 and len(indicators["5b"]["record_ids"]) == 2
    assert indicators["3a"]["value"] == 41.2 and "record_ids" not in indicators["3a"]
    assert indicators["R1"]["basis"] == "calendar" and indicators["R1"]["value"] == 410000
    assert indicators["3b"]["baseline"] == {"value": 33, "year": 2022}
    assert indicators["3b"]["targets"] == {"2027": 45, "2031": 60}

    page = client.get("/indicators/?year=2024").get_data(as_text=True)
    for code, item in indicators.items():
        card = page.split(f'id="indicator-{code}"')[1].split("</article>")[0]
        shown = re.search(r'data-figure="([^"]*)"', card)
        if item["value"] is None:
            assert shown is None
        else:
            assert shown.group(1).replace(",", "") == str(item["value"])


def test_api_and_cli_carry_no_personal_data(app: Any, db: Session, client: Any, auth: Any) -> None:
    arrange_a_year(db, client, auth)
    body = client.get("/api/v1/indicators?year=2024").get_data(as_text=True)
    output = app.test_cli_runner().invoke(args=["kpi", "--year", "2024", "--json"]).output
    for text in (body, output):
        assert "佐藤" not in text and "山田" not in text and "花子" not in text


def test_bad_years_are_refused_by_the_api_and_the_cli(app: Any, client: Any, auth: Any) -> None:
    auth.login("viewer")
    client.get("/indicators/?lang=en")
    for year in ("2018", "2032", "abc"):
        response = client.get(f"/api/v1/indicators?year={year}")
        assert response.status_code == 400
        assert "year" in response.get_json()["message"]
        result = app.test_cli_runner().invoke(args=["kpi", "--year", year, "--json"])
        assert result.exit_code != 0
        assert "year" in result.output


def test_cli_without_json_prints_one_line_per_indicator(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["kpi", "--year", "2024"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == 14


def test_api_needs_a_login_or_a_token(client: Any) -> None:
    response = client.get("/api/v1/indicators?year=2024")
    assert response.status_code == 401
    response = client.get(
        "/api/v1/indicators?year=2024", headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401


def test_a_personal_token_is_shown_once_works_and_can_be_revoked(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    user = auth.login("viewer")
    response = client.post("/account/api-tokens", data={"name": "annual report script"})
    assert response.status_code == 201
    secret = re.search(r'class="api-token-secret">([^<]+)<', response.get_data(as_text=True))
    assert secret
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.token_hash != secret.group(1)  # only the hash is stored
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "annual report script" in listing and secret.group(1) not in listing

    other = app.test_client()
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    response = other.get("/api/v1/indicators?year=2024", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["year"] == 2024
    db.expire_all()
    assert db.get(ApiToken, token.id).last_used_at is not None
    # The token opens the API only, not the pages.
    assert other.get("/indicators/", headers=headers).status_code == 302

    client.post(f"/account/api-tokens/{token.id}/revoke")
    assert other.get("/api/v1/indicators?year=2024", headers=headers).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(
    app: Any, db: Session, client: Any, auth: Any, make_user: Any
) -> None:
    owner = make_user("staff")
    token = ApiToken(user_id=owner.id, name="theirs", token_hash="x" * 64)
    db.add(token)
    db.commit()
    auth.login("staff")
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    db.expire_all()
    assert db.get(ApiToken, token.id).revoked_at is None


# --- token expiry -----------------------------------------------------------------------


def api_get(client: Any, secret: str) -> Any:
    return client.get(
        "/api/v1/indicators?year=2024", headers={"Authorization": f"Bearer {secret}"}
    )


def test_a_new_token_expires_a_year_after_it_is_created(db: Session, make_user: Any) -> None:
    from exchange_app.db import utcnow
    from exchange_app.services import api_tokens

    token, _secret = api_tokens.create_token(db, make_user("viewer").id, "script")
    remaining = token.expires_at - utcnow()
    assert timedelta(days=364) < remaining <= timedelta(days=365)


@pytest.mark.parametrize("app_config", [{"API_TOKEN_LIFETIME": timedelta(days=30)}])
def test_the_token_lifetime_is_configurable(
    db: Session, client: Any, auth: Any
) -> None:
    from exchange_app.db import utcnow

    user = auth.login("viewer")
    assert client.post("/account/api-tokens", data={"name": "monthly"}).status_code == 201
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)


def test_an_expired_token_is_refused_on_the_api(
    app: Any, db: Session, make_user: Any
) -> None:
    from exchange_app.db import utcnow
    from exchange_app.services import api_tokens

    token, secret = api_tokens.create_token(db, make_user("viewer").id, "old script")
    db.commit()
    client = app.test_client()
    assert api_get(client, secret).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert api_get(client, secret).status_code == 401


def test_the_tokens_page_shows_last_use_and_expiry(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    from exchange_app.db import utcnow
    from exchange_app.services import api_tokens

    user = auth.login("viewer")
    used, secret = api_tokens.create_token(db, user.id, "used script")
    expired, _ = api_tokens.create_token(db, user.id, "expired script")
    expired.expires_at = utcnow() - timedelta(days=1)
    db.commit()
    assert api_get(app.test_client(), secret).status_code == 200
    db.expire_all()
    assert db.get(ApiToken, used.id).last_used_at is not None
    page = client.get("/account/api-tokens?lang=en").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    used_row = next(row for row in rows if "used script" in row)
    expired_row = next(row for row in rows if "expired script" in row)
    assert "Never" not in used_row and "Active" in used_row
    expiry_year = str((utcnow() + timedelta(days=365)).year)
    assert expiry_year in re.search(r'api-token-expires">([^<]*)<', used_row).group(1)
    assert "Expired" in expired_row and "Revoke" not in expired_row
    assert "Never" in expired_row
