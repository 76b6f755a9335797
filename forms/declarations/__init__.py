"""The five standard forms the handbook prescribes, one module each, and the lookup by slug."""

from __future__ import annotations

from domain.errors import NotFound
from domain.model import FormTemplate
from forms.declarations.annual_plan import ANNUAL_PLAN
from forms.declarations.goal_card import GOAL_CARD
from forms.declarations.minutes import MINUTES
from forms.declarations.monthly_plan import MONTHLY_PLAN
from forms.declarations.sales_contract import SALES_CONTRACT

ALL_FORMS: tuple[FormTemplate, ...] = (ANNUAL_PLAN, MONTHLY_PLAN, GOAL_CARD, SALES_CONTRACT, MINUTES)


def form_by_slug(slug: str) -> FormTemplate:
    """The declaration with this slug; :class:`NotFound` (in Chinese) otherwise."""
    for form in ALL_FORMS:
        if form.slug == slug:
            return form
    raise NotFound(f"no form {slug!r}", f"没有名为“{slug}”的表单。")


__all__ = ["ALL_FORMS", "ANNUAL_PLAN", "GOAL_CARD", "MINUTES", "MONTHLY_PLAN", "SALES_CONTRACT", "form_by_slug"]
