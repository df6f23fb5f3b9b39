"""Verbatim excerpts of the real payer policies and documents, as `ingest.normalize.normalize_pages`
gives them: the fixtures of the criteria parser's tests. Every line is copied from the normalised
text of a document in the project's PDF set (long lines are continued with a backslash only to keep
this file's lines short; the strings hold them whole). Structure the excerpts lack (a running page
header, a table of contents, numbering of recommendations) is built in the tests from neutral text
or from these pieces.
"""

from tests.rag.criteria.policy_text.cigna import (
    CIGNA_ADALIMUMAB,
    CIGNA_ADALIMUMAB_HEADER,
    CIGNA_EPIDIOLEX,
    CIGNA_EPIDIOLEX_HEADER,
    CIGNA_EPIDIOLEX_OTHER_USES,
    CIGNA_HUMIRA_HEADER,
)
from tests.rag.criteria.policy_text.documents import (
    DRUG_LABEL,
    GUIDELINE_PROSE,
    GUIDELINE_RECOMMENDATIONS,
    REFERENCE_LIST,
    REVISION_HISTORY,
)
from tests.rag.criteria.policy_text.envolve import (
    ENVOLVE_BLINATUMOMAB,
)
from tests.rag.criteria.policy_text.uhc_afinitor import (
    UHC_AFINITOR,
)
from tests.rag.criteria.policy_text.uhc_dupixent import (
    UHC_DUPIXENT,
    UHC_DUPIXENT_CRSWNP,
    UHC_DUPIXENT_EOE,
    UHC_DUPIXENT_HEAD,
)

__all__ = [
    "CIGNA_EPIDIOLEX",
    "CIGNA_ADALIMUMAB",
    "CIGNA_EPIDIOLEX_HEADER",
    "CIGNA_EPIDIOLEX_OTHER_USES",
    "CIGNA_HUMIRA_HEADER",
    "CIGNA_ADALIMUMAB_HEADER",
    "UHC_DUPIXENT_HEAD",
    "UHC_DUPIXENT",
    "UHC_DUPIXENT_CRSWNP",
    "UHC_DUPIXENT_EOE",
    "UHC_AFINITOR",
    "ENVOLVE_BLINATUMOMAB",
    "REFERENCE_LIST",
    "REVISION_HISTORY",
    "DRUG_LABEL",
    "GUIDELINE_RECOMMENDATIONS",
    "GUIDELINE_PROSE",
]
