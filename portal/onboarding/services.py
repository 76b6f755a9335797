"""A new hire's list in reading order, and where every recent hire stands.

The order is HR's: each assignment rule may carry a 阅读顺序 (1 first); a regulation takes the
smallest order of the rules that give it to the person, and regulations no rule orders come after,
in the handbook's own order.  The list itself is "my handbook" (the same assignments and the same
signature rules), so the two pages can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.assignments.models import AssignmentRule
from portal.assignments.services import HandbookItem, my_handbook
from portal.auth.models import User

UNORDERED = 1000  # after every order HR can give (1–99)


@dataclass(frozen=True)
class OnboardingItem:
    step: int
    item: HandbookItem
    read_order: int | None


@dataclass(frozen=True)
class Onboarding:
    user: User
    items: tuple[OnboardingItem, ...]
    deadline: dt.date | None
    """The latest due date of the list: by then everything should be signed."""

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.item.state == "done")

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.item.state == "overdue")

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def next_item(self) -> OnboardingItem | None:
        return next((i for i in self.items if i.item.state != "done"), None)


def rule_applies(rule: AssignmentRule, user: User) -> bool:
    """Whether the rule's people include ``user`` (pure; the SQL twin is in assignments.services)."""
    if rule.scope == "department":
        return user.department == rule.scope_value
    if rule.scope == "role":
        return rule.scope_value in {r.value for r in user.roles}
    if rule.scope == "user":
        return user.employee_no == rule.scope_value
    return True


def reading_orders(rules: list[AssignmentRule], user: User, regulation_ids: list[int]) -> dict[int, int]:
    """Regulation id → the smallest 阅读顺序 among the rules that give it to ``user`` (pure)."""
    orders: dict[int, int] = {}
    for rule in rules:
        if rule.read_order is None or not rule_applies(rule, user):
            continue
        for regulation_id in regulation_ids if rule.regulation_id is None else [rule.regulation_id]:
            if regulation_id in regulation_ids:
                orders[regulation_id] = min(orders.get(regulation_id, UNORDERED), rule.read_order)
    return orders


def order_items(items: list[HandbookItem], orders: dict[int, int]) -> tuple[OnboardingItem, ...]:
    """HR's order first, then the handbook's (pure)."""
    ranked = sorted(items, key=lambda i: (orders.get(i.regulation.id, UNORDERED), i.regulation.position, i.regulation.id))
    return tuple(OnboardingItem(n, item, orders.get(item.regulation.id)) for n, item in enumerate(ranked, start=1))


def onboarding_of(session: Session, user: User, today: dt.date, rules: list[AssignmentRule] | None = None) -> Onboarding:
    items = my_handbook(session, user, today)
    rules = rules if rules is not None else list(session.scalars(select(AssignmentRule)).all())
    ordered = order_items(items, reading_orders(rules, user, [i.regulation.id for i in items]))
    return Onboarding(user, ordered, max((i.due_on for i in items), default=None))


def recent_hires(session: Session, today: dt.date, days: int) -> list[Onboarding]:
    """Everyone active hired in the last ``days`` days (and those hired ahead), newest first."""
    people = session.scalars(
        select(User)
        .where(User.active.is_(True), User.hire_date >= today - dt.timedelta(days=days))
        .order_by(User.hire_date.desc(), User.employee_no)
    ).all()
    rules = list(session.scalars(select(AssignmentRule)).all())
    return [onboarding_of(session, person, today, rules) for person in people]
