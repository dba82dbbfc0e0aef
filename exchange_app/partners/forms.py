"""The partner city form (admins only), built from the declaration."""

from __future__ import annotations

from exchange_app.partners.kind import PARTNER_CITIES
from exchange_app.records.forms import KindForm, kind_form

PartnerCityForm: type[KindForm] = kind_form(PARTNER_CITIES)
