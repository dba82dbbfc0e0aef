"""Upload → progress → preview in the browser, with a real job worker, in both languages.

The worker (a Huey consumer thread) is started only once the progress page is shown, so the
page is seen waiting; then it updates by itself (JavaScript polling, or without JavaScript its
refresh) and shows the preview. axe-core checks the progress page and the preview (with
JavaScript, in Japanese and English).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from exchange_app import jobs
from exchange_app.services import accounts
from tests.e2e.conftest import PASSWORD, LiveServer, axe_violations, serve_app, sign_in
from tests.import_files import csv_bytes
from tests.test_imports import DELEGATION_HEADERS

EMAIL = "e2e-import-jobs@example.org"
ADMIN_EMAIL = "e2e-workbook-admin@example.org"


@pytest.fixture(scope="module")
def job_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("e2e-jobs")
    config = {
        "JOBS_IMMEDIATE": False,
        "JOBS_SQLITE_FILE": str(Path(folder) / "job-queue.sqlite3"),
        "JOBS_QUEUE_NAME": "e2e-import-jobs",
    }
    with serve_app("e2e-jobs", str(folder), config) as server:
        with server.session() as session:
            accounts.create_user(
                session, email=EMAIL, display_name="E2E jobs", role="staff", password=PASSWORD
            )
            accounts.create_user(
                session,
                email=ADMIN_EMAIL,
                display_name="E2E workbook",
                role="admin",
                password=PASSWORD,
            )
            session.commit()
        yield server


def rows(prefix: str) -> list[list[str]]:
    return [
        [f"{prefix}-{n}", "受入", "桂林市", f"桂林市友好代表団 {n}", "2024-04-01", "2024-04-05",
         "王 明", "8", "観光"]
        for n in range(300)
    ]


@pytest.mark.parametrize("lang,script", [("ja", True), ("en", True), ("ja", False)])
def test_upload_shows_progress_then_the_preview(job_server, browser, lang, script) -> None:
    from flask_babel import force_locale, gettext

    def tr(msgid: str) -> str:
        with job_server.app.test_request_context(), force_locale(lang):
            return gettext(msgid)

    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}, java_script_enabled=script
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    huey = jobs.queue_of(job_server.app).huey
    consumer = None
    prefix = f"JOB-{lang}-{'js' if script else 'nojs'}"
    try:
        sign_in(page, job_server, EMAIL, lang) if script else _sign_in_without_script(
            page, job_server, lang
        )
        page.goto(f"{job_server.url}/imports/")
        page.locator("select[name=kind]").select_option("delegations")
        page.locator("input[type=file]").set_input_files(
            files=[{"name": f"{prefix}.csv", "mimeType": "text/csv",
                    "buffer": csv_bytes(DELEGATION_HEADERS, rows(prefix), "utf-8-sig")}]
        )
        page.locator("#submit").click()

        # The progress page: waiting for a worker, with an accessible progress bar.
        page.locator("#job-progress-bar").wait_for()
        assert page.get_by_role("progressbar").count() == 1
        assert page.get_by_text(tr("Waiting for a worker to start it…")).is_visible()
        assert page.locator("html").get_attribute("lang") == lang
        if script:  # without JavaScript the page reloads itself every two seconds
            assert axe_violations(page) == []

        consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
        consumer.start()
        # It updates by itself and shows the preview of every row.
        page.get_by_role("heading", name=tr("Check the import")).wait_for(timeout=60000)
        assert page.get_by_text(f"{prefix}-0", exact=True).is_visible()
        assert page.get_by_role("button", name=tr("Import all rows")).is_visible()
        if script:
            assert axe_violations(page) == []
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        context.close()


def _sign_in_without_script(page, server: LiveServer, lang: str) -> None:
    page.goto(f"{server.url}/auth/login?lang={lang}")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input#submit").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_history_pdf_is_laid_out_by_the_worker_and_downloaded(job_server, browser, tmp_path):
    """Download PDF → the job's progress page → the PDF arrives once a worker lays it out."""
    from exchange_app.services import anniversaries, partners
    from exchange_app.services.dates import today_in_japan

    with job_server.session() as session:
        guilin = partners.get_partner_city_by_slug(session, "guilin")
        ordinal = anniversaries.next_milestone(guilin, today_in_japan()).ordinal
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    huey = jobs.queue_of(job_server.app).huey
    consumer = None
    try:
        sign_in(page, job_server, EMAIL, "en")
        page.goto(f"{job_server.url}/history/guilin?ordinal={ordinal}&language=en")
        page.get_by_role("link", name="Download PDF").click()
        page.wait_for_url("**/jobs/*")
        page.locator("#job-progress-bar").wait_for()
        assert page.get_by_role("heading", name="Laying out a history PDF").is_visible()
        assert axe_violations(page) == []
        with page.expect_download(timeout=120_000) as download_info:
            consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
            consumer.start()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        path = tmp_path / "history.pdf"
        download.save_as(path)
        assert path.read_bytes()[:5] == b"%PDF-"
        # The page then says it is finished, with the link to download it again.
        page.locator("#job-done").wait_for()
        assert page.locator("#job-result-link").get_attribute("href").startswith(
            "/history/guilin/pdf"
        )
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_administrator_writes_the_whole_office_workbook(job_server, browser, tmp_path, lang):
    """Import / export → the whole office in one workbook → its job → the workbook downloaded."""
    from flask_babel import force_locale, gettext
    from openpyxl import load_workbook

    from exchange_app.imports.kinds import KINDS

    def tr(msgid: str) -> str:
        with job_server.app.test_request_context(), force_locale(lang):
            return gettext(msgid)

    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    huey = jobs.queue_of(job_server.app).huey
    consumer = None
    try:
        sign_in(page, job_server, ADMIN_EMAIL, lang)
        page.goto(f"{job_server.url}/")
        page.get_by_role("link", name=tr("Import / export")).first.click()
        section = page.get_by_role("region", name=tr("The whole office in one workbook"))
        section.wait_for()
        personal = page.get_by_label(tr("Include the youth participants and their personal data"))
        assert not personal.is_checked()
        assert axe_violations(page) == []
        page.get_by_role("button", name=tr("Write the workbook")).click()
        page.wait_for_url("**/jobs/*")
        page.locator("#job-progress-bar").wait_for()
        assert page.get_by_role(
            "heading", name=tr("Writing the whole office's workbook")
        ).is_visible()
        assert axe_violations(page) == []
        with page.expect_download(timeout=120_000) as download_info:
            consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
            consumer.start()
        download = download_info.value
        assert download.suggested_filename.startswith("exchange-app-all_")
        path = tmp_path / f"office-{lang}.xlsx"
        download.save_as(path)
        book = load_workbook(path, read_only=True)
        assert book.sheetnames == [key for key, kind in KINDS.items() if not kind.personal]
        book.close()
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_organisations_not_registered_are_shown_before_they_are_created(
    job_server, browser, lang
) -> None:
    """Promotions naming an unknown organisation: the preview lists it; confirming creates it."""
    from flask_babel import force_locale, gettext
    from sqlalchemy import select

    from exchange_app.models import Organization
    from tests.test_import_creates_missing import HEADERS

    def tr(msgid: str, **values: object) -> str:
        with job_server.app.test_request_context(), force_locale(lang):
            return gettext(msgid, **values)

    name = f"在日タイ大使館 {lang}"
    rows = [
        [f"E2E-PR-{lang}-{n}", "2024-05-01", f"タイでの発信 {n}", "embassy_consulate", name,
         "food", "event"]
        for n in range(2)
    ]
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    huey = jobs.queue_of(job_server.app).huey
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        sign_in(page, job_server, EMAIL, lang)
        page.goto(f"{job_server.url}/imports/")
        page.locator("select[name=kind]").select_option("promotions")
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "promotions.csv", "mimeType": "text/csv",
                    "buffer": csv_bytes(HEADERS, rows, "utf-8-sig")}]
        )
        page.locator("#submit").click()
        page.get_by_role("heading", name=tr("Check the import")).wait_for(timeout=60000)
        heading = tr("%(count)s not registered yet: created with the import", count=1)
        page.get_by_role("heading", name=heading).wait_for()
        assert name in page.locator("#new-records").inner_text()
        assert axe_violations(page) == []
        named = select(Organization).where(Organization.name_ja == name)
        with job_server.session() as session:
            assert session.scalars(named).all() == []
        page.get_by_role("button", name=tr("Import all rows")).click()
        page.locator("#job-done").wait_for(timeout=60000)
        with job_server.session() as session:
            assert session.scalars(named).one().kind == "embassy_consulate"
    finally:
        consumer.stop(graceful=True)
        context.close()
