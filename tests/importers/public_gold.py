"""The public gold set: real regulations the heuristics were not written on, in four variants.

Sources are public Markdown texts of regulations (tests/importers/gold/public/*.md,
from the LawRefBook/Laws repository). Each becomes:

* ``clean`` — plain text, one paragraph a line;
* ``messy`` — what copying from the web and Word does: a table of contents after a
  preamble (spaced heading, dash leaders, 第N页), chapter headings glued to their
  first article, page footers, a duplicated article number, lines broken mid-sentence;
* ``docx`` — an unstyled Word file (python-docx, every paragraph Normal);
* ``doc`` — LibreOffice's conversion of that .docx.

The gold (gold/public/gold.yaml) was written from the Markdown's own structure
(``## 第N章`` headings, ``第N条`` paragraphs, ``（N）`` items), not from the importer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx

from domain.model import Document, Section

PUBLIC = Path(__file__).parent / "gold" / "public"
_CHAPTER_RE = re.compile(r"^第[一二三四五六七八九十百]+章")
_ARTICLE_RE = re.compile(r"^(第[一二三四五六七八九十百零]+条)")
_ITEM_RE = re.compile(r"^(（[一二三四五六七八九十]+）)")


@dataclass(frozen=True)
class Structure:
    chapters: frozenset[str]  # "第一章|总则"
    articles: frozenset[str]  # "第一条"
    items: frozenset[str]  # "第九条/（一）"
    # every node with its nesting depth, "第九条/（一）@3": a chapter is 1, an article 2 under chapters
    # (1 without), an item one below its article
    levels: frozenset[str] = frozenset()


def source_paragraphs(path: Path) -> tuple[str, list[str]]:
    """The title and the paragraphs of a Markdown regulation (headings without their #)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and not line.startswith("<!--")]
    title = lines[0].lstrip("# ").strip()
    return title, [re.sub(r"^#+\s*", "", line) for line in lines[1:]]


def clean_text(path: Path) -> str:
    title, paragraphs = source_paragraphs(path)
    return "\n".join([title, *paragraphs]) + "\n"


def messy_text(path: Path) -> str:
    title, paragraphs = source_paragraphs(path)
    chapters = [p for p in paragraphs if _CHAPTER_RE.match(p)]
    out = [title, f"（{title}，公开文本）"]
    if chapters:
        out.append("目  录")
        out += [f"{c.replace('  ', ' ')}-------------第{i + 1}页" for i, c in enumerate(chapters)]
    glue_next = False
    duplicated = False
    for n, paragraph in enumerate(paragraphs):
        if _CHAPTER_RE.match(paragraph):
            out.append(paragraph)
            glue_next = True
            continue
        if glue_next:  # 第一章  总则第一条 为了…
            out[-1] += paragraph
            glue_next = False
            continue
        article = _ARTICLE_RE.match(paragraph)
        if article and not duplicated and n > 3:
            paragraph = article.group(1) + paragraph  # 第三条第三条 …
            duplicated = True
        if len(paragraph) > 60:  # a line broken in the middle of a sentence
            cut = 30 if paragraph[29] not in "，。；：" else 31
            out += [paragraph[:cut], paragraph[cut:]]
        else:
            out.append(paragraph)
        if n % 12 == 11:
            out.append(f"第{n // 12 + 1}页共9页")
    return "\n".join(out) + "\n"


def write_docx(path: Path, target: Path) -> None:
    title, paragraphs = source_paragraphs(path)
    document = docx.Document()
    for text in (title, *paragraphs):
        document.add_paragraph(text)
    document.save(str(target))


def gold_structure(entry: dict[str, object]) -> Structure:
    chapters = frozenset(str(c) for c in entry.get("chapters", []) or [])  # type: ignore[union-attr]
    articles: set[str] = set()
    items: set[str] = set()
    for article, count in (entry.get("articles") or {}).items():  # type: ignore[union-attr]
        articles.add(str(article))
        items.update(f"{article}/（{_CN[i]}）" for i in range(int(count)))
    article_level = 2 if chapters else 1
    levels = {f"{c.partition('|')[0]}@1" for c in chapters}
    levels |= {f"{a}@{article_level}" for a in articles} | {f"{i}@{article_level + 1}" for i in items}
    return Structure(chapters, frozenset(articles), frozenset(items), frozenset(levels))


_CN = "一二三四五六七八九十"


def imported_structure(document: Document) -> Structure:
    chapters: set[str] = set()
    articles: set[str] = set()
    items: set[str] = set()
    levels: set[str] = set()

    def visit(section: Section, article: str) -> None:
        number = section.number.strip()
        if _CHAPTER_RE.match(number):
            chapters.add(f"{number}|{section.title}")
            levels.add(f"{number}@{section.level}")
        elif _ARTICLE_RE.match(number):
            article = number
            articles.add(number)
            levels.add(f"{number}@{section.level}")
        elif _ITEM_RE.match(number) and article:
            items.add(f"{article}/{number}")
            levels.add(f"{article}/{number}@{section.level}")
        for child in section.children:
            visit(child, article)

    for top in document.sections:
        visit(top, "")
    return Structure(frozenset(chapters), frozenset(articles), frozenset(items), frozenset(levels))


def f1(expected: frozenset[str], found: frozenset[str]) -> float:
    if not expected and not found:
        return 1.0
    hits = len(expected & found)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected) if expected else 0.0
    return 0.0 if hits == 0 else 2 * precision * recall / (precision + recall)
