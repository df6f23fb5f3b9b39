"""Chunking: cut a normalised document into verbatim, citable spans that respect its structure.

Sections come first (Markdown ``#`` headings, HTML and DOCX included as they load as Markdown;
in plain text and PDFs numbered, ALL-CAPS and short stand-alone heading lines): a chunk never
crosses a section boundary. Inside a section, paragraphs are packed up to ``chunk_size``
characters; a longer paragraph is packed sentence by sentence, and only a sentence longer than
``chunk_size`` is itself cut. Each chunk may begin with the last whole sentences of the previous
one (``chunk_overlap``). Every chunk's text is exactly
``doc.text[char_start:char_end]``.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.formats import MARKDOWN_SUFFIXES
from rag.errors import ConfigurationError
from rag.sentences import BLANK_LINE_RE, Span, split_sentences, strip_span
from rag.types import Chunk, Document
from rag.vocabulary import common_words

logger = logging.getLogger(__name__)

_MD_HEADING_RE = re.compile(r"(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_NUMBERED_RE = re.compile(r"(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)")
_BULLET_STARTS = ("•", "*", "-", "–", "◦", "▪")
# "2. Coverage Criteria:" / "A. Atopic Dermatitis": an outline number or letter, then Title Case words
_TITLE_CASE_OUTLINE_RE = re.compile(r"(\d{1,2}|[A-Z])\.\s+(?:(?:[A-Z][\w'-]*|of|and|or|with|in|for|the|to)\s*){1,6}:?")
_CAPTION_RE = re.compile(r"(Table|TABLE|Figure|FIGURE)\s+[A-Z]?\d+[A-Za-z]?\b")
_LONG_SPLIT_SEPARATORS = ["\n", "; ", ", ", " ", ""]


@dataclass(frozen=True)
class Section:
    """A region of the text under one heading path; `body_start` is where the heading ends."""

    start: int
    end: int
    path: str | None
    body_start: int


@dataclass
class _Atom:
    """A span that is never cut: a heading line, a paragraph, a sentence or a piece of one."""

    text: str  # the whole document text (a reference, not a copy)
    start: int
    end: int
    sentences: list[Span] = field(default_factory=list)  # whole sentences usable as overlap
    heading: bool = False

    @property
    def intro(self) -> bool:
        """A heading or a short lead-in ("For beta-thalassemia:") that belongs with what follows."""
        if self.heading:
            return True
        return self.end - self.start <= 200 and self.text[self.start : self.end].rstrip("*_ ").endswith(":")

    def split(self) -> list[_Atom]:
        return [_Atom(self.text, s, e, [(s, e)]) for s, e in self.sentences]


def make_chunk_id(doc_id: str, char_start: int, text: str) -> str:
    """Content hash of (doc_id, char_start, text): re-chunking the same text gives the same id."""
    payload = f"{doc_id}\0{char_start}\0{text}".encode()
    return hashlib.sha256(payload).hexdigest()[:32]


# ---------------------------------------------------------------- sections


def detect_sections(text: str, markdown: bool) -> list[Section]:
    """Consecutive regions covering the text, each with its heading path (None before any)."""
    headings = _markdown_headings(text) if markdown else _plain_headings(text)
    sections = []
    first = headings[0][0] if headings else len(text)
    if text[:first].strip():
        sections.append(Section(0, first, None, 0))
    for i, (start, end, path) in enumerate(headings):
        stop = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        sections.append(Section(start, stop, path, end))
    return sections


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line), line
        start += len(line) + 1


def _markdown_headings(text: str) -> list[tuple[int, int, str]]:
    headings: list[tuple[int, int, str]] = []
    stack: list[tuple[int, str]] = []
    fenced = False
    for start, end, line in _lines(text):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _MD_HEADING_RE.fullmatch(stripped)
        if not match:
            continue
        level, name = len(match.group(1)), _heading_name(match.group(2).strip("*_` "))
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, name))
        headings.append((start, end, " > ".join(n for _, n in stack)))
    return headings


def _plain_headings(text: str) -> list[tuple[int, int, str]]:
    lines = list(_lines(text))
    following: list[str | None] = [None] * len(lines)  # next non-empty line after each line
    for i in range(len(lines) - 2, -1, -1):
        after = lines[i + 1][2].strip()
        following[i] = after or following[i + 1]
    headings: list[tuple[int, int, str]] = []
    numbered: dict[tuple[int, ...], str] = {}
    for i, (start, end, line) in enumerate(lines):
        before = lines[i - 1][2].strip() if i else ""
        after_blank = not before
        if not after_blank and _TITLE_CASE_OUTLINE_RE.fullmatch(line.strip()) and (
                before[-1] in ".!?:" or (headings and headings[-1][1] == lines[i - 1][1])):
            after_blank = True  # "2. Coverage Criteria:" after a sentence, "A. Atopic Dermatitis" after it
        number = _heading_number(line.strip(), after_blank, following[i])
        if number is None:
            continue
        name = _heading_name(line)
        if number:
            numbered[number] = name
            parents = [numbered[number[:k]] for k in range(1, len(number)) if number[:k] in numbered]
            name = " > ".join([*parents, name])
        headings.append((start, end, name))
    return headings


def _heading_number(line: str, after_blank: bool, following: str | None) -> tuple[int, ...] | None:
    """None if `line` is no heading; else its number, () for an unnumbered heading. Table rows
    ("Dose: 100 mg | Volume: 20 mL") and captions ("Table 2  Recommended ...") are never headings."""
    if not line or len(line) > 100 or following is None or following[0].islower():
        return None
    if " | " in line or _CAPTION_RE.match(line):
        return None
    match = _NUMBERED_RE.fullmatch(line)
    if match and not match.group(1).startswith("0"):
        number = tuple(int(part) for part in match.group(1).split("."))
        rest = match.group(2)
        if _all_caps(rest, min_words=1) or ((len(number) > 1 or after_blank) and _standalone(rest)):
            return number
        if len(number) > 1 and _wrapped_title(rest):
            return number  # "2.2 Recommended Dosage in Adults and Pediatric Patients 12 Years of Age and"
        return None
    if _all_caps(line) or (after_blank and _standalone(line)):
        return ()
    return None


def _standalone(line: str) -> bool:
    """A short line that reads like a title: capitalised, no sentence punctuation at the end."""
    words = line.split()
    if not line[0].isupper() or len(words) > 10 or line[-1] in ".,;!":
        return False
    return not line.endswith(":") or (len(words) <= 4 and line.count(":") == 1)


def _wrapped_title(line: str) -> bool:
    """The first line of a long numbered heading that wraps: mostly capitalised words, up to 16,
    no sentence punctuation at its end."""
    words = [w for w in line.split() if w[0].isalpha()]
    if not line[0].isupper() or len(line.split()) > 16 or line[-1] in ".,;:!?":
        return False
    return sum(w[0].isupper() for w in words) >= 0.5 * len(words)


def _all_caps(line: str, min_words: int = 2) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return (
        min_words <= len(line.split()) <= 8
        and len(letters) >= 4
        and all(ch.isupper() for ch in letters)
        and line[-1] not in ".,;"
        and ". " not in line
        and not line.startswith(_BULLET_STARTS)
    )


def _heading_name(line: str) -> str:
    """The heading as shown in section paths, without a footnote letter glued to its last word
    ("2. Coverage Criteriaa:" -> "2. Coverage Criteria")."""
    name = " ".join(line.split()).rstrip(":").strip()
    last = name.rsplit(" ", 1)[-1]
    if len(last) > 4 and last[-1] in "abcdef" and last[-2:-1].isalpha() and last.lower() not in common_words() \
            and last[:-1].lower() in common_words():
        name = name[: -1]
    return name


# ---------------------------------------------------------------- chunks


def chunk_document(doc: Document, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """Cut `doc` into chunks; see the module docstring for the rules."""
    if chunk_size < 1 or not 0 <= chunk_overlap < chunk_size:
        raise ConfigurationError(
            f"chunk_overlap ({chunk_overlap}) must be at least 0 and smaller than chunk_size "
            f"({chunk_size}); fix GUIDEQA_CHUNK_OVERLAP / GUIDEQA_CHUNK_SIZE"
        )
    text = doc.text
    markdown = Path(doc.path).suffix.lower() in MARKDOWN_SUFFIXES
    sections = detect_sections(text, markdown)
    spans: list[tuple[int, int, str | None]] = []
    pending: int | None = None  # start of heading-only sections waiting for a body
    for i, section in enumerate(sections):
        start = section.start if pending is None else pending
        if not _has_words(text[section.body_start : section.end]) and i + 1 < len(sections):
            pending = start
            continue
        pending = None
        atoms = _heading_atoms(text, start, section.body_start, chunk_size)
        atoms += _body_atoms(text, section.body_start, section.end, chunk_size)
        spans += [(s, e, section.path) for s, e in _pack(atoms, chunk_size, chunk_overlap)]
    return _to_chunks(doc, spans)


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _heading_atoms(text: str, start: int, end: int, size: int) -> list[_Atom]:
    atoms = []
    for s, e, _ in _lines(text[start:end]):
        s, e = strip_span(text, start + s, start + e)
        if e > s:
            atoms += [_Atom(text, a, b, heading=True) for a, b in _cut_long(text, s, e, size)]
    return atoms


def _body_atoms(text: str, start: int, end: int, size: int) -> list[_Atom]:
    atoms = []
    bounds = [start, *(m.start() + start for m in BLANK_LINE_RE.finditer(text[start:end])), end]
    for a, b in zip(bounds, bounds[1:], strict=False):
        p_start, p_end = strip_span(text, a, b)
        if p_end <= p_start:
            continue
        sentences = split_sentences(text[p_start:p_end], p_start)
        if p_end - p_start <= size:
            atoms.append(_Atom(text, p_start, p_end, sentences))
            continue
        for s, e in sentences:
            if e - s <= size:
                atoms.append(_Atom(text, s, e, [(s, e)]))
            else:  # the only case a sentence is cut: its pieces are not whole sentences
                atoms += [_Atom(text, x, y) for x, y in _cut_long(text, s, e, size)]
    return atoms


def _cut_long(text: str, start: int, end: int, size: int) -> list[Span]:
    """Cut a span longer than `size` at line breaks, '; ', ', ', spaces, else anywhere."""
    if end - start <= size:
        return [(start, end)]
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # import on first use

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=0,
        separators=_LONG_SPLIT_SEPARATORS,
        keep_separator="end",
    )
    spans, cursor = [], start
    for piece in splitter.split_text(text[start:end]):
        found = text.find(piece, cursor, end)
        if found < 0:  # never expected: fall back to fixed windows for the rest
            logger.warning("splitter piece not found at %d; cutting in fixed windows", cursor)
            spans += [strip_span(text, s, min(s + size, end)) for s in range(cursor, end, size)]
            break
        spans.append((found, found + len(piece)))
        cursor = found + len(piece)
    return [(s, e) for s, e in spans if e > s]


def _pack(atoms: list[_Atom], size: int, overlap: int) -> list[Span]:
    """Greedily pack atoms into spans of at most `size`, each new span led by overlap sentences.

    Headings and lead-ins stay with what follows them: a paragraph that does not fit after a
    heading is packed sentence by sentence, and a lead-in ending a full span moves to the next.
    """
    spans: list[Span] = []
    queue = deque(atoms)
    current: list[_Atom] = []
    lead: list[Span] = []  # overlap sentences opening the current span
    while queue:
        atom = queue.popleft()
        start = lead[0][0] if lead else (current[0].start if current else atom.start)
        if not current or atom.end - start <= size:
            current.append(atom)
            continue
        intro_only = all(a.intro for a in current)
        if intro_only and len(atom.sentences) > 1:
            queue.extendleft(reversed(atom.split()))
            continue
        carry = [] if intro_only else _trailing_intros(current, atom, size)
        del current[len(current) - len(carry) :]
        spans.append((start, current[-1].end))
        if carry:
            current, lead = carry, []
            queue.appendleft(atom)
        else:
            sentences = lead + [s for a in current for s in a.sentences]
            lead = _overlap(sentences, start, current[-1].end, atom.end, size, overlap)
            current = [atom]
    if current:
        spans.append((lead[0][0] if lead else current[0].start, current[-1].end))
    return spans


def _trailing_intros(current: list[_Atom], following: _Atom, size: int) -> list[_Atom]:
    """The lead-ins ending `current`, if moving them lets them open the next span."""
    count = 0
    while count < len(current) - 1 and current[-1 - count].intro:
        count += 1
    carry = current[len(current) - count :]
    if carry and (following.end - carry[0].start <= size or len(following.sentences) > 1):
        return carry
    return []


def _overlap(
    sentences: list[Span], start: int, end: int, next_end: int, size: int, overlap: int
) -> list[Span]:
    """The trailing whole sentences of [start, end) that fit in `overlap` and the next chunk."""
    lead: list[Span] = []
    for s, e in reversed(sentences):
        if end - s > overlap or s <= start or next_end - s > size:
            break
        lead.insert(0, (s, e))
    return lead


def _to_chunks(doc: Document, spans: list[tuple[int, int, str | None]]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for raw_start, raw_end, section in spans:
        start, end = strip_span(doc.text, raw_start, raw_end)
        text = doc.text[start:end]
        if not _has_words(text):
            continue
        chunks.append(
            Chunk(
                chunk_id=make_chunk_id(doc.doc_id, start, text),
                doc_id=doc.doc_id,
                text=text,
                title=doc.meta.title,
                source=doc.meta.source,
                doc_type=doc.meta.doc_type,
                page_start=_page(doc.page_starts, start),
                page_end=_page(doc.page_starts, end - 1),
                section=section,
                char_start=start,
                char_end=end,
                ordinal=len(chunks),
            )
        )
    return chunks


def _page(page_starts: list[int], offset: int) -> int | None:
    return bisect.bisect_right(page_starts, offset) if page_starts else None
