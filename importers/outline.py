"""Building one document's outline from its lines: numbers → a tree of nodes.

Reading order decides everything:

* A number at the start of a line opens a node.  Inside a line, a number
  opens a node only when it is what the outline expects next (the first
  number of a system, or the successor of an open one: ``…；2、…``), and
  a 第X条 only when it is not a reference (``依照第五条``, ``本制度第五条规定``).
* Levels are decided per document by the order in which numbering systems
  appear: a number of a system already open closes everything opened
  since (up to the node it continues); between two list systems, the one
  this document starts inside the other (``1.总体要求`` then ``（一）``) is
  the lower one (:mod:`importers.levels`), and only when the document does
  not say does convention decide (一、 above （一） above 1.).  Named systems
  keep their order: 编/部分 above 章 above 节 above 条 above every list.
* Word paragraphs bring their own evidence: ``Block.outline_level`` makes
  a heading at that level and ``Block.number`` (automatic numbering) is the
  number.  Text heuristics are the fall-back.
* Short unpunctuated lines (``总则``) are unnumbered headings.

Titles are split from bodies afterwards (:mod:`importers.headings`), once
it is known how the document uses titles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.model import SectionKind, Table
from importers.blocks import Block
from importers.headings import Ending, TitleSplit, run_in_title, split_title
from importers.inline import CITING_AFTER, PUNCT, is_next, plausible_context
from importers.levels import nesting_evidence
from importers.numbering import (
    MARKER_CANDIDATE_RE,
    Marker,
    System,
    describe,
    marker_of_number,
    match_marker,
)
from importers.toc import TocKey, toc_key

UNNUMBERED = System("H", 60, SectionKind.HEADING)
MAX_UNNUMBERED_HEADING = 12
MAX_INTRODUCING_TITLE = 15


def outline_system(level: int) -> System:
    """A pseudo-system for a Word heading without a number, by its outline level."""
    return System(f"outline{level}", max(61, 95 - 10 * (level - 1)), SectionKind.HEADING)


@dataclass
class Node:
    """A node being built; frozen into a :class:`~domain.model.Section` at the end."""

    system: System
    marker: Marker | None
    number: str
    source: str
    first_text: str = ""  # the text after the number, on the number's line
    ending: Ending = Ending.LINE
    more: list[str] = field(default_factory=list)  # further lines of body
    children: list[Node] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    parent: Node | None = None
    fixed_title: str | None = None  # Word headings: the whole paragraph is the title
    title: str = ""
    body: str = ""
    anchor: str = ""

    @property
    def key(self) -> TocKey | None:
        return toc_key(self.marker) if self.marker is not None else None

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Outline:
    preamble: list[str]
    roots: list[Node]
    warnings: list[str]

    def nodes(self) -> list[Node]:
        return [n for root in self.roots for n in root.walk()]


class _Builder:
    """The one pass over a document's blocks (mutable state kept in one place)."""

    def __init__(self, nesting: Counter[tuple[str, str]] | None = None) -> None:
        self.nesting = nesting if nesting is not None else Counter()
        self.root = Node(System("root", 10_000, SectionKind.HEADING), None, "", "")
        self.stack: list[Node] = [self.root]
        self.preamble: list[str] = []
        self.warnings: list[str] = []
        self.last_strong: dict[str, tuple[int, ...]] = {}

    @property
    def top(self) -> Node:
        return self.stack[-1]

    # -- blocks -----------------------------------------------------------

    def add_block(self, block: Block, next_block: Block | None) -> None:
        if block.table is not None:
            self._add_table(block.table)
            return
        number = marker_of_number(block.number) if block.number.strip() else None
        text = block.text.strip()
        if block.number.strip() and number is None:
            # A bullet (``-``, ``•``): not a number; keep it with the text.
            text = f"{block.number.strip()} {text}".strip()
        if block.outline_level is not None:
            self._add_word_heading(block, text, number)
            return
        if number is not None:
            node = Node(number.system, number, number.printed, block.source)
            self._place(node)
            self._scan(text, node, 0, block.source)
            return
        if _is_unnumbered_heading(text, next_block) and _has_plain_style(block):
            self._open(Node(UNNUMBERED, None, "", block.source, first_text=text), text)
            return
        marker = match_marker(text, 0)
        if marker is not None and marker.system.is_strong and text.startswith(CITING_AFTER, marker.end):
            marker = None  # 第十六条明确规定：… cites another text's article
        opened: Node | None = None
        if marker is not None:
            opened = Node(marker.system, marker, marker.printed, block.source)
            self._place(opened)
        self._scan(text, opened, marker.end if marker else 0, block.source)

    def _add_table(self, table: Table) -> None:
        if self.top is not self.root:
            self.top.tables.append(table)
            return
        # A document has no tables before its first section: the rows become preamble lines
        # (a cover page laid out with a table); empty layout tables vanish, having no text.
        self.preamble.extend(
            " | ".join(c.strip() for c in row) for row in table if any(c.strip() for c in row)
        )

    def _add_word_heading(self, block: Block, text: str, number: Marker | None) -> None:
        """A paragraph in a heading style: its outline level decides the level, the whole text is the title."""
        marker, title = number, text
        if marker is None:
            typed = match_marker(text, 0, allow_latin=False)
            if typed is not None and typed.end < len(text):
                marker, title = typed, text[typed.end :].strip()
        system = outline_system(max(1, block.outline_level or 1))
        self._place(Node(system, marker, marker.printed if marker else "", block.source, fixed_title=title))

    def _scan(self, text: str, current: Node | None, pos: int, source: str) -> None:
        """Give ``text[pos:]`` to ``current``, opening a node at each expected number inside it."""
        piece_start = pos
        while pos < len(text):
            candidate = MARKER_CANDIDATE_RE.search(text, pos)
            if candidate is None:
                break
            pos = candidate.start()
            found = self._expected_marker(text, pos)
            if found is None:
                pos += 1
                continue
            self._close_piece(current, text[piece_start:pos], source, found)
            current = Node(found.system, found, found.printed, source)
            self._place(current)
            pos = piece_start = found.end
        self._close_piece(current, text[piece_start:], source, None)

    def _close_piece(self, node: Node | None, piece: str, source: str, next_marker: Marker | None) -> None:
        piece = piece.strip()
        if node is None:
            if piece:
                self._append_body(piece, source)
            return
        node.first_text = piece
        if next_marker is not None:
            node.ending = Ending.CHILD if self._would_nest(next_marker, node) else Ending.OTHER

    def _append_body(self, text: str, source: str) -> None:
        if self.top is self.root:
            self.preamble.append(text)
        else:
            self.top.more.append(text)

    def _open(self, node: Node, text: str) -> None:
        node.first_text = text
        self._place(node)

    # -- where a node goes ------------------------------------------------

    def _place(self, node: Node) -> None:
        del self.stack[len(self.stack) - self._closing(node) :]
        parent = self.top
        self._check_sequence(parent, node)
        node.parent = parent if parent is not self.root else None
        parent.children.append(node)
        self.stack.append(node)
        if node.marker is not None and node.marker.system.is_strong:
            self.last_strong[node.marker.system.key] = node.marker.values

    def _closing(self, node: Node) -> int:
        """How many open nodes close before ``node`` opens (the stack is not changed)."""
        stack = self.stack
        same = [i for i in range(1, len(stack)) if stack[i].system.key == node.system.key]
        depth = len(stack)
        if same:
            if same[-1] == depth - 1 and _restarts_inside(stack[-1], node):
                return 0  # 各部门职责如下：1. … a new list inside the open item
            # A system already open: close up to and including its node, the one
            # that ``node`` continues (2. after 1. 市场推广部 and its own 1.–4.).
            target = next((i for i in reversed(same) if _continues(stack[i], node)), same[-1])
            depth = target
        while depth > 1 and self._pops(stack[depth - 1], node):
            depth -= 1
        return len(stack) - depth

    def _pops(self, top: Node, node: Node) -> bool:
        """Whether ``top`` (of another system) closes before ``node`` opens."""
        if top.system.key == node.system.key:
            return False
        if node.system.is_strong:
            return not top.system.is_strong or top.system.rank <= node.system.rank
        if top.system.key == UNNUMBERED.key or top.system.key.startswith("outline"):
            return top.system.rank <= node.system.rank
        # Between two list systems, this document's own usage decides; convention breaks ties.
        inside_top = self.nesting[(top.system.key, node.system.key)]
        around_top = self.nesting[(node.system.key, top.system.key)]
        if inside_top != around_top:
            return around_top > inside_top
        return top.system.rank < node.system.rank

    def _would_nest(self, marker: Marker, node: Node) -> bool:
        """Whether a number found after ``node``'s first words opens a child of ``node``."""
        probe = Node(marker.system, marker, marker.printed, "")
        closing = self._closing(probe)
        return self.stack[len(self.stack) - closing - 1] is node

    # -- numbers inside a line --------------------------------------------

    def _expected_marker(self, text: str, pos: int) -> Marker | None:
        marker = match_marker(text, pos, allow_latin=False)
        if marker is None or not plausible_context(text, marker):
            return None
        return marker if self._is_expected(marker) else None

    def _is_expected(self, marker: Marker) -> bool:
        key = marker.system.key
        if marker.system.is_strong:
            last = self.last_strong.get(key)
            return marker.values[0] == 1 or last is None or is_next(last, marker.values)
        open_node = next((n for n in reversed(self.stack) if n.system.key == key and n.marker), None)
        if len(marker.values) > 1 and marker.value == 1:
            # 2.1 inside a line: only under an open node numbered 2 (二、, 2、, 2.).
            return any(
                n.marker is not None and n.marker.values[-1:] == marker.values[-2:-1] for n in self.stack
            )
        if marker.value == 1:
            return True
        return (
            open_node is not None
            and open_node.marker is not None
            and is_next(open_node.marker.values, marker.values)
        )

    # -- warnings ---------------------------------------------------------

    def _check_sequence(self, parent: Node, node: Node) -> None:
        if node.marker is None:
            return
        previous = self._previous_of_system(parent, node)
        values = node.marker.values
        where = (
            f"「{parent.number or parent.title or parent.first_text[:10]}」下"
            if parent is not self.root
            else ""
        )
        if previous is None or previous.marker is None:
            if values[-1] != 1 and len(values) == 1:
                self.warnings.append(f"编号不从头开始：{where}第一个编号是「{describe(node.marker)}」。")
            return
        before = previous.marker.values
        if values == before:
            self.warnings.append(f"编号重复：{where}「{describe(node.marker)}」出现了两次。")
        elif not is_next(before, values) and values[-1] != 1:
            self.warnings.append(
                f"编号不连续：{where}「{describe(previous.marker)}」之后是「{describe(node.marker)}」。"
            )

    def _previous_of_system(self, parent: Node, node: Node) -> Node | None:
        if node.system.key == "条":
            # Articles are numbered through the whole document, across chapters.
            last = self.last_strong.get("条")
            if last is None:
                return None
            return Node(node.system, Marker(node.system, last, "", 0, 0), "", "")
        return next((n for n in reversed(parent.children) if n.system.key == node.system.key), None)


