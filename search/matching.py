"""A parsed query as Whoosh query objects (the one place that builds them).

Each word matches its own term, or all of its search-mode sub-words when
they cover it (a 4-character query word inside a 5-character indexed
compound is only found through its parts).  Filters score nothing.
"""

from __future__ import annotations

from whoosh import query as wq

from search.asking import PERSON, statement_terms
from search.query import ParsedQuery, Word

CONTENT = "content"
PHRASES = "phrases"


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
    required = [word_match(w) for w in parsed.words if not w.optional]
    boosts = [wq.Term(CONTENT, w.text) for w in parsed.words if w.optional]
    boosts += [wq.Term(CONTENT, w.text) for w in parsed.words if not w.optional and _split(w)]
    required += [wq.Phrase(PHRASES, list(p)) for p in parsed.phrases]
    numbers = [wq.Term("number", n, boost=2.0) for n in parsed.numbers]
    if any_word:
        everything = required + numbers + [b for b in boosts if b.text in _optional_texts(parsed)]
        # No coordination factor (Or's scale): it re-lists the matching terms of every candidate.
        return _or(everything) if everything else None
    if numbers:
        required.append(_or(numbers))
    if not required:
        return None
    q = _and(required)
    return wq.AndMaybe(q, _or(boosts)) if boosts else q


def word_match(word: Word) -> wq.Query:
    """What a document must contain to match a word.

    Indexing adds a word's search-mode sub-words wherever the word occurs,
    so the sub-words' AND matches every document the word matches, plus
    those where jieba cut the same characters differently (a 4-character
    query word inside a 5-character indexed compound).  The whole word then
    only raises the score (see ``boosts``).
    """
    own = _and([wq.Term(CONTENT, s) for s in word.subwords]) if _split(word) else wq.Term(CONTENT, word.text)
    if not word.alternatives:
        return own
    return wq.Or(
        [own, *(_and([wq.Term(CONTENT, w) for w in alternative]) for alternative in word.alternatives)]
    )


def _split(word: Word) -> bool:
    return bool(word.subwords) and _covers(word.text, word.subwords)


def _optional_texts(parsed: ParsedQuery) -> set[str]:
    return {w.text for w in parsed.words if w.optional}


def _and(queries: list[wq.Query]) -> wq.Query:
    return wq.And(queries) if len(queries) > 1 else queries[0]


def _or(queries: list[wq.Query]) -> wq.Query:
    return wq.Or(queries) if len(queries) > 1 else queries[0]


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


# How much the words of a statement of the asked kind (search.asking) add, relative to a query word,
# and how much a part of a compound query word counts when the whole word is not there.
STATEMENT_BOOST = 0.6
PART_BOOST = 0.5
JOB_TITLE_BOOST = 1.0


def compile_question(parsed: ParsedQuery) -> wq.Query | None:
    """A question's loose form: any word will do, a compound word also through each of its parts.

    The words of a question are the asker's, not the handbook's (``上班时间`` where the clause
    says ``工作时间``), so no word is required; BM25's sum still ranks clauses with more of them
    first.  ``None`` when there are no words (numbers and filters only).
    """
    if not parsed.words:
        return None
    parts: list[wq.Query] = []
    for word in parsed.words:
        parts.append(wq.Term(CONTENT, word.text))
        parts += [wq.Term(CONTENT, s, boost=PART_BOOST) for s in word.subwords if len(s) > 1]
        parts += [_and([wq.Term(CONTENT, w) for w in alternative]) for alternative in word.alternatives]
    q = _or(_unique(parts))
    if parsed.numbers:
        q = wq.And([q, _or([wq.Term("number", n, boost=2.0) for n in parsed.numbers])])
    filters = _filters(parsed)
    q = wq.And([q, *filters]) if filters else q
    if parsed.excluded:
        q = wq.AndNot(q, wq.Or([_all_words(words) for words in parsed.excluded]))
    return q


def _job_titled(word: str) -> wq.Query:
    """A job description with ``word`` in its title: 市场部经理的上级是谁 asks about that job."""
    # Not a constant 0.0: Whoosh's ListMatcher takes a falsy constant as "no constant" and scores 1.
    only_jobs = wq.ConstantScoreQuery(wq.Term("kind", "job"), 1e-9)
    return wq.And([wq.Term("doc_title", word, boost=JOB_TITLE_BOOST), only_jobs])


def _unique(parts: list[wq.Query]) -> list[wq.Query]:
    """Each term once (the first, strongest, kept): Whoosh's Or drops repeats, so must we."""
    seen: set[str] = set()
    out = []
    for part in parts:
        key = part.text if isinstance(part, wq.Term) else repr(part)
        if key not in seen:
            seen.add(key)
            out.append(part)
    return out


def with_asked_kind(q: wq.Query, parsed: ParsedQuery) -> wq.Query:
    """``q``, with clauses stating what the question asks scored a little higher.

    Clauses with the asked kind's statement words (search.asking), and, for a question
    about a person, the job descriptions whose title has a word of the question.
    """
    boosts: list[wq.Query] = [wq.Term(CONTENT, t, boost=STATEMENT_BOOST) for t in statement_terms(parsed.asks)]
    if PERSON in parsed.asks:
        boosts += [_job_titled(w.text) for w in parsed.words if not w.optional]
    return wq.AndMaybe(q, _or(boosts)) if boosts else q
