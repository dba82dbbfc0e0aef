"""Anniversaries say what they count from, and fall in the right fiscal year."""

from __future__ import annotations

import json

from exchange_app.services import anniversaries
from tests.factories import city

ROME_BASIS_JA = "起算: 1995年5月 旧植木町が友好関係の盟約を締結（2015年に熊本市が継承）"
ROME_BASIS_EN = (
    "Counted from May 1995: Former Ueki town signs a friendship pact "
    "(taken over by Kumamoto City in 2015)"
)




def test_an_anniversary_known_only_to_the_year_falls_in_that_years_fiscal_year(db) -> None:
    kaohsiung_10th = anniversaries.milestone(city(db, "kaohsiung"), 10)
    assert (kaohsiung_10th.date_text(), kaohsiung_10th.fiscal_year) == ("2027", 2027)
    assert kaohsiung_10th.planning_from_fiscal_year == 2024
    # A known month or day keeps its exact fiscal year: Rome's May 2030 is FY2030,
    # and a January anniversary belongs to the fiscal year before.
    assert anniversaries.milestone(city(db, "rome-ga"), 35).fiscal_year == 2030
    guilin = city(db, "guilin")
    assert anniversaries.milestone(guilin, 50).fiscal_year == 2029


def test_cli_json_gives_the_fiscal_year_and_romes_basis(app) -> None:
    result = app.test_cli_runner().invoke(args=["anniversaries", "--within", "10", "--json"])
    assert result.exit_code == 0, result.output
    rows = {(r["partner"], r["ordinal"]): r for r in json.loads(result.output)}
    kaohsiung = next(r for key, r in rows.items() if key[0] == "kaohsiung")
    assert kaohsiung["fiscal_year"] == int(kaohsiung["date"])
    rome = next(r for key, r in rows.items() if key[0] == "rome-ga")
    assert (rome["basis_ja"], rome["basis_en"]) == (ROME_BASIS_JA, ROME_BASIS_EN)
    guilin = next(r for key, r in rows.items() if key[0] == "guilin")
    assert guilin["basis_ja"] is None


def test_only_a_relationship_taken_over_has_a_basis(app, db) -> None:
    with app.app_context():
        assert anniversaries.basis_text(city(db, "rome-ga"), "ja") == ROME_BASIS_JA
        assert anniversaries.basis_text(city(db, "rome-ga"), "en") == ROME_BASIS_EN
        for slug in ("guilin", "kaohsiung", "aix-en-provence"):
            assert anniversaries.basis_text(city(db, slug), "ja") is None


def _set_language(client, lang: str) -> None:
    client.get(f"/?lang={lang}")


def test_romes_history_heading_and_cover_say_the_basis(client, auth) -> None:
    auth.login("viewer")
    for lang, basis, not_basis in (("ja", ROME_BASIS_JA, "起算"), ("en", ROME_BASIS_EN, "Counted")):
        _set_language(client, lang)
        page = client.get(f"/history/rome-ga?ordinal=35&language={lang}").get_data(as_text=True)
        heading = page.split('class="history-toolbar"', 1)[1].split('class="history-actions"')[0]
        assert f"data-anniversary-basis>{basis}</p>" in heading
        cover = page.split('class="cover"', 1)[1].split("</section>", 1)[0]
        assert f'<p class="cover-basis">{basis}</p>' in cover
        guilin = client.get(f"/history/guilin?ordinal=50&language={lang}").get_data(as_text=True)
        assert not_basis not in guilin


def test_romes_basis_is_in_every_list_of_anniversaries(client, auth) -> None:
    auth.login("viewer")
    for path in ("/", "/history/", "/partners/rome-ga"):
        assert ROME_BASIS_JA in client.get(path).get_data(as_text=True), path


def test_romes_pdf_history_says_the_basis(client, auth, tmp_path) -> None:
    import subprocess

    auth.login("viewer")
    response = client.get("/history/rome-ga/pdf?ordinal=35&language=ja")
    assert response.status_code == 200
    pdf = tmp_path / "rome.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", "-l", "1", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "起算: 1995年5月" in text and "熊本市が継承" in text


def test_the_home_page_lists_kaohsiungs_10th_with_budget_planning_from_fy2024(client, auth):
    auth.login("viewer")
    page = client.get("/history/").get_data(as_text=True)
    row = page.split("/partners/kaohsiung", 1)[1].split("</tr>", 1)[0]
    assert "2024年度" in row and "2023年度" not in row


def test_the_partner_page_names_the_next_anniversary_as_each_language_does(client, auth):
    auth.login("viewer")
    page = client.get("/partners/rome-ga").get_data(as_text=True)
    assert "次回: 35周年（2030年5月 (令和12年5月)）" in page
    client.get("/?lang=en")
    assert "Next: 35th anniversary on May 2030" in client.get("/partners/rome-ga").get_data(
        as_text=True
    )
