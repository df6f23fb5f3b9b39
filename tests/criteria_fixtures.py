"""Payer-policy fixtures for the coverage-criteria tests: verbatim excerpts of two real policies,
written as small PDFs (one drawn line per line of the policy, one list per page).

Every line below is copied verbatim, line breaks included, from the text GuideQA extracts from
the published policies (Cigna National Formulary "Antiseizure Medications - Epidiolex Prior
Authorization Policy", review date 02/07/2024; UnitedHealthcare "Dupixent (dupilumab) - Prior
Authorization/Medical Necessity", program 2024 P 2116-18). Sections and sentences are left out,
never reworded. The tests never read the original PDFs.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tests.conftest import CORPUS

# Bitstream Vera ships with reportlab and has the glyphs these policies use (≥, –, ®, •),
# which the standard PDF fonts do not.
FONT = "Vera"
pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))

# ---------------------------------------------------------------- Cigna: Epidiolex
EPIDIOLEX_ID = "cigna-epidiolex"
EPIDIOLEX_TITLE = "Antiseizure Medications – Epidiolex Prior Authorization Policy"
EPIDIOLEX_HEADER = """\
PRIOR AUTHORIZATION POLICY
POLICY: Antiseizure Medications – Epidiolex Prior Authorization Policy
• Epidiolex® (cannabidiol oral solution – Greenwich Biosciences)
REVIEW DATE: 02/07/2024
POLICY STATEMENT
Prior Authorization is recommended for prescription benefit coverage of Epidiolex. All
approvals are provided for the duration noted below. Because of the specialized skills
required for evaluation and diagnosis of patients treated with Epidiolex as well as the
monitoring required for adverse events and long-term efficacy, initial approval
requires Epidiolex to be prescribed by or in consultation with a physician who
specializes in the condition being treated."""
EPIDIOLEX_DRAVET = """\
FDA-Approved Indications
1. Dravet Syndrome. Approve if the patient meets ONE of the following (A or B):
A) Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and
iii):
i. Patient is ≥ 1 year of age; AND
ii. Patient meets ONE of the following (a or b):
a) Patient has tried or is concomitantly receiving at least two other
antiseizure medications; OR
Note: Examples of other antiseizure medications include valproic acid,
topiramate, clonazepam, levetiracetam, zonisamide.
b) Patient has tried or is concomitantly receiving one of Fintepla, Diacomit
or clobazam; AND
iii. The medication is prescribed by or in consultation with a neurologist.
B) Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is
responding to therapy (e.g., reduced seizure severity, frequency, and/or
duration) as determined by the prescriber."""
EPIDIOLEX_LGS = """\
2. Lennox-Gastaut Syndrome. Approve if the patient meets ONE of the following
(A or B):
A) Initial Therapy. Approve for 1 year if the patient meets the following (i, ii, and
iii):
i. Patient is ≥ 1 year of age; AND
ii. Patient has tried or is concomitantly receiving at least two other antiseizure
medications; AND
Note: Examples of other antiseizure medications include lamotrigine,
topiramate, Banzel, felbamate, clobazam, valproic acid, levetiracetam,
zonisamide, Fycompa, vigabatrin.
iii. The medication is prescribed by or in consultation with a neurologist.
B) Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is
responding to therapy (e.g., reduced seizure severity, frequency, and/or
duration) as determined by the prescriber."""
EPIDIOLEX_NOT_COVERED = """\
CONDITIONS NOT COVERED
• Epidiolex® (cannabidiol oral solution – Greenwich Biosciences)
is(are) considered experimental, investigational or unproven for ANY other
use(s); criteria will be updated as new published data are available."""

# The leaves of the Dravet initial-therapy tree, in document order: ALL of (i, ANY of (a, b), iii).
AGE = "Patient is ≥ 1 year of age"
TWO_ASMS = "Patient has tried or is concomitantly receiving at least two other\nantiseizure medications"
ONE_OF = "Patient has tried or is concomitantly receiving one of Fintepla, Diacomit\nor clobazam"
NEUROLOGIST = "The medication is prescribed by or in consultation with a neurologist."
DRAVET_INITIAL_LEAVES = [AGE, TWO_ASMS, ONE_OF, NEUROLOGIST]
CONTINUING = ("Patient is Currently Receiving Epidiolex. Approve for 1 year if the patient is\n"
              "responding to therapy (e.g., reduced seizure severity, frequency, and/or\n"
              "duration) as determined by the prescriber.")

# ---------------------------------------------------------------- UHC: Dupixent
DUPIXENT_ID = "uhc-dupixent"
DUPIXENT_TITLE = "Dupixent® (dupilumab) - Prior Authorization/Medical Necessity - UnitedHealthcare Commercial Plans"
DUPIXENT_HEADER = """\
UnitedHealthcare Pharmacy
Clinical Pharmacy Programs
Program Number 2024 P 2116-18
Program Prior Authorization/Medical Necessity
Medications Dupixent® (dupilumab)
Effective Date 6/1/2024
1. Background:
Dupixent® (dupilumab) is an interleukin-4 receptor alpha antagonist indicated for treatment of
patients aged 6 months and older with moderate-to-severe atopic dermatitis whose disease is
not adequately controlled with topical prescription therapies or when those therapies are not
advisable. Dupixent can be used with or without topical corticosteroids.
Limitation of Use:
Dupixent is not for the relief of acute bronchospasm or status asthmaticus."""
DUPIXENT_PRURIGO = """\
E. Prurigo Nodularis
1. Initial Authorization
a. Dupixent will be approved based on all of the following criteria:
(1) Diagnosis of prurigo nodularis
-AND-
(2) Patient has greater than or equal to 20 nodular lesions
-AND-
(3) History of failure, contraindication, or intolerance to previous prurigo nodularis
treatment(s) (e.g., topical corticosteroids, topical calcineurin inhibitors, topical
capsaicin)
-AND-
(4) Patient is not receiving Dupixent in combination with either of the following:
(a) Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]
(b) Janus kinase inhibitor [e.g., Rinvoq (upadacitinib), Xeljanz/XR (tofacitinib),
Opzelura (topical ruxolitinib), Cibinqo (abrocitinib)]
-AND-
(5) Prescribed by one of the following:
(a) Dermatologist
(b) Allergist
(c) Immunologist
Authorization will be issued for 6 months.
2. Reauthorization
a. Dupixent will be approved based on all of the following criteria:
(1) Documentation of positive clinical response to Dupixent therapy
-AND-
(2) Patient is not receiving Dupixent in combination with either of the following:
(a) Biologic immunomodulator [e.g., Adbry (tralokinumab-ldrm)]
(b) Janus kinase inhibitor [e.g., Rinvoq (upadacitinib), Xeljanz/XR (tofacitinib),
Opzelura (topical ruxolitinib), Cibinqo (abrocitinib)]
-AND-
(3) Prescribed by one of the following:
(a) Dermatologist
(b) Allergist
(c) Immunologist
Authorization will be issued for 12 months."""

# ---------------------------------------------------------------- a document without criteria
NON_POLICY = "luspatercept-drug-information.md"  # from the seed corpus (no approval statements)
NON_POLICY_ID = "luspatercept-drug-information"

# The pages of each policy fixture.
EPIDIOLEX_V1 = [EPIDIOLEX_HEADER, EPIDIOLEX_DRAVET, EPIDIOLEX_NOT_COVERED]
EPIDIOLEX_V2 = [EPIDIOLEX_HEADER, EPIDIOLEX_LGS, EPIDIOLEX_NOT_COVERED]  # Dravet gone, LGS added
DUPIXENT = [DUPIXENT_HEADER, DUPIXENT_PRURIGO]


def policy_pdf_bytes(pages: list[str], title: str) -> bytes:
    """A PDF with one page per text, each line drawn as one line (no wrapping)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setTitle(title)
    for page in pages:
        pdf.setFont(FONT, 9)
        y = 750
        for line in page.split("\n"):
            assert y > 40, "a fixture page holds too many lines"
            pdf.drawString(50, y, line)
            y -= 13
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def write_policy(directory: Path, doc_id: str, pages: list[str], title: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{doc_id}.pdf"
    path.write_bytes(policy_pdf_bytes(pages, title))
    return path


def write_epidiolex(directory: Path, pages: list[str] | None = None) -> Path:
    return write_policy(directory, EPIDIOLEX_ID, pages or EPIDIOLEX_V1, EPIDIOLEX_TITLE)


def write_dupixent(directory: Path) -> Path:
    return write_policy(directory, DUPIXENT_ID, DUPIXENT, DUPIXENT_TITLE)


def write_non_policy(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(CORPUS / NON_POLICY, directory / NON_POLICY))


def policy_corpus(directory: Path) -> Path:
    """The Epidiolex (Dravet) and Dupixent (prurigo nodularis) policies and one non-policy
    document from the seed corpus."""
    write_epidiolex(directory)
    write_dupixent(directory)
    write_non_policy(directory)
    return directory
