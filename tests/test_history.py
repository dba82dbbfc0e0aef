"""Partnership histories: drafted from the records, edited by staff, out as HTML, PDF and xlsx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exchange_app.models import (
    AuditEntry,
    Delegation,
    HistoryReport,
    Participant,
    PartnerCity,
    Promotion,
    YouthProgram,
)
from exchange_app.services import history as history_service

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
SECRET_NAMES = ("秘密野", "Hidenoyama", "ヒミツノ")


def guilin(db) -> PartnerCity:
    return db.scalar(select(PartnerCity).where(PartnerCity.slug == "guilin"))


def add_records(db, city: PartnerCity) -> dict[str, int]:
    """Two outbound delegations, one inbound, a youth exchange with named minors, a promotion."""
    delegations = [
        Delegation(direction="outbound", partner_city_id=city.id, title="Mayor's friendship visit",
                   start_date=date(1985, 5, 10), end_date=date(1985, 5, 14), head_title="Mayor",
                   head_name="Ishiko", member_count=5, purpose="Friendship talks"),
        Delegation(direction="outbound", partner_city_id=city.id, title="Water technology team",
                   start_date=date(2001, 9, 1), end_date=date(2001, 9, 9), member_count=7,
                   purpose="Groundwater training"),
        Delegation(direction="inbound", partner_city_id=city.id, title="Guilin city delegation",
                   start_date=date(2003, 4, 2), end_date=date(2003, 4, 5), member_count=10),
    ]
    delegations[0].fields = ["administration"]
    delegations[1].fields = ["environment", "technology"]
    delegations[2].fields = ["environment"]
    program = YouthProgram(title="Youth homestay", kind="partner_exchange",
                           partner_city_id=city.id, direction="outbound",
                           start_date=date(2005, 8, 1), end_date=date(2005, 8, 7))
    statuses = [("youth", "participated"), ("youth", "participated"), ("youth", "selected"),
                ("chaperone", "participated"), ("youth", "withdrawn"), ("youth", "applied")]
    for index, (role, status) in enumerate(statuses):
        program.participants.append(
            Participant(role=role, resident=True, status=status,
                        family_name=SECRET_NAMES[0], given_name=f"Kid{index}",
                        family_name_kana=SECRET_NAMES[2], family_name_romaji=SECRET_NAMES[1],
                        guardian_consent_on=date(2005, 6, 1)))
    promotion = Promotion(start_date=date(2010, 3, 3), title="Kumamoto food fair in Guilin",
                          channel="partner_city", partner_city_id=city.id, theme="food",
                          medium="event", reach=800)
    db.add_all([*delegations, program, promotion])
    db.commit()
    return {"delegation": delegations[1].id, "promotion": promotion.id}


@pytest.fixture
def records(db):
    return add_records(db, guilin(db))


def test_history_counts_match_the_records(app, db, records):
    with app.test_request_context():
        history = history_service.build_history(db, guilin(db), 50)
    totals = history.totals
    assert history.milestone.day == date(2029, 10, 1)
    assert (totals.delegations_outbound, totals.delegations_inbound) == (2, 1)
    assert (totals.people_outbound, totals.people_inbound) == (12, 10)
    assert totals.youth_programs == 1
    # Selected and participated count; withdrawn and applicants do not.
    assert totals.youth_outbound == 4
    assert totals.promotions == 1
    decades = {decade: t for decade, t in history.by_decade}
    assert decades[1980].delegations_outbound == 1
    assert decades[2000].delegations == 2
    assert decades[2000].youth_participants == 4
    assert decades[2010].promotions == 1
    fields = {name: (d, y) for name, d, y in history.by_field}
    assert fields["environment"] == (2, 0)
    assert fields["youth"] == (0, 1)
    assert [year for year, _entries in history.years][:2] == [1979, 1985]


def test_summary_paragraph_is_built_from_the_figures_in_both_languages(app, db, records):
    with app.test_request_context():
        history = history_service.build_history(db, guilin(db), 50)
        english = history_service.summary_paragraph(history, "en")
        japanese = history_service.summary_paragraph(history, "ja")
    assert english.startswith("Since 1979, 3 delegations have travelled between Kumamoto City")
    assert "2 sent by Kumamoto City with 12 people" in english
    assert "1979年の提携以来" in japanese and "3件の訪問団" in japanese


def test_left_out_records_are_not_counted(app, db, records):
    city = guilin(db)
    db.add(HistoryReport(partner_city_id=city.id, ordinal=50, language="ja",
                         excluded_records=[f"delegation:{records['delegation']}"],
                         photo_captions=[]))
    db.commit()
    with app.test_request_context():
        history = history_service.build_history(db, city, 50)
    assert history.totals.delegations_outbound == 1
    assert history.excluded_count == 1


def test_building_a_history_reads_a_fixed_number_of_queries(app, db, records, count_queries):
    city = guilin(db)
    with count_queries() as few:
        history_service.build_history(db, city, 50)
    for offset in range(20):
        add_records(db, city) if offset % 10 == 0 else None
    with count_queries() as many:
        history_service.build_history(db, city, 50)
    assert len(many) == len(few)


def pdf_text(content: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "history.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return fonts.stdout, text.stdout


def test_tools_to_read_pdfs_are_installed():
    assert shutil.which("pdffonts") and shutil.which("pdftotext")


def test_japanese_pdf_embeds_a_japanese_font_and_names_both_cities(client, auth, records,
                                                                   tmp_path):
    auth.login("viewer")
    response = client.get("/history/guilin/pdf?ordinal=50&language=ja")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    fonts, text = pdf_text(response.data, tmp_path)
    japanese_fonts = [line for line in fonts.splitlines() if "CJK-JP" in line]
    assert japanese_fonts, fonts
    # Columns: name type encoding emb sub uni ...; every Japanese font is embedded.
    assert all(line.split()[-5] == "yes" for line in japanese_fonts), fonts
    assert "熊本市" in text and "桂林市" in text
    assert "友好都市締結50周年" in text
    assert "昭和54年" in text  # dates in 和暦 too
    assert "目次" in text  # table of contents
    assert re.search(r"\b3 ?/ ?\d+\b", text)  # page numbers
    for name in SECRET_NAMES:
        assert name not in text


def test_english_pdf_has_no_japanese_labels(client, auth, records, tmp_path):
    auth.login("viewer")
    response = client.get("/history/guilin/pdf?ordinal=50&language=en")
    _fonts, text = pdf_text(response.data, tmp_path)
    assert "Kumamoto City" in text and "Guilin" in text
    assert "50th Anniversary of the Friendship City Relationship" in text
    # The seeded relationship events have English titles; the test records are English.
    assert not CJK.findall(text), sorted(set(CJK.findall(text)))


def test_english_html_document_has_no_japanese_labels(client, auth, records):
    auth.login("viewer")
    client.get("/?lang=en")
    page = client.get("/history/guilin?ordinal=50&language=en").get_data(as_text=True)
    document = page[page.index('<article class="history-doc'):page.index("</article>")]
    assert "Year by year" in document
    assert not CJK.findall(document), sorted(set(CJK.findall(document)))


def test_both_languages_side_by_side(client, auth, records):
    auth.login("viewer")
    page = client.get("/history/guilin?ordinal=50&language=both").get_data(as_text=True)
    assert "history-both" in page
    assert "年表" in page and "Year by year" in page
    decade = client.get("/history/guilin/decade/1980?ordinal=50&language=both&fragment=1")
    assert "1985年（昭和60年）" in decade.get_data(as_text=True)


def test_no_participant_name_appears_in_any_output(app, client, auth, records, tmp_path):
    auth.login("coordinator")
    outputs = [
        client.get("/history/guilin/decade/2000?ordinal=50&language=both").get_data(as_text=True),
        client.get("/history/guilin?ordinal=50&language=both").get_data(as_text=True),
        client.get("/history/guilin/edit?ordinal=50").get_data(as_text=True),
    ]
    workbook = load_workbook(io.BytesIO(client.get("/history/guilin/xlsx?ordinal=50").data))
    outputs.append(" ".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows()
                            for cell in row))
    html_file = tmp_path / "history.html"
    result = app.test_cli_runner().invoke(
        args=["history", "guilin", "--lang", "both", "--format", "html", "--output",
              str(html_file)])
    assert result.exit_code == 0, result.output
    outputs.append(html_file.read_text(encoding="utf-8"))
    assert "Youth homestay" in outputs[0]
    for output in outputs:
        for name in SECRET_NAMES:
            assert name not in output
        assert "Kid0" not in output


def test_xlsx_appendix_lists_the_records_by_kind(client, auth, records):
    auth.login("viewer")
    response = client.get("/history/guilin/xlsx?ordinal=50&language=en")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Delegations", "Youth programmes", "Promotions",
                                   "Relationship events"]
    assert workbook["Delegations"].max_row == 4
    assert workbook["Youth programmes"]["F2"].value == 3  # young people, not names


def test_a_city_with_no_records_still_gets_a_valid_document(app, client, auth, db, tmp_path):
    db.add(PartnerCity(slug="newtown", name_ja="新町", name_en="Newtown", name_local="Newtown",
                       country="NZ", relationship_type="exchange",
                       established_on=date(2020, 4, 1), established_precision="day"))
    db.commit()
    auth.login("viewer")
    page = client.get("/history/newtown?language=en").get_data(as_text=True)
    assert "No exchanges have been recorded for this partnership yet." in page
    assert "No events recorded." in page
    response = client.get("/history/newtown/pdf?language=en")
    assert response.status_code == 200
    _fonts, text = pdf_text(response.data, tmp_path)
    assert "Newtown" in text and "no exchanges" in text


def test_unknown_city_is_not_found(client, auth, app):
    auth.login("staff")
    for url in ("/history/atlantis", "/history/atlantis/pdf", "/history/atlantis/xlsx",
                "/history/atlantis/edit"):
        assert client.get(url).status_code == 404, url
    result = app.test_cli_runner().invoke(
        args=["history", "atlantis", "--format", "pdf", "--output", "/dev/null"])
    assert result.exit_code != 0
    assert "no partner city 'atlantis'" in result.output


def test_unsupported_language_is_refused_clearly(client, auth, app):
    auth.login("viewer")
    response = client.get("/history/guilin/pdf?language=zh")
    assert response.status_code == 400
    assert "「zh」には対応していません" in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(
        args=["history", "guilin", "--lang", "fr", "--output", "/dev/null"])
    assert result.exit_code != 0
    assert "'fr' is not offered" in result.output


def test_cli_writes_a_pdf(app, records, tmp_path):
    output = tmp_path / "guilin.pdf"
    result = app.test_cli_runner().invoke(
        args=["history", "guilin", "--lang", "ja", "--format", "pdf", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")


def test_viewer_reads_but_cannot_edit(client, auth, db):
    auth.login("viewer")
    assert client.get("/history/guilin").status_code == 200
    assert client.get("/history/guilin/edit").status_code == 403
    assert client.post("/history/guilin/edit", data={"language": "en"}).status_code == 403
    assert db.scalar(select(HistoryReport)) is None


def test_staff_edit_is_kept_with_the_report_and_audited(client, auth, db, records):
    auth.login("staff")
    key = f"promotion:{records['promotion']}"
    response = client.post(
        "/history/guilin/edit?ordinal=50",
        data={"version": "", "language": "both", "foreword_ja": "五十年の友情に感謝して",
              "foreword_en": "<script>alert(1)</script> With thanks",
              "photo_captions": "Signing in 1979\n\nTree planting, 2019",
              "excluded_records": [key, "delegation:999999"]},
    )
    assert response.status_code == 302
    report = db.scalar(select(HistoryReport).where(HistoryReport.ordinal == 50))
    db.refresh(report)
    assert report.language == "both"
    assert report.excluded_records == [key]  # unknown keys are dropped
    assert report.photo_captions == ["Signing in 1979", "Tree planting, 2019"]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.entity_type == "history_report"))
    assert entry.action == "create" and entry.entity_id == report.id

    page = client.get("/history/guilin?ordinal=50").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; With thanks" in page
    assert "<script>alert(1)</script>" not in page
    assert "Tree planting, 2019" in page
    assert "Kumamoto food fair in Guilin" not in page


def test_foreword_with_html_is_printed_as_text_in_the_pdf(client, auth, db, records, tmp_path):
    db.add(HistoryReport(partner_city_id=guilin(db).id, ordinal=50, language="en",
                         foreword_en="<b>Bold?</b> & <img src=x onerror=alert(1)>",
                         excluded_records=[], photo_captions=[]))
    db.commit()
    auth.login("viewer")
    _fonts, text = pdf_text(client.get("/history/guilin/pdf?ordinal=50").data, tmp_path)
    assert "<b>Bold?</b> & <img src=x onerror=alert(1)>" in text


def test_stale_edit_is_refused_with_409(client, auth, db, records):
    report = HistoryReport(partner_city_id=guilin(db).id, ordinal=50, language="ja",
                           excluded_records=[], photo_captions=[])
    db.add(report)
    db.commit()
    stale_version = str(report.version)
    report.foreword_ja = "先に保存された序文"
    db.commit()
    auth.login("coordinator")
    response = client.post("/history/guilin/edit?ordinal=50",
                           data={"version": stale_version, "language": "en",
                                 "foreword_ja": "上書き"})
    assert response.status_code == 409
    assert "/history/guilin/edit?ordinal=50" in response.get_data(as_text=True)
    db.refresh(report)
    assert report.foreword_ja == "先に保存された序文"
    assert report.language == "ja"


def _kept_pdfs(db):
    from exchange_app.models import StoredFile

    db.expire_all()
    return list(db.scalars(select(StoredFile).where(StoredFile.purpose == "history_pdf")))


def test_the_same_document_is_laid_out_once_and_then_served_from_the_database(
    app, db, client, auth, records, tmp_path
):
    from exchange_app.models import Job

    auth.login("viewer")
    first = client.get("/history/guilin/pdf?ordinal=50&language=en").data
    (kept,) = _kept_pdfs(db)
    assert kept.content == first and first[:5] == b"%PDF-"
    assert not (tmp_path / "history-pdf").exists()
    jobs_before = len(list(db.scalars(select(Job))))
    assert client.get("/history/guilin/pdf?ordinal=50&language=en").data == first
    assert len(list(db.scalars(select(Job)))) == jobs_before  # served, not laid out again
    # A changed document is laid out again and replaces the old PDF.
    auth.logout()
    auth.login("staff")
    client.post("/history/guilin/edit?ordinal=50",
                data={"version": "", "language": "en", "foreword_en": "With thanks"})
    second = client.get("/history/guilin/pdf?ordinal=50&language=en").data
    assert second != first
    assert [k.content for k in _kept_pdfs(db)] == [second]


def test_a_pdf_not_yet_laid_out_sends_the_browser_to_its_job(
    app, db, client, auth, records, monkeypatch
):
    from exchange_app import jobs
    from exchange_app.models import Job

    started: list[int] = []
    monkeypatch.setattr(jobs.queue_of(app), "run_task", started.append)
    auth.login("viewer")
    response = client.get("/history/guilin/pdf?ordinal=50&language=en")
    assert response.status_code == 303
    job = db.scalar(select(Job).where(Job.kind == "history_pdf"))
    assert response.headers["Location"] == f"/jobs/{job.id}" and started == [job.id]
    # Asking again while it is being laid out follows the same job.
    again = client.get("/history/guilin/pdf?ordinal=50&language=en")
    assert again.headers["Location"] == f"/jobs/{job.id}" and started == [job.id]
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<progress" in page and 'http-equiv="refresh"' in page
    # The worker lays it out; the job's page then leads to the download.
    jobs.queue.run_job(app, job.id)
    db.expire_all()
    assert db.get(Job, job.id).status == "done"
    state = client.get(f"/jobs/{job.id}/status").get_json()
    assert state["finished"] and state["next"].startswith("/history/guilin/pdf")
    download = client.get(state["next"])
    assert download.mimetype == "application/pdf" and download.data[:5] == b"%PDF-"
