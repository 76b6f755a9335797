"""Our postings reader: Whoosh's on-disk format, skipping by blocks and bisection, the same postings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh.searching import Searcher

from search.index import live_directory, open_index
from search.matching import CONTENT
from search.postings import BisectingLeafMatcher
from search.warmup import frequent_terms


@pytest.fixture(scope="module")
def searcher(real_index_root: Path) -> Iterator[Searcher]:
    with open_index(live_directory(real_index_root, "current")).searcher() as opened:
        yield opened


def broad_term(searcher: Searcher) -> str:
    text, frequency = frequent_terms(searcher)[0]
    assert frequency > 128  # more than one block
    return str(searcher.schema[CONTENT].from_bytes(text))


def test_broad_terms_are_read_by_our_matcher(searcher: Searcher) -> None:
    assert isinstance(searcher.postings(CONTENT, broad_term(searcher)), BisectingLeafMatcher)


def test_skip_to_lands_on_the_first_document_at_or_after_the_target(searcher: Searcher) -> None:
    text = broad_term(searcher)
    ids = list(searcher.postings(CONTENT, text).all_ids())
    for target in sorted({0, ids[0], ids[1] + 1, ids[130], ids[-1], *range(0, ids[-1], 97)}):
        matcher = searcher.postings(CONTENT, text)
        matcher.skip_to(target)
        assert matcher.id() == next(i for i in ids if i >= target), target


def test_skipping_past_the_last_document_ends_the_matcher(searcher: Searcher) -> None:
    text = broad_term(searcher)
    matcher = searcher.postings(CONTENT, text)
    matcher.skip_to(searcher.doc_count_all() + 1)
    assert not matcher.is_active()


def test_block_postings_give_every_posting_with_its_weight(searcher: Searcher) -> None:
    text = broad_term(searcher)
    plain = searcher.postings(CONTENT, text)
    expected = []
    while plain.is_active():
        expected.append((plain.id(), plain.weight()))
        plain.next()
    ours = [
        (doc, weight)
        for ids, weights in searcher.postings(CONTENT, text).block_postings()
        for doc, weight in zip(ids, weights, strict=True)
    ]
    assert ours == expected
