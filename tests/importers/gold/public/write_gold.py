"""Write gold.yaml from each Markdown file's own structure: ``.venv/bin/python -m tests.importers.gold.public.write_gold``.

The Markdown marks chapters as ``## 第N章 title``, articles as paragraphs
starting ``第N条`` and items as paragraphs starting ``（N）``: that reading of
the source, not the importer, is the gold. Check the output by eye.
"""

from __future__ import annotations

from tests.importers.public_gold import _ARTICLE_RE, _CHAPTER_RE, _ITEM_RE, PUBLIC, source_paragraphs


def main() -> None:
    out = [
        "# Gold for the public regulations: chapters (number|title), articles with their item counts.",
        "# Written by write_gold.py from each Markdown file's own structure, checked by eye.",
        "documents:",
    ]
    for path in sorted(PUBLIC.glob("*.md")):
        title, paragraphs = source_paragraphs(path)
        chapters: list[str] = []
        articles: dict[str, int] = {}
        current = ""
        for paragraph in paragraphs:
            if _CHAPTER_RE.match(paragraph):
                number, _, rest = paragraph.partition(" ")
                chapters.append(f"{number}|{rest.strip()}")
            elif match := _ARTICLE_RE.match(paragraph):
                current = match.group(1)
                articles[current] = 0
            elif _ITEM_RE.match(paragraph) and current:
                articles[current] += 1
        out += [f"  - file: {path.name}", f"    title: {title}"]
        out.append("    chapters: [" + ", ".join(f'"{c}"' for c in chapters) + "]")
        out += ["    articles:", *(f"      {a}: {n}" for a, n in articles.items())]
    (PUBLIC / "gold.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
