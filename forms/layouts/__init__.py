"""Each form's page layout, one module beside each declaration (same module name).

A layout module names its declaration (``FORM``) and builds the page in
``layout()`` with the blocks of :mod:`forms.layout`; the template's file
name comes from the declaration, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document

from forms.layouts import annual_plan, goal_card, minutes, monthly_plan, sales_contract

LAYOUTS: dict[str, Callable[[], Document]] = {
    module.FORM.template_file: module.layout
    for module in (annual_plan, monthly_plan, goal_card, sales_contract, minutes)
}
"""Template file name (from the declaration) → the function that lays out its page."""
