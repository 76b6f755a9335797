"""Search results: hits grouped by document, documents in the order of their best hit."""

from __future__ import annotations

from search.engine import WhooshSearchEngine
from search.highlight import Highlight
from search.results import SearchHit, SearchResults


def hit(document: str, slug: str, key: str) -> SearchHit:
    return SearchHit(document, "1.", (), "甲", Highlight("甲"), f"/site/x/{slug}/", 1.0, document_slug=slug, key=key)


def test_hits_are_grouped_by_document_in_rank_order(small_engine: WhooshSearchEngine) -> None:
    results = small_engine.search("会议", limit=20)
    groups = results.groups
    assert groups[0].document_slug == results.hits[0].document_slug
    assert sum(len(g.hits) for g in groups) == len(results.hits)
    assert len({g.document_slug for g in groups}) == len(groups)


def test_a_document_ranks_by_its_best_hit_and_keeps_its_hits_in_rank_order() -> None:
    hits = (hit("乙制度", "b", "b1"), hit("甲制度", "a", "a1"), hit("乙制度", "b", "b2"))
    groups = SearchResults("会议", "2026.1", 3, hits).groups
    assert [(g.document_slug, [h.key for h in g.hits]) for g in groups] == [("b", ["b1", "b2"]), ("a", ["a1"])]
    assert groups[0].document == "乙制度"


def test_hits_without_a_slug_are_grouped_by_document_title() -> None:
    hits = (hit("岗位说明书", "", "j1"), hit("岗位说明书", "", "j2"))
    (group,) = SearchResults("回款", "2026.1", 2, hits).groups
    assert group.document_slug == "岗位说明书" and len(group.hits) == 2
