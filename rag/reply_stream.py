"""Decoding the answer prose out of a JSON reply while the model is still writing it.

The llm answer mode asks for one JSON object; its "answer" field is the prose a reader wants to
see as it is written. `AnswerTextStream.feed` takes the reply piece by piece and returns the
newly decoded characters of that field (JSON escapes resolved), nothing before it, nothing after.
"""

from __future__ import annotations

import contextlib
import re


class AnswerTextStream:
    """Pulls the decoded value of the "answer" key out of a JSON object arriving in pieces."""

    _KEY = re.compile(r'"answer"\s*:\s*"')
    _ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", '"': '"', "\\": "\\", "/": "/"}

    def __init__(self) -> None:
        self.buf = ""
        self.pos: int | None = None
        self.done = False

    def feed(self, text: str) -> str:
        self.buf += text
        if self.done:
            return ""
        if self.pos is None:
            match = self._KEY.search(self.buf)
            if not match:
                return ""
            self.pos = match.end()
        out, i, buf = [], self.pos, self.buf
        while i < len(buf):
            ch = buf[i]
            if ch == '"':
                self.done = True
                break
            if ch == "\\":
                if i + 1 >= len(buf) or (buf[i + 1] == "u" and i + 6 > len(buf)):
                    break  # wait for the rest of the escape
                if buf[i + 1] == "u":
                    with contextlib.suppress(ValueError):  # a malformed escape is skipped
                        out.append(chr(int(buf[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                out.append(self._ESCAPES.get(buf[i + 1], buf[i + 1]))
                i += 2
                continue
            out.append(ch)
            i += 1
        self.pos = i
        return "".join(out)
