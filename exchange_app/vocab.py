"""The controlled vocabularies of the domain, with their translated labels.

Each tuple is the single list of allowed values: the models' CHECK constraints,
the forms' choices, the imports and the exports all read it from here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = ("admin", "coordinator", "staff", "viewer")
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "staff": _l("Staff"),
    "viewer": _l("Viewer"),
}

RELATIONSHIP_TYPES = (
    "friendship",
    "sister",
    "friendship_cooperation",
    "exchange",
    "friendship_exchange",
)
RELATIONSHIP_TYPE_LABELS = {
    "friendship": _l("Friendship city"),
    "sister": _l("Sister city"),
    "friendship_cooperation": _l("Friendship and cooperation city"),
    "exchange": _l("Exchange city"),
    "friendship_exchange": _l("Friendship exchange city"),
}

DATE_PRECISIONS = ("year", "month", "day")

RELATIONSHIP_EVENT_KINDS = (
    "signed",
    "inherited",
    "renewed",
    "anniversary_held",
    "citizens_exchange",
    "gift",
    "other",
)
RELATIONSHIP_EVENT_KIND_LABELS = {
    "signed": _l("Agreement signed"),
    "inherited": _l("Relationship taken over"),
    "renewed": _l("Agreement renewed"),
    "anniversary_held": _l("Anniversary held"),
    "citizens_exchange": _l("Citizens' exchange"),
    "gift": _l("Gift"),
    "other": _l("Other"),
}

EXCHANGE_FIELDS = (
    "youth",
    "tourism",
    "education",
    "culture",
    "economy",
    "technology",
    "medical",
    "sports",
    "environment",
    "arts",
    "administration",
)
EXCHANGE_FIELD_LABELS = {
    "youth": _l("Youth"),
    "tourism": _l("Tourism"),
    "education": _l("Education"),
    "culture": _l("Culture"),
    "economy": _l("Economy"),
    "technology": _l("Technology"),
    "medical": _l("Medical"),
    "sports": _l("Sports"),
    "environment": _l("Environment"),
    "arts": _l("Arts"),
    "administration": _l("Administration"),
}

DIRECTIONS = ("inbound", "outbound")
DIRECTION_LABELS = {
    "inbound": _l("Inbound (hosted)"),
    "outbound": _l("Outbound (sent)"),
}

GIFT_DIRECTIONS = ("given", "received")
GIFT_DIRECTION_LABELS = {"given": _l("Given"), "received": _l("Received")}

YOUTH_PROGRAM_KINDS = ("partner_exchange", "international_conference", "other")
YOUTH_PROGRAM_KIND_LABELS = {
    "partner_exchange": _l("Exchange with a partner city"),
    "international_conference": _l("International conference"),
    "other": _l("Other"),
}

PARTICIPANT_ROLES = ("youth", "chaperone", "staff")
PARTICIPANT_ROLE_LABELS = {
    "youth": _l("Youth"),
    "chaperone": _l("Chaperone"),
    "staff": _l("Staff member"),
}

PARTICIPANT_STATUSES = ("applied", "selected", "participated", "withdrawn")
PARTICIPANT_STATUS_LABELS = {
    "applied": _l("Applied"),
    "selected": _l("Selected"),
    "participated": _l("Participated"),
    "withdrawn": _l("Withdrawn"),
}

ORGANIZATION_KINDS = (
    "international_organization",
    "embassy_consulate",
    "overseas_office",
    "foreign_city",
    "other",
)
ORGANIZATION_KIND_LABELS = {
    "international_organization": _l("International organisation"),
    "embassy_consulate": _l("Embassy or consulate"),
    "overseas_office": _l("City's overseas office"),
    "foreign_city": _l("Foreign city (not a partner)"),
    "other": _l("Other"),
}

PROMOTION_CHANNELS = (
    "partner_city",
    "international_organization",
    "embassy_consulate",
    "overseas_office",
    "international_conference",
    "foreign_city",
)
PROMOTION_CHANNEL_LABELS = {
    "partner_city": _l("Partner city"),
    "international_organization": _l("International organisation"),
    "embassy_consulate": _l("Embassy or consulate"),
    "overseas_office": _l("City's overseas office"),
    "international_conference": _l("International conference"),
    "foreign_city": _l("Foreign city"),
}

PROMOTION_THEMES = (
    "groundwater",
    "kumamoto_castle",
    "food",
    "tourism",
    "culture",
    "business",
    "other",
)
PROMOTION_THEME_LABELS = {
    "groundwater": _l("Groundwater / water brand"),
    "kumamoto_castle": _l("Kumamoto Castle"),
    "food": _l("Food"),
    "tourism": _l("Tourism"),
    "culture": _l("Culture"),
    "business": _l("Business"),
    "other": _l("Other"),
}

PROMOTION_MEDIA = (
    "event",
    "exhibition",
    "presentation",
    "publication",
    "online",
    "media_coverage",
)
PROMOTION_MEDIUM_LABELS = {
    "event": _l("Event"),
    "exhibition": _l("Exhibition"),
    "presentation": _l("Presentation"),
    "publication": _l("Publication"),
    "online": _l("Online"),
    "media_coverage": _l("Media coverage"),
}

INDICATOR_BASES = ("fiscal", "calendar")
INDICATOR_SOURCES = ("computed", "entered")
INDICATOR_VALUE_STATUSES = ("draft", "confirmed")
INDICATOR_UNITS = ("people", "percent", "events", "companies", "cases")
INDICATOR_UNIT_LABELS = {
    "people": _l("people"),
    "percent": _l("%"),
    "events": _l("events"),
    "companies": _l("companies"),
    "cases": _l("cases"),
}

AUDIT_ACTIONS = ("create", "update", "delete", "view", "export", "import", "purge", "confirm")

INDICATOR_PILLAR_LABELS = {
    1: _l("Strategic overseas expansion"),
    2: _l("Local internationalisation"),
}
BASIC_POLICY_LABELS = {
    1: _l("Raising the city's brand and communicating it effectively"),
    2: _l("Promoting business with other countries"),
    3: _l("Raising the city's international presence through its international network"),
    4: _l("Promoting a multicultural society"),
    5: _l("Developing global talent and handing it on to the next generation"),
}
INDICATOR_STATES = ("on_track", "behind")
INDICATOR_STATE_LABELS = {"on_track": _l("On track"), "behind": _l("Behind")}
INDICATOR_BASIS_LABELS = {"fiscal": _l("Fiscal year"), "calendar": _l("Calendar year")}
INDICATOR_VALUE_STATUS_LABELS = {
    "draft": _l("Draft"),
    "confirmed": _l("Confirmed"),
    "missing": _l("Not entered"),
}