def _restarts_inside(open_item: Node, node: Node) -> bool:
    """A list restarting at 1 inside an item that announces it (``…如下：``, or a short title)."""
    if (
        node.marker is None
        or open_item.marker is None
        or node.marker.value != 1
        or len(node.marker.values) > 1
    ):
        return False
    last = (open_item.more[-1] if open_item.more else open_item.first_text).strip()
    if last.endswith(("：", ":")):
        return True
    short_title = 0 < len(open_item.first_text) <= MAX_INTRODUCING_TITLE and not open_item.more
    return short_title and not any(ch in PUNCT for ch in open_item.first_text)


def _continues(open_item: Node, node: Node) -> bool:
    if open_item.marker is None or node.marker is None:
        return open_item.marker is None and node.marker is None
    return is_next(open_item.marker.values, node.marker.values)


def _has_plain_style(block: Block) -> bool:
    """Unstyled text: only then does a short line count as a heading by its look alone."""
    return block.style is None or block.style.strip().lower() in ("normal", "正文", "body text")


def _is_unnumbered_heading(text: str, next_block: Block | None) -> bool:
    """``总则`` alone on a line, before more text: a heading without a number."""
    if not 2 <= len(text) <= MAX_UNNUMBERED_HEADING or next_block is None:
        return False
    if any(ch in PUNCT or ch.isspace() for ch in text) or any(ch.isdigit() for ch in text):
        return False
    return match_marker(text, 0) is None


