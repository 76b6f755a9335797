"""A parsed query as Whoosh query objects: the only module that speaks Whoosh's query API.

Each word matches its own term, or all of its search-mode sub-words when
they cover it (a 4-character query word inside a 5-character indexed
compound is only found through its parts).  Filters score nothing.
"""

from __future__ import annotations

from whoosh import query as wq

from search.query import ParsedQuery, Word

CONTENT = "content"


def compile_query(parsed: ParsedQuery, *, any_word: bool = False) -> wq.Query:
    """``any_word`` False: every (non-optional) word is required; True: any word will do."""
    scoring = _scoring_parts(parsed, any_word)
    filters = _filters(parsed)
    if scoring is None and not filters:
        return wq.Every()
    required = [scoring] if scoring is not None else []
    q: wq.Query = wq.And(required + filters) if len(required + filters) > 1 else (required + filters)[0]
    if scoring is None:
        q = wq.ConstantScoreQuery(q, 1.0)
    if parsed.excluded:
        q = wq.AndNot(q, wq.Or([_all_words(words) for words in parsed.excluded]))
    return q


def _scoring_parts(parsed: ParsedQuery, any_word: bool) -> wq.Query | None:
    required = [word_query(w) for w in parsed.words if not w.optional]
    optional = [word_query(w) for w in parsed.words if w.optional]
    required += [wq.Phrase(CONTENT, list(p)) for p in parsed.phrases]
    numbers = [wq.Term("number", n, boost=2.0) for n in parsed.numbers]
    if any_word:
        everything = required + optional + numbers
        # scale: a document matching more of the words ranks above one matching fewer
        return wq.Or(everything, scale=0.9) if everything else None
    if numbers:
        required.append(wq.Or(numbers) if len(numbers) > 1 else numbers[0])
    if not required:
        return None
    q: wq.Query = wq.And(required) if len(required) > 1 else required[0]
    if optional:
        q = wq.AndMaybe(q, wq.Or(optional) if len(optional) > 1 else optional[0])
    return q


def word_query(word: Word) -> wq.Query:
    term = wq.Term(CONTENT, word.text)
    if word.subwords and _covers(word.text, word.subwords):
        return wq.Or([term, wq.And([wq.Term(CONTENT, s) for s in word.subwords])])
    return term


def _covers(word: str, parts: tuple[str, ...]) -> bool:
    """Whether the parts, found in the word, cover every character of it."""
    covered = [False] * len(word)
    for part in parts:
        start = word.find(part)
        while start >= 0:
            covered[start : start + len(part)] = [True] * len(part)
            start = word.find(part, start + 1)
    return all(covered)


def _all_words(words: tuple[str, ...]) -> wq.Query:
    terms = [wq.Term(CONTENT, w) for w in words]
    return wq.And(terms) if len(terms) > 1 else terms[0]


def _filters(parsed: ParsedQuery) -> list[wq.Query]:
    filters: list[wq.Query] = []
    for words, slug in zip(parsed.documents, parsed.document_slugs, strict=False):
        by_slug = wq.Term("document", slug)
        filters.append(
            wq.Or([wq.And([wq.Term("doc_title", w) for w in words]), by_slug]) if words else by_slug
        )
    if parsed.kinds:
        filters.append(wq.Or([wq.Term("kind", k) for k in parsed.kinds]))
    for words in parsed.departments:
        filters.append(wq.And([wq.Term("department", w) for w in words]))
    return [wq.ConstantScoreQuery(f, 0.0) for f in filters]
