"""Telling apart regulations that share a title, for display only.

The real handbook holds three documents titled 营销中心管理制度 (slugs
``营销中心管理制度``, ``-2``, ``-3``).  Slugs and titles stay as imported; the
pages add a short mark in handbook (source) order — 之一, 之二, 之三 — so that a
list, a select box or the dashboard never shows two identical names.  Titles
held by one regulation get no mark.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.numerals import to_chinese_numeral
from portal.releases.models import Regulation


@dataclass(frozen=True)
class TitleMark:
    """The n-th of ``of`` regulations with the same title, in handbook order."""

    ordinal: int
    of: int

    @property
    def text(self) -> str:
        return f"之{to_chinese_numeral(self.ordinal)}"

    @property
    def hint(self) -> str:
        return f"手册中有 {self.of} 份同名制度，这是按手册顺序的第 {self.ordinal} 份"


@dataclass(frozen=True)
class TitleMarks:
    """Marks by regulation id and by slug (search hits and clause links only know the slug)."""

    by_id: dict[int, TitleMark]
    by_slug: dict[str, TitleMark]

    def get(self, key: int | str | None) -> TitleMark | None:
        if isinstance(key, int):
            return self.by_id.get(key)
        return self.by_slug.get(key or "")

    def name(self, title: str, key: int | str | None) -> str:
        """The title as plain text (select options, tooltips): ``营销中心管理制度（之二）``."""
        mark = self.get(key)
        return f"{title}（{mark.text}）" if mark else title


def same_title_marks(rows: Iterable[tuple[int, str, str]]) -> TitleMarks:
    """(id, slug, title) in handbook order → marks for every title held more than once."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for regulation_id, slug, title in rows:
        groups[title].append((regulation_id, slug))
    by_id: dict[int, TitleMark] = {}
    by_slug: dict[str, TitleMark] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        for ordinal, (regulation_id, slug) in enumerate(members, start=1):
            by_id[regulation_id] = by_slug[slug] = TitleMark(ordinal, len(members))
    return TitleMarks(by_id, by_slug)


def load_marks(session: Session) -> TitleMarks:
    """Every regulation (retired ones too, so that marks stay stable), once per request."""
    cached = g.get("_title_marks")
    if isinstance(cached, TitleMarks):
        return cached
    rows = session.execute(
        select(Regulation.id, Regulation.slug, Regulation.title).order_by(Regulation.position, Regulation.id)
    ).all()
    marks = same_title_marks((int(i), str(s), str(t)) for i, s, t in rows)
    g._title_marks = marks
    return marks
