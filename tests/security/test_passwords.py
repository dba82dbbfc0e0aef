"""ASVS V2 (authentication): password storage, policy and sign-in throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange_app.models import LoginFailure
from exchange_app.services import accounts
from tests.conftest import PASSWORD


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters(make_user):
    user = make_user("viewer")
    assert user.password_hash.startswith("$argon2id$")
    # OWASP: at least 19 MiB of memory, 2 iterations, 1 degree of parallelism.
    assert "m=19456,t=2,p=1" in user.password_hash
    assert PASSWORD not in user.password_hash


def test_the_same_password_hashes_differently_each_time():
    assert accounts.hash_password("the same passphrase") != accounts.hash_password(
        "the same passphrase"
    )


@pytest.mark.parametrize(
    "password",
    [
        "熊本城の石垣は武者返し",  # Japanese only, 11 chars + more below
        "Ünïcödé pässwörd ✓ 🔐 mixed",
        "x" * 10 + "long passphrase " * 15,  # 250 characters
    ],
)
def test_long_and_unicode_passwords_are_accepted(db, password):
    password = password if len(password) >= 12 else password + "と阿蘇"
    user = accounts.create_user(
        db, email="unicode@example.org", display_name="U", role="viewer", password=password
    )
    assert accounts.verify_password(user.password_hash, password)
    assert not accounts.verify_password(user.password_hash, password + "!")


def test_unicode_passwords_match_whatever_the_normal_form():
    hashed = accounts.hash_password("ｐａｓｓｗｏｒｄ熊本 full width")
    assert accounts.verify_password(hashed, "password熊本 full width")


@pytest.mark.parametrize(
    "password, reason",
    [
        ("password1234", "too_common"),
        ("qwertyuiop123", "too_common"),
        ("aaaaaaaaaaaaaaaa", "too_common"),
        ("short", "too_short"),
        ("x" * 257, "too_long"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(accounts.PasswordPolicyError) as raised:
        accounts.check_password_policy(password)
    assert str(raised.value) == reason


@pytest.mark.parametrize(
    "password",
    ["Password123!", "Kumamoto2024!", "iloveyou1234", "exchange_app2024", "kumamonkumamoto",
     "Kumamon2024!!", "熊本市の国際交流2024年!!"],
)
def test_easily_guessed_passwords_are_refused(password):
    with pytest.raises(accounts.PasswordPolicyError) as raised:
        accounts.check_password_policy(password)
    assert str(raised.value) in ("too_weak", "too_common")


def test_the_citys_own_words_count_for_nothing():
    from zxcvbn import zxcvbn

    assert zxcvbn("kumamonkumamoto")["score"] >= accounts.MIN_PASSWORD_STRENGTH  # unknown words
    assert accounts.password_strength("kumamonkumamoto") < accounts.MIN_PASSWORD_STRENGTH
    # What surrounds them must be strong on its own.
    assert zxcvbn("Kumamon2024!!", user_inputs=["kumamon"])["score"] >= 3
    assert accounts.password_strength("Kumamon2024!!") < accounts.MIN_PASSWORD_STRENGTH
    assert accounts.password_strength("kumamon sakura hillside lantern") >= 3


@pytest.mark.parametrize(
    ("language", "words"), [("ja", "推測されやすい"), ("en", "guessed too easily")]
)
def test_a_weak_password_is_explained_in_the_users_language(
    client, auth, db, language, words
):
    auth.login("admin")
    client.get(f"/?lang={language}")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "weak@example.org",
            "display_name": "Weak",
            "role": "viewer",
            "password": "Kumamoto2024!",
        },
    )
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)
    assert accounts.find_user_by_email(db, "weak@example.org") is None


def test_the_password_change_refuses_a_weak_password(client, auth, db):
    from tests.conftest import PASSWORD

    user = auth.login("staff")
    response = client.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Password123!",
            "confirm_password": "Password123!",
        },
    )
    assert response.status_code == 200
    db.refresh(user)
    assert accounts.verify_password(user.password_hash, PASSWORD)


def test_the_e_mail_address_is_refused_as_password():
    with pytest.raises(accounts.PasswordPolicyError):
        accounts.check_password_policy("someone.long@example.org", "someone.long@example.org")


def test_an_admin_cannot_set_a_common_password(client, auth, db):
    auth.login("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "display_name": "New",
            "role": "viewer",
            "password": "password1234",
        },
    )
    assert response.status_code == 200
    assert accounts.find_user_by_email(db, "new@example.org") is None


THROTTLED = "ログインの失敗が多すぎます"


def attempt(client, email, password):
    return client.post("/auth/login", data={"email": email, "password": password})


def test_after_five_failures_even_the_right_password_must_wait(client, make_user, db):
    user = make_user("viewer")
    for _ in range(5):
        assert attempt(client, user.email, "wrong password guess").status_code == 401
    response = attempt(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    count = db.scalar(select(func.count(LoginFailure.id)).where(LoginFailure.email == user.email))
    assert count == 5, "failures are kept in the database (shared by every worker)"


def test_four_failures_still_let_the_right_password_in(client, make_user):
    user = make_user("viewer")
    for _ in range(4):
        attempt(client, user.email, "wrong password guess")
    assert attempt(client, user.email, PASSWORD).status_code == 302


# Run in a process of its own: another worker, with nothing of this one's memory.
OTHER_PROCESS = """
import sys
from exchange_app import create_app
app = create_app({"DATABASE_URL": sys.argv[1]})
form = {"email": sys.argv[2], "password": sys.argv[3]}
print(app.test_client().post("/auth/login", data=form).status_code)
"""


def test_the_limit_holds_for_a_new_process(tmp_path):
    """The count lives in the database: a process that never saw the failures refuses too."""
    import subprocess
    import sys

    from sqlalchemy.orm import Session

    from exchange_app import migrate
    from exchange_app.db import create_db_engine
    from tests.conftest import reset_database
    from tests.scratch import PROJECT_ROOT, scratch_database_url

    url = scratch_database_url("throttle_process", str(tmp_path))
    reset_database(url)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            for email in ("throttled@example.org", "fine@example.org"):
                accounts.create_user(
                    session, email=email, display_name="T", role="viewer", password=PASSWORD
                )
            for _ in range(10):
                accounts.record_failure(
                    session, "throttled@example.org", "192.0.2.1", timedelta(hours=24)
                )
            session.commit()
            throttle = accounts.Throttle(
                free_failures=5,
                address_free_failures=20,
                max_delay=timedelta(minutes=15),
                window=timedelta(hours=24),
            )
            wait = accounts.retry_after(session, "throttled@example.org", None, throttle)
            assert 0 < wait <= 15 * 60

        def sign_in_elsewhere(email: str) -> str:
            return subprocess.run(
                [sys.executable, "-c", OTHER_PROCESS, url, email, PASSWORD],
                cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=120,
            ).stdout.strip()

        assert sign_in_elsewhere("THROTTLED@example.org") == "429"
        assert sign_in_elsewhere("fine@example.org") == "302"
    finally:
        engine.dispose()
        reset_database(url)


def test_unknown_accounts_are_throttled_too(client):
    for _ in range(5):
        attempt(client, "nobody@example.org", "guess guess guess")
    response = attempt(client, "nobody@example.org", "guess guess guess")
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
