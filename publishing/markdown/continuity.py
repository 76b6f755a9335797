"""Old permalinks in a new release: where a moved clause went, and which clauses were removed.

A permalink (``…/regulations/<slug>/#第十条``) is printed in mails, minutes and
other regulations.  When a revision renumbers or removes a clause, the old
anchor must not silently land on another clause or on nothing: the new page
ends with a short section whose entries carry the *old* anchors as ids and
say where the clause is now, or that it was removed (with a link to the
release that still has it).  The diff knows the match (:mod:`domain.diff`).
"""

from __future__ import annotations

import html

from domain.diff import diff_documents
from domain.model import Document
from domain.urls import document_page
from publishing.markdown.escaping import safe_anchor

SECTION_ID = "条款编号变更"


def continuity_block(old: Document, new: Document, old_version: str) -> str:
    """Raw HTML for the end of ``new``'s page; "" when every old anchor still names its clause."""
    taken = {s.anchor for s in new.walk() if s.anchor}
    diff = diff_documents(old, new)
    moved = [(o, n) for o, n in diff.renumbered if o not in taken]
    removed = [c.anchor for c in diff.clauses if c.change == "removed" and c.anchor and c.anchor not in taken]
    if not moved and not removed:
        return ""
    back = f"../../../{old_version}/{document_page(old)}"
    items = [
        f'<li id="{html.escape(safe_anchor(o))}">原{html.escape(o)}现为<a href="#{html.escape(safe_anchor(n))}">'
        f"{html.escape(n)}</a>。</li>"
        for o, n in moved
    ]
    items += [
        f'<li id="{html.escape(safe_anchor(a))}">{html.escape(a)}已在本版删除，'
        f'<a href="{html.escape(back)}#{html.escape(safe_anchor(a))}">查看 {html.escape(old_version)} 版的原文</a>。</li>'
        for a in removed
    ]
    return (
        f'\n<section class="anchor-continuity" id="{SECTION_ID}">\n'
        f"<h2>条款编号变更</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</section>\n"
    )
