"""The editor of a history: foreword, records left out, photo captions, language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from exchange_app.forms import MultiCheckboxField, VersionedForm, no_control_characters

LANGUAGE_CHOICES = [
    SelectChoice("ja", _l("Japanese")),
    SelectChoice("en", _l("English")),
    SelectChoice("both", _l("Japanese and English side by side")),
]


class HistoryReportForm(VersionedForm):
    """What staff decide about one history; the records themselves are not edited here."""

    language = SelectField(_l("Language of the document"), choices=LANGUAGE_CHOICES,
                           validators=[DataRequired()])
    foreword_ja = TextAreaField(_l("Foreword (Japanese)"), render_kw={"rows": 10},
                                validators=[Optional(), Length(max=10000), no_control_characters])
    foreword_en = TextAreaField(_l("Foreword (English)"), render_kw={"rows": 10},
                                validators=[Optional(), Length(max=10000), no_control_characters])
    photo_captions = TextAreaField(
        _l("Photo captions, one per line"),
        render_kw={"rows": 5},
        validators=[Optional(), Length(max=5000), no_control_characters],
    )
    excluded_records = MultiCheckboxField(_l("Leave out of the history"), choices=[],
                                          validate_choice=False)
    submit = SubmitField(_l("Save"))
