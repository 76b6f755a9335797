"""The search stage's interface: the portal's entry point, and the names the CLI and the portal use."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from search import engine, process, results, service
from search.engine import WhooshSearchEngine


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_is_refused_with_a_chinese_message(small_engine: WhooshSearchEngine, query: str) -> None:
    with pytest.raises(NotFound) as refused:
        service.search_hits(small_engine, query)
    assert refused.value.user_message == "请输入要检索的词语。"


def test_search_hits_passes_the_release_and_the_limit_to_the_engine(small_engine: WhooshSearchEngine) -> None:
    found = service.search_hits(small_engine, "营销中心", release="2026.1", limit=2)
    assert found.release == "2026.1" and len(found.hits) == 2 and found.total > 2


def test_the_stage_s_names_are_the_ones_of_the_modules_that_own_them() -> None:
    assert service.WhooshSearchEngine is engine.WhooshSearchEngine
    assert service.SearchResults is results.SearchResults
    assert service.preload is process.preload and service.open_engine is process.open_engine
    assert service.warm_indexes is process.warm_indexes and service.INDEX_DIR == process.INDEX_DIR
