"""All models, imported here so that Alembic and the app see the whole schema."""

from exchange_app.models.audit import AuditEntry
from exchange_app.models.counterpart import Counterpart, CounterpartPost
from exchange_app.models.delegation import (
    CourtesyCall,
    Delegation,
    DelegationField,
    DelegationMember,
    Gift,
    delegation_leading_projects,
)
from exchange_app.models.form_submission import FormSubmission
from exchange_app.models.history import HistoryReport
from exchange_app.models.indicator import (
    ConfirmedYear,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueRevision,
)
from exchange_app.models.job import Job, StoredFile
from exchange_app.models.partner import PartnerCity, PartnerCityField, RelationshipEvent
from exchange_app.models.promotion import Organization, Promotion, promotion_leading_projects
from exchange_app.models.reference import LeadingProject
from exchange_app.models.user import ApiToken, LoginFailure, LoginSession, User
from exchange_app.models.youth import Participant, YouthPerson, YouthProgram

__all__ = [
    "ApiToken",
    "AuditEntry",
    "ConfirmedYear",
    "Counterpart",
    "CounterpartPost",
    "CourtesyCall",
    "Delegation",
    "DelegationField",
    "DelegationMember",
    "FormSubmission",
    "Gift",
    "HistoryReport",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "IndicatorValueRevision",
    "Job",
    "LeadingProject",
    "LoginFailure",
    "LoginSession",
    "Organization",
    "Participant",
    "PartnerCity",
    "PartnerCityField",
    "Promotion",
    "RelationshipEvent",
    "StoredFile",
    "User",
    "YouthPerson",
    "YouthProgram",
    "delegation_leading_projects",
    "promotion_leading_projects",
]
