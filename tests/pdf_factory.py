"""Builds small PDFs (and broken files) for the ingestion tests, into a directory the test owns.

The prose is copied from the seed corpus (corpus/*) or is neutral filler: no invented clinical
facts. Each builder returns the path it wrote.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

HEADER = "GuideQA Test Corpus - Luspatercept Drug Information"
HEADING = "Luspatercept Dosing Overview"
PAGE_1 = [
    "Luspatercept is administered subcutaneously (under the skin). Dosage varies based on the "
    "underlying condition and individual response. The initial dose is generally 1 mg/kg every "
    "three weeks. However, adjustments are frequently made based on hemoglobin levels and "
    "response to treatment.",
    "Luspatercept is a fusion protein that works by modifying the signaling pathways involved "
    "in red blood cell production. It inhibits certain growth factors (TGF-beta superfamily "
    "ligands) that normally suppress red blood cell maturation.",
]
PAGE_2 = [
    "The safety and effectiveness of Luspatercept in children have not been established.",
    "Luspatercept is contraindicated in individuals with known hypersensitivity to it or its "
    "components. Patients with a history of blood clots or risk factors should be carefully "
    "monitored.",
]
PAGE_3 = [
    "Refer to the product labeling for specific storage instructions. Generally, it's stored "
    "refrigerated.",
    "Take the missed dose as soon as possible, but maintain the regular three-week dosing "
    "schedule.",
]
TABLE = [["Setting", "Initial dose"], ["Beta-thalassemia", "1 mg/kg every 3 weeks"]]
FORM_VALUE = "Sarah Sample"
FREE_TEXT_VALUE = "Pablo Salvador Lopez"


def multipage_pdf(path: Path) -> Path:
    """Three pages: a heading and a table on page 1, a running header and 'Page N of 3' footer."""
    styles = getSampleStyleSheet()
    story = [Paragraph(HEADING, styles["Heading1"])]
    story += [Paragraph(text, styles["BodyText"]) for text in PAGE_1]
    story += [Spacer(1, 12), Table(TABLE), PageBreak()]
    story += [Paragraph(text, styles["BodyText"]) for text in PAGE_2] + [PageBreak()]
    story += [Paragraph(text, styles["BodyText"]) for text in PAGE_3]

    def decorate(pdf: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        width, height = A4
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, HEADER)
        pdf.drawString(width / 2 - 30, 30, f"Page {doc.page} of 3")

    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Luspatercept Test Document")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


def text_pdf(path: Path, pages: list[str], title: str | None = None) -> Path:
    """One line of text per page, drawn with the canvas (no wrapping)."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    for text in pages:
        pdf.drawString(72, 760, text)
        pdf.showPage()
    pdf.save()
    return path


def encrypted_pdf(path: Path, user_password: str = "secret") -> Path:
    """A text PDF encrypted by pypdf; an empty `user_password` opens without one."""
    source = text_pdf(path.with_suffix(".plain.pdf"), [PAGE_2[0]])
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with path.open("wb") as out:
        writer.write(out)
    source.unlink()
    return path


def truncated_pdf(path: Path) -> Path:
    """A valid PDF cut in half, as an interrupted download leaves it."""
    source = multipage_pdf(path.with_suffix(".full.pdf"))
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    source.unlink()
    return path


def _scan_image(seed: int) -> ImageReader:
    """A grey, noisy 900x1200 image standing in for a scanned page."""
    image = Image.effect_noise((900, 1200), 40 + seed).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def image_pdf(path: Path, pages: int = 2, text_pages: tuple[int, ...] = ()) -> Path:
    """Pages that are one big image, except `text_pages` (1-based), which carry body text."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        if number in text_pages:
            text = pdf.beginText(72, 760)
            for line in (PAGE_3[0][:90], PAGE_3[0][90:], PAGE_3[1]):
                text.textLine(line)
            pdf.drawText(text)
        else:
            pdf.drawImage(_scan_image(number), 40, 40, width=515, height=760)
        pdf.showPage()
    pdf.save()
    return path


def form_pdf(path: Path) -> Path:
    """A form whose answers live in annotations: a filled text field and a free-text box."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 780, "Medication Prior Authorization Form")
    pdf.drawString(72, 740, "Patient Name:")
    pdf.acroForm.textfield(
        name="patient_name", tooltip="Patient Name", value=FORM_VALUE, x=170, y=730, width=200,
        height=20,
    )
    pdf.acroForm.textfield(name="empty_field", value="", x=170, y=700, width=200, height=20)
    pdf.acroForm.checkbox(name="urgent", checked=False, x=170, y=670)
    pdf.drawString(72, 640, "Office Contact Person:")
    pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.add_annotation(0, FreeText(text=FREE_TEXT_VALUE, rect=(230, 630, 400, 650)))
    with path.open("wb") as out:
        writer.write(out)
    return path


# A ruled table of neutral content: its first column merges two rows ("North" spans both
# Monday rows), as dosing tables merge a dose over its bag volumes.
SCHEDULE_CAPTION = "Table 1   Room Booking Schedule for the Spring Term"
SCHEDULE = [
    ["Meeting room", "Day of the week", "Start time"],
    ["North", "Monday", "09:00"],
    ["", "Tuesday", "11:30"],
    ["South", "Friday", "14:00"],
]


def table_pdf(path: Path) -> Path:
    """A paragraph, a captioned ruled table with a merged cell, and a closing paragraph."""
    from reportlab.platypus import TableStyle

    styles = getSampleStyleSheet()
    table = Table(SCHEDULE, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                                              ("SPAN", (0, 1), (0, 2))]))
    story = [Paragraph("The committee met in the morning and agreed the rooms below.", styles["BodyText"]),
             Spacer(1, 8), Paragraph(SCHEDULE_CAPTION, styles["BodyText"]), table, Spacer(1, 8),
             Paragraph("The minutes were sent to every member the same day.", styles["BodyText"])]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def titled_pdf(path: Path, title: str, body: list[str]) -> Path:
    """A page whose title is set in large type above small body lines; no /Title metadata."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(72, 770, title)
    pdf.setFont("Helvetica", 10)
    for i, line in enumerate(body):
        pdf.drawString(72, 730 - 14 * i, line)
    pdf.showPage()
    pdf.save()
    return path


def two_page_form_pdf(path: Path) -> Path:
    """Page 1 plain text, page 2 a filled-in text field."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 780, "Instructions for completing this form are on the next page.")
    pdf.showPage()
    pdf.drawString(72, 740, "Patient Name:")
    pdf.acroForm.textfield(name="patient_name", tooltip="Patient Name", value=FORM_VALUE, x=170, y=730,
                           width=200, height=20)
    pdf.showPage()
    pdf.save()
    return path


def scanned_pdf(path: Path, pages: list[str], dpi: int = 300, font: str = "Helvetica", size: int = 11) -> Path:
    """An image-only PDF: each text typeset with reportlab, rasterised at `dpi`, wrapped back as
    one image per page (no text layer), as a scanner makes it."""
    from evals.bench_ocr import image_pdf as wrap_images
    from evals.bench_ocr import typeset_page
    from ingest.ocr import render_page

    images = [render_page(typeset_page(text, font, size), 1, dpi) for text in pages]
    path.write_bytes(wrap_images(images, [A4] * len(images)))
    return path
