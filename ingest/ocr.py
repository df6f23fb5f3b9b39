"""OCR for PDF pages without a text layer: one small engine interface, Tesseract, and a fake.

`OcrEngine.read(image)` is the one method an engine provides; `available()` says whether it can
run here and, when it cannot, `fix` says how to fix that (the exact install command). Pages are
rendered with pypdfium2 (`render_page`) and read in a process pool over pages by
`ingest.ocr_pages.ocr_pages`.

Tesseract was chosen by measurement (``python -m evals.bench_ocr``; README, "OCR"): lower
character error rate than RapidOCR on rendered English pages at 300 dpi, and it needs no model
files beyond Debian's ``tesseract-ocr-eng``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PIL.Image import Image

logger = logging.getLogger(__name__)

TESSERACT_FIX = "apt-get install -y tesseract-ocr tesseract-ocr-eng (or run .ci/install-ocr as root)"


@dataclass(frozen=True)
class OcrResult:
    """The text an engine read from one page image, and its mean word confidence (0-100)."""

    text: str
    mean_confidence: float


@runtime_checkable
class OcrEngine(Protocol):
    """Reads the text of one page image."""

    name: str

    def available(self) -> bool:
        """Whether the engine can run on this machine (its binary and language data are there)."""
        ...

    @property
    def fix(self) -> str:
        """How to make the engine available: the exact command."""
        ...

    def read(self, image: Image) -> OcrResult:
        """The page's text, lines in reading order, and the mean confidence of its words."""
        ...


class TesseractOcr:
    """Tesseract, run as one `tesseract` subprocess per page (PNG on stdin, TSV on stdout).

    Pages are read in parallel by `ingest.ocr_pages`, so each tesseract runs single-threaded
    (OMP_THREAD_LIMIT=1): its own threads would only compete with the other pages' processes.
    """

    name = "tesseract"

    def __init__(self, lang: str = "eng", psm: int = 3, timeout: float = 300.0) -> None:
        self.lang = lang
        self.psm = psm
        self.timeout = timeout

    @property
    def fix(self) -> str:
        return TESSERACT_FIX

    def available(self) -> bool:
        binary = shutil.which("tesseract")
        if binary is None:
            return False
        try:
            listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:  # a broken install reads as unavailable
            logger.warning("tesseract is installed but does not run: %s", exc)
            return False
        return self.lang in listed.stdout.split()

    def read(self, image: Image) -> OcrResult:
        png = io.BytesIO()
        image.save(png, format="PNG")
        command = ["tesseract", "stdin", "stdout", "-l", self.lang, "--psm", str(self.psm), "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run(command, input=png.getvalue(), capture_output=True, env=env,
                              timeout=self.timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"tesseract exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
        return parse_tsv(done.stdout.decode("utf-8", errors="replace"))


def parse_tsv(tsv: str) -> OcrResult:
    """Tesseract's TSV: words joined into lines, lines into paragraphs; mean word confidence."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[11].strip():
            continue
        conf = float(cells[10])
        if conf < 0:
            continue
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(cells[11].strip())
        confidences.append(conf)
    paragraphs: dict[tuple[str, str], list[str]] = {}
    for (block, par, _line), words in lines.items():  # dicts keep tesseract's reading order
        paragraphs.setdefault((block, par), []).append(" ".join(words))
    text = "\n\n".join("\n".join(par) for par in paragraphs.values())
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(text=text, mean_confidence=round(mean, 1))


class FakeOcr:
    """Deterministic engine for tests: a page image's text is looked up by its pixels' hash.

    `pages` maps an image (registered with `learn`) or a fallback to (text, confidence);
    `broken` images raise, as a crashing engine would; `ready=False` plays a missing install.
    """

    name = "fake"

    def __init__(self, text: str = "", confidence: float = 95.0, ready: bool = True) -> None:
        self.default = OcrResult(text, confidence)
        self.ready = ready
        self.known: dict[str, OcrResult] = {}
        self.broken: set[str] = set()

    @property
    def fix(self) -> str:
        return "install the fake (it is never missing outside tests)"

    def available(self) -> bool:
        return self.ready

    def learn(self, image: Image, text: str, confidence: float = 95.0) -> None:
        self.known[image_key(image)] = OcrResult(text, confidence)

    def break_on(self, image: Image) -> None:
        self.broken.add(image_key(image))

    def read(self, image: Image) -> OcrResult:
        key = image_key(image)
        if key in self.broken:
            raise RuntimeError("fake OCR engine crashed on this page")
        return self.known.get(key, self.default)


def image_key(image: Image) -> str:
    return hashlib.sha256(image.convert("L").tobytes()).hexdigest()[:16]


def get_engine(name: str) -> OcrEngine:
    """The engine named by a setting; only 'tesseract' ships (the fake is passed in by tests)."""
    from rag.errors import UnknownBackendError

    if name == "tesseract":
        return TesseractOcr()
    raise UnknownBackendError(f"unknown OCR engine {name!r}; set GUIDEQA_OCR_ENGINE=tesseract")


def render_page(data: bytes, number: int, dpi: int) -> Image:
    """Page `number` (1-based) of the PDF `data` as a greyscale image at `dpi`."""
    import pypdfium2 as pdfium  # heavy: imported when a page is rendered

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[number - 1]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil()
        page.close()
        return image
    finally:
        pdf.close()
