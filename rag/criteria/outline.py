"""Normalised policy text -> an outline of labelled items, with exact offsets.

Policies write criteria as nested labelled lists ("1." > "A)" > "i." > "a)" > "(1)"), wrapped
over lines and pages, with connectors at line ends ("; AND") or alone on a line ("-OR-"), notes
("Note: ...") under an item, and text-layer debris (footnote marks glued to words, labels glued
to their text, a list announced "(i, ii, and iii)" whose items read i, ii, ii). This module only
finds the items and how they nest; `rag.criteria.extract` decides what the items mean.

Nesting follows the labels: a label continues the open list of its kind whose next value it is
(the same form preferred, the deepest first; a repeated value is a source defect and still a
sibling); a label that starts a sequence ("1", "a", "i", "A", "I", a bullet) opens a list under
the current item when that item introduces one (its text ends with ":" or states a list, or it
is a short heading); anything else starts a new top-level list. Unlabelled capitals or section
headings ("CONDITIONS NOT COVERED", "References") close every open list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rag.criteria import conventions as cv

_ROMAN = re.compile(r"^(?=[ivxlc]+$)m{0,3}(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")


@dataclass
class Label:
    text: str  # as printed: "(1)", "a)", "iii.", "•"
    kind: str  # num | lower | upper | roman | ROMAN | bullet
    form: str  # "()" | "." | ")" | the bullet mark
    value: int


@dataclass
class Item:
    """One labelled list item. Offsets index the document text."""

    label: Label
    start: int  # where the label starts
    text_start: int  # where its own text starts
    text_end: int  # where its own text ends (before children, notes, connectors, trailers)
    children: list[Item] = field(default_factory=list)
    notes: list[tuple[int, int]] = field(default_factory=list)
    tail: list[tuple[int, int]] = field(default_factory=list)  # unlabelled lines after it
    connector: str | None = None  # "and" / "or" written right after its own subtree
    ended: bool = False  # its own text was closed by a connector
    semicolon: bool = False  # its own text (so far) ended with a bare ";"
    announced: int | None = None  # how many items its text announces ("(a or b)" -> 2)
    parent: Item | None = field(default=None, repr=False)

    def last(self) -> Item:
        """The last item of its subtree, in document order."""
        return self.children[-1].last() if self.children else self

    def walk(self) -> Iterator[Item]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class _Level:
    items: list[Item]
    parent: Item | None

    @property
    def last(self) -> Item:
        return self.items[-1]


def _interpretations(match: re.Match[str]) -> list[Label]:
    """Every reading of a label: 'i' may be the ninth letter or the roman one, 'I' likewise."""
    if match.group("bullet"):
        mark = match.group("bullet")
        return [Label(mark, "bullet", mark, 1)]
    value = match.group("pv") or match.group("dv")
    form = "()" if match.group("paren") else match.group("punct")
    text = match.group(0)
    out = []
    if value.isdigit():
        return [Label(text, "num", form, int(value))]
    if len(value) == 1 and value.isalpha():
        out.append(Label(text, "lower" if value.islower() else "upper", form, ord(value.lower()) - 96))
    if _ROMAN.match(value.lower()):
        out.append(Label(text, "roman" if value.islower() else "ROMAN", form, _roman(value.lower())))
    return out


def _roman(text: str) -> int:
    total, prev = 0, 0
    for ch in reversed(text):
        v = cv.ROMAN_VALUES.get(ch, 0)
        total += -v if v < prev else v
        prev = max(prev, v)
    return total


def _announced(text: str) -> int | None:
    m = cv.ANNOUNCED_RE.search(text)
    if not m:
        return None
    return len([t for t in re.split(r",|\band\b|\bor\b", m.group("items")) if t.strip()])


def _introduces_list(text: str) -> bool:
    """Does an item's own text open a list below it? "...(a or b):", "One of the following:",
    or a short heading such as "A. Asthma" / "1. Initial Authorization"."""
    stripped = cv.FOOTNOTE_TAIL_RE.sub("", text.rstrip()).rstrip()
    if stripped.endswith(":") or "of the following" in stripped.lower() or _announced(stripped):
        return True
    words = stripped.split()
    return 0 < len(words) <= 10 and stripped[-1] not in ".;,?" and stripped[0].isupper()


def _heading_line(line: str) -> bool:
    """An unlabelled line that closes every open list: capitals, or a known section heading."""
    s = line.strip()
    if not s or cv.SEPARATOR_LINE_RE.match(s):
        return False
    if cv.REGION_END_RE.match(s):
        return True
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters) and len(s.split()) <= 12


def _line_heading(line: str) -> bool:
    """An unlabelled heading that names a line of therapy ("Continuation of Therapy", "Criteria for
    Initial Approval"): it closes the open lists even after an item without final punctuation."""
    words = line.rstrip(":").split()
    return 0 < len(words) <= 8 and line[0].isupper() and line[-1] not in ".,;" and cv.line_of(line) is not None


class Outline:
    """Parses a document's text into top-level items (`roots`), each with nested children."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.roots: list[Item] = []
        self.headings: list[tuple[int, str]] = []  # (offset, text) of the headings that closed lists
        self._stack: list[_Level] = []
        self._current: Item | None = None  # the item whose own text or notes are being read
        self._state = "text"  # text | note | tail | closed
        self._parse()

    # ------------------------------------------------------------------ placing labels
    def _place(self, readings: list[Label]) -> tuple[Label, int | None]:
        """(the reading used, the stack depth it continues), or (reading, None) for a new list."""
        best: tuple[tuple[int, int, int], Label, int] | None = None
        for depth in range(len(self._stack) - 1, -1, -1):
            level = self._stack[depth]
            last = level.last.label
            parent_announced = level.parent.announced if level.parent else None
            for reading in readings:
                if reading.kind != last.kind:
                    continue
                if reading.kind == "bullet":
                    step = 1 if reading.form == last.form else None
                elif reading.value == last.value + 1:
                    step = 1
                elif reading.value == last.value and reading.text == last.text and reading.kind == "roman":
                    step = 2  # "i, ii, ii": a repeated label is the source's slip
                else:
                    step = None
                if step is None:
                    continue
                if parent_announced is not None and len(level.items) >= parent_announced and step == 1 \
                        and reading.kind != "bullet" and len(level.items) >= 2:
                    continue  # "(a or b)" announced two: a third is not of this list
                rank = (step, 0 if reading.form == last.form else 1, len(self._stack) - depth)
                if best is None or rank < best[0]:
                    best = (rank, reading, depth)
        if best is not None:
            return best[1], best[2]
        starts = [r for r in readings if r.value == 1]
        # prefer the roman reading of a lone "i"/"I" to the ninth letter, unless a letter list is open
        starts.sort(key=lambda r: 0 if r.kind in ("roman", "ROMAN", "num", "bullet") else 1)
        return (starts or readings)[0], None

    def _attach(self, item: Item, depth: int | None) -> Item:
        if depth is not None:  # a sibling in an open list
            del self._stack[depth + 1 :]
            level = self._stack[depth]
            item.parent = level.parent
            level.items.append(item)
            (level.parent.children if level.parent else self.roots).append(item)
            return item
        host = self._current if self._stack else None
        host_text = self.text[host.text_start:host.text_end] if host else ""
        # a list opens under the item just read, unless unlabelled text has followed it since
        if host is not None and not host.tail and item.label.value == 1 and _introduces_list(host_text):
            item.parent = host
            host.children.append(item)
            self._stack.append(_Level([item], host))
            return item
        self._stack = [_Level([item], None)]
        self.roots.append(item)
        return item

    # ------------------------------------------------------------------ reading lines
    def _lines(self) -> Iterator[tuple[int, int, str]]:
        pos = 0
        for line in self.text.split("\n"):
            yield pos, pos + len(line), line
            pos += len(line) + 1

    def _parse(self) -> None:
        prev_blank = True
        for start, end, line in self._lines():
            stripped = line.strip()
            lead = len(line) - len(line.lstrip())
            if not stripped:
                prev_blank = True
                continue
            match = cv.LABEL_RE.match(stripped)
            readings = _interpretations(match) if match and self._is_label(match, stripped) else []
            if match and readings:
                self._label_line(match, readings, start + lead, end)
            elif cv.SEPARATOR_LINE_RE.match(stripped):
                self._connector(stripped)
            elif _heading_line(stripped) or (prev_blank and self._heading_after_blank(stripped)):
                self._stack, self._current, self._state = [], None, "closed"
                self.headings.append((start + lead, stripped))
            elif cv.NOTE_RE.match(stripped) and self._current is not None:
                self._current.notes.append((start + lead, end))
                self._state = "note"
            elif self._current is not None:
                self._continue(start + lead, end, stripped, prev_blank)
            prev_blank = False

    @staticmethod
    def _is_label(match: re.Match[str], line: str) -> bool:
        rest = line[match.end():].lstrip()
        if not rest:
            return False
        if match.group("bullet"):  # "o", "-" and "*" also start words: only before a capital
            return match.group("bullet") in "•▪◦‣⁃∙➢►▶" or rest[0].isupper()
        return rest[0].isupper() or rest[0] in "[(\"'“" or rest[0].isdigit()

    def _heading_after_blank(self, line: str) -> bool:
        if cv.STOP_LINE_RE.match(line):  # "Approval duration: 6 months" at the top of a page
            return False
        return self._section_heading(line) or _line_heading(line)

    def _section_heading(self, line: str) -> bool:
        """A short unlabelled title after a blank line, when no item is mid-sentence."""
        if self._current is None or self._state == "closed":
            return False
        own = self.text[self._current.text_start:self._current.text_end].rstrip()
        ended = not own or own[-1] in ".:;" or own.endswith(("AND", "OR"))
        words = line.split()
        return ended and len(words) <= 6 and line[0].isupper() and line[-1] not in ".,;:" \
            and not any(w.endswith(".") for w in words) and self._state != "note"

    def _label_line(self, match: re.Match[str], readings: list[Label], start: int, end: int) -> None:
        label, depth = self._place(readings)
        item = Item(label, start, start + match.end(), end)
        rest = self.text[item.text_start:end]
        item.text_start += len(rest) - len(rest.lstrip())
        self._attach(item, depth)
        self._current, self._state = item, "text"
        self._trim_connector(item)

    def _continue(self, start: int, end: int, line: str, after_blank: bool) -> None:
        item = self._current
        assert item is not None
        if self._state == "note":
            note_start, note_end = item.notes[-1]
            note_open = self.text[note_start:note_end].rstrip()[-1:] not in ".:;)" and line[0].islower()
            if (after_blank and not note_open) or cv.STOP_LINE_RE.match(line) or cv.FOOTNOTE_LINE_RE.match(line):
                self._state = "tail"
            else:
                note_start, _ = item.notes[-1]
                item.notes[-1] = (note_start, end)
                return
        if self._state == "text":
            own = self.text[item.text_start:item.text_end].rstrip()
            sentence_open = bool(own) and own[-1] not in ".:" and not item.ended
            closed = not sentence_open or item.semicolon
            footnote = cv.FOOTNOTE_LINE_RE.match(line) and (after_blank or closed)
            if cv.STOP_LINE_RE.match(line) or footnote or (after_blank and not sentence_open):
                self._state = "tail"
            elif item.ended:
                self._state = "tail"  # text after "; AND" is not the criterion's
            else:
                item.text_end = end
                self._trim_connector(item)
                return
        if self._state == "tail":
            item.tail.append((start, end))

    # ------------------------------------------------------------------ connectors
    def _trim_connector(self, item: Item) -> None:
        """Move a trailing "; AND" / "OR" off the item's own text into `connector`."""
        own = self.text[item.text_start:item.text_end]
        m = cv.CONNECTOR_TAIL_RE.search(own)
        if m:  # a bare ";" is trimmed too, but text may follow it ("...lissencephaly;\ncortical ...")
            if m.group("word"):
                item.connector = m.group("word").lower()
                item.ended = True
            item.semicolon = not m.group("word")
            item.text_end = item.text_start + m.start()
        own = self.text[item.text_start:item.text_end].rstrip()
        item.text_end = item.text_start + len(own)
        item.announced = _announced(own)

    def _connector(self, line: str) -> None:
        m = cv.SEPARATOR_LINE_RE.match(line)
        if self._current is not None and m:
            self._current.connector = m.group(1).lower()
            self._current.ended = True
            if self._state == "note":
                self._state = "tail"