def build_outline(blocks: Sequence[Block]) -> Outline:
    """The outline tree of one document, titles not yet split."""
    builder = _Builder(nesting_evidence(blocks))
    for i, block in enumerate(blocks):
        builder.add_block(block, blocks[i + 1] if i + 1 < len(blocks) else None)
    return Outline(builder.preamble, builder.root.children, builder.warnings)


def split_titles(outline: Outline, toc_titles: dict[TocKey, str]) -> None:
    """Decide every node's title and body (two passes: confident rules first)."""
    nodes = outline.nodes()
    first_pass = {id(n): _split(n, toc_titles, uses_titles=False) for n in nodes}
    confident: dict[str, int] = {}
    for node in nodes:
        if first_pass[id(node)].is_confident:
            confident[node.system.key] = confident.get(node.system.key, 0) + 1
    decided: dict[int, TitleSplit] = {}
    for node in nodes:
        uses_titles = confident.get(node.system.key, 0) >= 2
        decided[id(node)] = _split(node, toc_titles, uses_titles) if uses_titles else first_pass[id(node)]
    decided.update(_run_in_titles(outline.roots, decided))
    for node in nodes:
        result = decided[id(node)]
        node.title = result.title
        node.body = "\n".join(p for p in (result.body, *node.more) if p)


