"""Every select is declared with WTForms' SelectChoice: (value, label) tuples and dicts are
deprecated in WTForms 3.3 and go away in 3.4, whether given to the field or set in a view.

pyproject.toml makes the warning for fields declared with tuples an error; this test covers the
choices the views set at request time, which WTForms 3.3 accepts without a warning.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from exchange_app.models import Organization
from tests.factories import make_participant, make_program


@pytest.fixture
def refuse_legacy_choices(monkeypatch):
    """Rendering a select fails if any of its choices is not a SelectChoice."""
    original = SelectChoice.from_input.__func__
    seen: list[str] = []

    def from_input(cls, choice, optgroup=None):
        assert isinstance(choice, SelectChoice), f"legacy choice {choice!r}"
        seen.append(choice.value)
        return original(cls, choice, optgroup)

    monkeypatch.setattr(SelectChoice, "from_input", classmethod(from_input))
    return seen


def test_every_form_page_renders_its_selects_from_select_choices(
    client, auth, db, refuse_legacy_choices
):
    program = make_program(db, title="Choices programme")
    participant = make_participant(db, program)
    organization = db.scalars(select(Organization).order_by(Organization.id)).first()
    db.commit()
    auth.login("admin")
    pages = [
        "/delegations/new",
        "/youth/new",
        f"/youth/{program.id}/edit",
        f"/youth/{program.id}/participants/new",
        f"/youth/participants/{participant.id}/edit",
        "/promotions/new",
        f"/promotions/organizations/{organization.id}/merge",
        "/promotions/organizations/new",
        "/partners/guilin/edit",
        "/history/guilin/edit?ordinal=50",
        "/imports/",
        "/admin/users/new",
    ]
    for page in pages:
        before = len(refuse_legacy_choices)
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        assert len(refuse_legacy_choices) > before, f"{page} rendered no select"
