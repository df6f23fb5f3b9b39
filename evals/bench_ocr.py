"""OCR benchmark (not a test): character error rate and seconds per page, Tesseract vs RapidOCR.

    python -m evals.bench_ocr [--dpi 150 300] [--engines tesseract rapidocr]

Each page is typeset from known text (verbatim corpus/ prose) with reportlab in several fonts and
sizes, plus one page rotated by /Rotate; it is rasterised at the given dpi, wrapped back into an
image-only PDF, then rendered and read the way ingest does (`ingest.ocr.render_page`). CER is the
edit distance between the whitespace-collapsed OCR text and the reference, over the reference
length. Target: CER <= 2% at 300 dpi.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.ocr import OcrEngine, OcrResult, TesseractOcr, render_page

if TYPE_CHECKING:
    from PIL.Image import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "corpus" / "relapsed-refractory-lower-risk-mds-review.txt"
# (font, size, rotate): body fonts at usual sizes, a small one, and one page turned by /Rotate
PAGES = [
    ("Helvetica", 11, 0),
    ("Times-Roman", 11, 0),
    ("Courier", 10, 0),
    ("Helvetica", 8, 0),
    ("Times-Bold", 14, 0),
    ("Helvetica", 11, 90),
]


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: Levenshtein distance over the reference length (whitespace collapsed)."""
    hyp, ref = " ".join(hypothesis.split()), " ".join(reference.split())
    return edit_distance(hyp, ref) / max(len(ref), 1)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy pass per character of `a` (insertions by a running min)."""
    if not a or not b:
        return max(len(a), len(b))
    codes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(b) + 1)
    row = index.copy()
    for i, ch in enumerate(a, 1):
        sub = row[:-1] + (codes != ord(ch))
        new = np.empty_like(row)
        new[0] = i
        new[1:] = np.minimum(row[1:] + 1, sub)
        row = np.minimum.accumulate(new - index) + index  # new[j] = min(new[j], new[j-1] + 1)
    return int(row[-1])


def reference_text(chars: int = 1800) -> str:
    """Verbatim prose from the corpus, cut at a word boundary, on ASCII-safe characters."""
    text = " ".join(SOURCE.read_text(encoding="utf-8").split())[:chars]
    return text.rsplit(" ", 1)[0].replace("\u2014", "-")


def typeset_page(text: str, font: str, size: int, rotate: int = 0) -> bytes:
    """A one-page text PDF of `text` in `font` at `size` points; `rotate` sets its /Rotate."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = io.BytesIO()
    style = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.3)
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    doc.build([Paragraph(text, style)])
    data = buffer.getvalue()
    if rotate:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.pages[0].rotate(rotate)
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


def scanned(text_pdf: bytes, dpi: int) -> bytes:
    """The page rasterised at `dpi` and wrapped in an image-only PDF of the same size."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(text_pdf)
    page = pdf[0]
    width, height = page.get_size()  # points, after /Rotate
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    pdf.close()
    return image_pdf([image], [(width, height)])


def image_pdf(images: list, sizes: list[tuple[float, float]]) -> bytes:
    """An image-only PDF: each image fills a page of the given size in points."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for image, (width, height) in zip(images, sizes, strict=True):
        pdf.setPageSize((width, height))
        png = io.BytesIO()
        image.save(png, format="PNG")
        png.seek(0)
        pdf.drawImage(ImageReader(png), 0, 0, width=width, height=height)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class RapidOcr:
    """RapidOCR (PP-OCRv4 ONNX models shipped in the rapidocr-onnxruntime wheel), for comparison."""

    name = "rapidocr"

    def __init__(self) -> None:
        self.engine = None
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            return
        self.engine = RapidOCR()

    @property
    def fix(self) -> str:
        return 'pip install -e ".[ocr-bench]"  (rapidocr-onnxruntime)'

    def available(self) -> bool:
        return self.engine is not None

    def read(self, image: Image) -> OcrResult:
        assert self.engine is not None, self.fix
        boxes, _ = self.engine(np.array(image.convert("RGB")))
        boxes = boxes or []
        text = "\n".join(" ".join(b[1] for b in line) for line in _lines(boxes))
        mean = 100 * sum(float(b[2]) for b in boxes) / len(boxes) if boxes else 0.0
        return OcrResult(text, mean)


def _lines(boxes: list) -> list[list]:
    """RapidOCR's boxes grouped into lines (vertical centres within half a box height), left to right."""
    lines: list[tuple[float, float, list]] = []  # (centre y, height, boxes)
    for box in sorted(boxes, key=lambda b: sum(p[1] for p in b[0]) / 4):
        ys = [p[1] for p in box[0]]
        centre, height = sum(ys) / 4, max(ys) - min(ys)
        if lines and abs(centre - lines[-1][0]) < max(height, lines[-1][1]) / 2:
            lines[-1][2].append(box)
        else:
            lines.append((centre, height, [box]))
    return [sorted(line, key=lambda b: min(p[0] for p in b[0])) for _, _, line in lines]


@dataclass
class Row:
    engine: str
    dpi: int
    cer: float
    worst: float
    seconds: float


def run(engine: OcrEngine, dpi: int, pages: list[tuple[str, bytes]]) -> Row:
    errors, elapsed = [], 0.0
    for reference, pdf in pages:
        started = time.perf_counter()
        result = engine.read(render_page(pdf, 1, dpi))
        elapsed += time.perf_counter() - started
        errors.append(cer(result.text, reference))
    return Row(engine.name, dpi, sum(errors) / len(errors), max(errors), elapsed / len(pages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--engines", nargs="+", default=["tesseract", "rapidocr"])
    args = parser.parse_args()
    text = reference_text()
    engines: list[OcrEngine] = []
    for name in args.engines:
        engines.append(TesseractOcr() if name == "tesseract" else RapidOcr())
    kinds = ", ".join(f"{f} {s}pt" + (f" /Rotate {r}" if r else "") for f, s, r in PAGES)
    print(f"{len(PAGES)} pages of {len(text)} characters: {kinds}")
    print(f"{'engine':<10} {'dpi':>4} {'CER':>7} {'worst':>7} {'s/page':>7}")
    for dpi in args.dpi:
        pages = [(text, scanned(typeset_page(text, f, s, r), dpi)) for f, s, r in PAGES]
        for engine in engines:
            if not engine.available():
                print(f"{engine.name:<10} {dpi:>4} unavailable: {engine.fix}")
                continue
            row = run(engine, dpi, pages)
            print(f"{row.engine:<10} {row.dpi:>4} {row.cer:>7.2%} {row.worst:>7.2%} {row.seconds:>7.2f}")


if __name__ == "__main__":
    main()
