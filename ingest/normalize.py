"""Text normalisation: one canonical form of extracted text, so offsets and quotes are stable.

`normalize_text` cleans one text (Unicode, whitespace, bullets, words hyphenated across line
breaks) and is idempotent. `normalize_pages` also drops running headers and footers that repeat
across the pages of a PDF, and joins the pages with a blank line, recording where each starts.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter

logger = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\n"

# Characters that carry no text: zero-width spaces/joiners, word joiner, BOM, soft hyphen; and the
# private-use code points a Symbol font gives to ®, © and ™ ("Amjevita\uf0d2" is "Amjevita®").
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad")),
    0xF0D2: "®", 0xF0D3: "©", 0xF0D4: "™",
}
# C0/C1 controls except tab and newline (form feeds and other line breaks are made "\n" first).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAK_RE = re.compile(r"\r\n?|[\f\v\x85\u2028\u2029\x1c-\x1e]")
_SOFT_HYPHEN_BREAK_RE = re.compile(r"\u00ad[^\S\n]*\n[^\S\n]*")
_SPACES_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# Bullet glyphs at a line start, including the private-use bullets of Symbol/Wingdings fonts.
_BULLET_RE = re.compile("^[•●▪◦‣⁃∙➢➤►▶\uf0b7\uf0a7\uf076\uf0d8](?: |(?=\\S))", re.MULTILINE)
# A word broken by a hyphen at a line end: left part (may itself contain hyphens), continuation.
_HYPHEN_BREAK_RE = re.compile(r"(\w(?:[\w-]*\w)?)-\n(?=(\w+))")
_HYPHENATED_WORD_RE = re.compile(r"\w+(?:-\w+)+")

# Header/footer detection.
_EDGE_LINES = 3
_MIN_PAGES = 3
_REPEAT_SHARE = 0.6
_MID_PAGE_MIN_CHARS = 25  # a repeated line this long is dropped even away from the page edges
_DIGITS_RE = re.compile(r"\d+")
# Page labels that vary in more than digits: "I-24", "IX-11", "- 5 -", "Page 7".
_PAGE_LABEL_RE = re.compile(
    r"(?:page\s*)?[-–]?\s*(?:[ivxlc]{1,6}\s*[-–.]\s*)?\d{1,4}\s*[-–]?", re.IGNORECASE
)


def normalize_text(text: str) -> str:
    """Return `text` in canonical form. Idempotent: normalize_text(normalize_text(x)) == it."""
    return _normalize(text, _hyphenated_forms(text))


def normalize_pages(pages: list[str]) -> tuple[str, list[int], list[str]]:
    """Normalise the pages of one document and join them with a blank line.

    Returns (text, page_starts, removed_lines): page_starts[i] is the offset in `text` where
    page i+1 starts; removed_lines are the distinct header/footer lines dropped, in order.
    """
    hyphenated = _hyphenated_forms("\n".join(pages))
    cleaned = [_normalize(page, hyphenated) for page in pages]
    cleaned, removed = _drop_headers_footers(cleaned)
    starts: list[int] = []
    offset = 0
    for page in cleaned:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(cleaned), starts, removed


# ---------------------------------------------------------------- one text


def _normalize(text: str, hyphenated: set[str]) -> str:
    text = _LINE_BREAK_RE.sub("\n", text)
    text = _SOFT_HYPHEN_BREAK_RE.sub("", text)  # "treat\xad\nment": a hyphenation hint
    text = _CONTROL_RE.sub("", text.translate(_INVISIBLE))
    text = unicodedata.normalize("NFKC", text)  # ligatures, non-breaking and other spaces
    text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = _BULLET_RE.sub("• ", text)
    text = _rejoin_hyphenated(text, hyphenated)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()


def _hyphenated_forms(text: str) -> set[str]:
    """Hyphenated words written on one line somewhere in the text, lower-cased."""
    return {m.group(0).lower() for m in _HYPHENATED_WORD_RE.finditer(text)}


def _rejoin_hyphenated(text: str, hyphenated: set[str]) -> str:
    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        keep_hyphen = (
            not right[0].islower()
            or "-" in left  # "mild-to-" + "moderate"
            or _is_technical(left)  # "5-" + "year", "SF3B1-" + "mutated", "IgG-" + "mediated"
            or f"{left}-{right}".lower() in hyphenated  # written "population-level" elsewhere
        )
        return f"{left}-" if keep_hyphen else left

    return _HYPHEN_BREAK_RE.sub(join, text)


def _is_technical(word: str) -> bool:
    """A number, an acronym or a mixed-case term: its hyphen is not a line-break hyphen."""
    return word.isupper() or any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


# ---------------------------------------------------------------- headers and footers


def _edge_indices(lines: list[str]) -> list[int]:
    """Indices of the first and last few non-empty lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _line_key(line: str) -> str:
    """What a running header or footer keeps from page to page.

    Digits, spacing and the order of its pieces vary (PDF text extraction may emit "2of 17 RCOG
    Guideline" on one page and "RCOG Guideline 5 of 17" on the next), so the key is the sorted
    characters of the line with digit runs replaced by '#' and spaces removed.
    """
    if _PAGE_LABEL_RE.fullmatch(line.strip()):
        return "<page label>"
    return "".join(sorted("".join(_DIGITS_RE.sub("#", line).lower().split())))


def _drop_headers_footers(pages: list[str]) -> tuple[list[str], list[str]]:
    """Drop lines that open or close most pages; long ones also where extraction misplaced them."""
    if len(pages) < _MIN_PAGES:
        return pages, []
    split = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_line_key(lines[i]) for i in _edge_indices(lines)})
    needed = max(_MIN_PAGES, math.ceil(_REPEAT_SHARE * len(pages)))
    repeated = {key for key, n in counts.items() if n >= needed}
    if not repeated:
        return pages, []
    removed: dict[str, None] = {}
    result = []
    for lines in split:
        edges = set(_edge_indices(lines))
        drop = {
            i
            for i, line in enumerate(lines)
            if (i in edges or len(line) >= _MID_PAGE_MIN_CHARS) and _line_key(line) in repeated
        }
        removed.update(dict.fromkeys(lines[i] for i in sorted(drop)))
        kept = "\n".join(line for i, line in enumerate(lines) if i not in drop)
        result.append(_BLANK_LINES_RE.sub("\n\n", kept).strip())
    logger.debug("dropped %d distinct header/footer lines", len(removed))
    return result, list(removed)