def _run_in_titles(roots: Sequence[Node], decided: dict[int, TitleSplit]) -> dict[int, TitleSplit]:
    """Run-in titles (``1.统一部署:…``) where siblings of one numbering system share the pattern.

    One item with a colon is a sentence with a colon; two or more, and at
    least half of their numbered siblings, are a list of topics.  Once a
    document writes its lists that way, a list of one item in the same
    numbering system (``六、会议改进机制1.定期回顾:…``) follows its style.
    """
    groups = [[(n, _run_in_candidate(n, decided)) for n in group] for group in _sibling_groups(roots)]
    found: dict[int, TitleSplit] = {}
    styled: set[str] = set()
    for group in groups:
        candidates = [(n, c) for n, c in group if c is not None]
        if len(candidates) >= 2 and 2 * len(candidates) >= len(group):
            found.update((id(n), c) for n, c in candidates)
            styled.add(group[0][0].system.key)
    for group in groups:
        if len(group) == 1 and (c := group[0][1]) is not None and group[0][0].system.key in styled:
            found[id(group[0][0])] = c
    return found


def _run_in_candidate(node: Node, decided: dict[int, TitleSplit]) -> TitleSplit | None:
    if decided[id(node)].title or node.fixed_title is not None:
        return None
    return run_in_title(node.first_text)


def _sibling_groups(siblings: Sequence[Node]) -> list[list[Node]]:
    """Every list of siblings of one numbering system, in document order."""
    by_system: dict[str, list[Node]] = {}
    nested: list[list[Node]] = []
    for node in siblings:
        by_system.setdefault(node.system.key, []).append(node)
        nested.extend(_sibling_groups(node.children))
    return [*by_system.values(), *nested]


def _split(node: Node, toc_titles: dict[TocKey, str], uses_titles: bool) -> TitleSplit:
    if node.fixed_title is not None:
        return TitleSplit(node.fixed_title, "", "word")
    key = node.key
    return split_title(
        node.first_text,
        node.system.key,
        node.ending,
        has_body_after=bool(node.more or node.children),
        toc_title=toc_titles.get(key) if key is not None else None,
        system_uses_titles=uses_titles,
    )
