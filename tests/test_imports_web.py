"""The import wizard in the browser: upload → preview → confirm, permissions and audit."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from exchange_app.models import AuditEntry, Delegation, Job, Participant, StoredFile
from tests.import_files import csv_bytes, make_file
from tests.test_imports import DELEGATION_HEADERS, PARTICIPANT_HEADERS, add_program

GOOD_ROWS = [
    ["GL-1", "受入", "桂林市", "桂林市友好代表団", "令和6年4月1日", "R6.4.5", "王 明", "8", "観光"],
    ["GL-2", "派遣", "guilin", "熊本市訪問団", "2023-10-01", "2023-10-05", "", "5", ""],
]


@pytest.fixture(autouse=True)
def own_instance_folder(app, tmp_path):
    """Uploads go to a temporary instance folder."""
    app.instance_path = str(tmp_path)
    return tmp_path


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def uploads_kept(db) -> list[StoredFile]:
    return list(db.scalars(select(StoredFile).where(StoredFile.purpose == "import_upload")))


def confirm(client, preview_url: str):
    """Confirm an import: the request starts the job and sends the browser to its page."""
    response = client.post(f"{preview_url}/confirm")
    assert response.status_code == 303, response.status_code
    assert re.match(r"^/jobs/\d+$", response.headers["Location"])
    return client.get(response.headers["Location"])


def upload(client, kind: str, filename: str, content: bytes, **headers):
    return client.post(
        "/imports/",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


def test_upload_preview_confirm_writes_every_row(client, auth, db, own_instance_folder) -> None:
    user = auth.login("staff")
    page = client.get("/imports/")
    assert page.status_code == 200
    assert "/imports/templates/delegations.xlsx" in page.get_data(as_text=True)

    filename, content = make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS)
    response = upload(client, "delegations", "桂林 1979-2024 (final).xlsx", content)
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]

    # Kept in the database under a random token (never the user's file name, never on disk).
    (stored,) = uploads_kept(db)
    assert stored.token == token and stored.content == content
    assert stored.filename == "桂林 1979-2024 (final).xlsx" and stored.user_id == user.id
    assert not (own_instance_folder / "imports").exists()

    html = client.get(preview_url).get_data(as_text=True)
    assert "新規" in html and "GL-1" in html and "桂林市友好代表団" in html
    assert count(db, Delegation) == 0  # nothing written by the preview

    page = confirm(client, preview_url)
    assert count(db, Delegation) == 2
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry.user_id == user.id and entry.entity_type == "delegation"
    assert len(entry.changes["created"]) == 2
    db.expire_all()
    assert uploads_kept(db) == []
    assert "新規 2件" in page.get_data(as_text=True)

    # The same file again: every row unchanged, nothing to confirm.
    response = upload(client, "delegations", filename, content)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "取り込む内容はありません" in html
    assert count(db, Delegation) == 2


def test_preview_lists_every_problem_and_confirm_writes_nothing(client, auth, db) -> None:
    auth.login("staff")
    rows = [list(r) for r in GOOD_ROWS] + [
        ["GL-3", "受入", "アトランティス", "x", "2024-04-01", "2024-04-02", "", "3", ""],
        ["GL-4", "受入", "桂林市", "y", "2024-04-05", "2024-04-02", "", "three", ""],
    ]
    response = upload(client, "delegations", *make_file("csv-cp932", DELEGATION_HEADERS, rows))
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "3件の問題" in html
    assert re.search(r"<td>4</td>\s*<td>相手都市 <span[^>]*>\(partner\)</span></td>", html)
    assert "アトランティス" in html
    assert re.search(r"<td>5</td>\s*<td>終了日", html)
    assert re.search(r"<td>5</td>\s*<td>人数", html)
    assert "すべての行を取り込む" not in html

    response = client.post(f"{preview_url}/confirm")
    assert response.status_code == 422
    assert count(db, Delegation) == 0


def test_messages_in_english_when_the_interface_is_english(client, auth) -> None:
    auth.login("staff")
    client.get("/imports/?lang=en")
    rows = [["GL-3", "inbound", "Atlantis", "x", "2024-04-01", "2024-04-02", "", "3", ""]]
    response = upload(client, "delegations", *make_file("xlsx", DELEGATION_HEADERS, rows))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "unknown partner city &#39;Atlantis&#39;" in html


def test_script_upload_gets_json_with_the_next_step(client, auth) -> None:
    auth.login("staff")
    response = upload(
        client,
        "delegations",
        *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS),
        **{"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.get_json()["next"].startswith("/imports/")


class TestSizeLimits:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"IMPORT_MAX_BYTES": 2000, "MAX_CONTENT_LENGTH": 50_000}

    def test_file_over_the_import_limit_is_refused(self, client, auth, db, own_instance_folder):
        auth.login("staff")
        content = csv_bytes(DELEGATION_HEADERS, [GOOD_ROWS[0]] * 40, "utf-8-sig")
        assert 2000 < len(content) < 50_000
        response = upload(client, "delegations", "big.csv", content)
        assert response.status_code == 413
        assert "MB まで" in response.get_data(as_text=True)
        assert uploads_kept(db) == [] and count(db, Job) == 0

    def test_request_over_the_server_limit_gets_the_same_message(self, client, auth, db):
        auth.login("staff")
        response = upload(client, "delegations", "huge.csv", b"x" * 60_000)
        assert response.status_code == 413
        assert "ファイルが大きすぎます" in response.get_data(as_text=True)


def test_wrong_file_type_is_explained(client, auth, db) -> None:
    auth.login("staff")
    response = upload(client, "delegations", "notes.xlsx", b"just some text, not a workbook")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Excel ブックではありません" in html
    assert count(db, Delegation) == 0


def test_viewer_cannot_reach_the_wizard(client, auth) -> None:
    auth.login("viewer")
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/export/delegations").status_code == 403
    assert "/imports/" not in client.get("/").get_data(as_text=True)


def test_staff_cannot_import_or_export_personal_data(client, auth, db) -> None:
    auth.login("staff")
    assert "participants" not in client.get("/imports/").get_data(as_text=True)
    assert client.get("/imports/export/participants").status_code == 403
    assert client.get("/imports/templates/participants.xlsx").status_code == 403
    response = upload(client, "participants", *make_file("xlsx", PARTICIPANT_HEADERS, []))
    assert response.status_code == 400
    assert count(db, Participant) == 0


def test_coordinator_imports_and_exports_participants_with_audit(client, auth, db) -> None:
    user = auth.login("coordinator")
    add_program(db)
    rows = [
        [
            "YP-2024-01",
            "熊本",
            "花子",
            "クマモト",
            "ハナコ",
            "H21.5.3",
            "",
            "",
            "青少年",
            "はい",
            "参加",
            "熊本 太郎",
            "096-328-2070",
            "2024-06-20",
        ]
    ]
    response = upload(client, "participants", *make_file("csv-utf8-bom", PARTICIPANT_HEADERS, rows))
    confirm(client, response.headers["Location"])
    assert count(db, Participant) == 1

    response = client.get("/imports/export/participants?format=csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "クマモト" in response.data.decode("utf-8-sig")
    actions = {(e.action, e.entity_type, e.user_id) for e in db.scalars(select(AuditEntry))}
    assert ("import", "participant", user.id) in actions
    assert ("export", "participant", user.id) in actions


def test_cp932_export_download(client, auth, db) -> None:
    auth.login("staff")
    upload_response = upload(
        client, "delegations", *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS)
    )
    confirm(client, upload_response.headers["Location"])
    response = client.get("/imports/export/delegations?format=csv&encoding=cp932")
    assert "shift_jis" in response.headers["Content-Type"]
    assert "桂林市友好代表団" in response.data.decode("cp932")


def test_someone_elses_upload_is_not_found(client, auth, make_user) -> None:
    auth.login("staff")
    response = upload(client, "delegations", *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS))
    preview_url = response.headers["Location"]
    auth.logout()
    auth.login("staff")
    assert client.get(preview_url).status_code == 404
    assert client.post(f"{preview_url}/confirm").status_code == 404
    assert client.get("/imports/not-a-token").status_code == 404


def test_cancel_discards_the_upload(client, auth, db, own_instance_folder) -> None:
    auth.login("staff")
    response = upload(client, "delegations", *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS))
    preview_url = response.headers["Location"]
    assert client.post(f"{preview_url}/cancel").status_code == 302
    db.expire_all()
    assert uploads_kept(db) == []
    assert client.get(preview_url).status_code == 404
    assert count(db, Delegation) == 0


def test_upload_page_shows_progress_for_large_files(client, auth) -> None:
    auth.login("staff")
    html = client.get("/imports/").get_data(as_text=True)
    assert 'class="import-progress' in html and "<progress" in html
    assert "/static/js/imports.js" in html
    assert client.get("/static/js/imports.js").status_code == 200


def test_old_uploads_are_forgotten(app, db, make_user) -> None:
    from datetime import timedelta

    from exchange_app.importing import uploads

    user, other = make_user("staff"), make_user("staff")
    token = uploads.save_upload(db, "delegations", "a.csv", b"x", user.id)
    assert uploads.load_upload(db, token, user.id) is not None
    assert uploads.load_upload(db, token, other.id) is None
    (stored,) = uploads_kept(db)
    stored.created_at -= timedelta(seconds=uploads.MAX_AGE_SECONDS + 60)
    db.flush()
    assert uploads.load_upload(db, token, user.id) is None
    uploads.purge_expired(db)
    db.expire_all()
    assert uploads_kept(db) == []
