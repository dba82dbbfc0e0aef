"""Forms of the import wizard."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    """Step 1: choose what to import and the file."""

    kind = SelectField(_l("What the file contains"), validators=[DataRequired()])
    file = FileField(
        _l("File (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        render_kw={"accept": ".xlsx,.csv"},
    )
    submit = SubmitField(_l("Upload and check"))


class ConfirmForm(FlaskForm):
    """Step 3: write every row (or cancel)."""

    submit = SubmitField(_l("Import all rows"))


class WorkbookExportForm(FlaskForm):
    """Ask for the whole office as one workbook (administrators)."""

    include_personal = BooleanField(_l("Include the youth participants and their personal data"))
    submit = SubmitField(_l("Write the workbook"))
