"""What marks a word as a drug name, shared by abstention and the criteria parser."""

from __future__ import annotations

import re

# Nonproprietary-name stems (USAN/INN) that end a drug's generic name.
DRUG_STEM = re.compile(
    r"(mab|cept|tinib|nib|ciclib|glutide|glinide|tide|stat|sirox|vir|urea|parin|pril|sartan|olol|"
    r"dipine|azole|mycin|cillin|cycline|floxacin|oxetine|pam|lam|prazole|tidine|gliptin|gliflozin|"
    r"platin|taxel|rubicin|limus|lukast|terol|sone|lone|caine|semide|thiazide|dronate|poetin|"
    r"grastim|kinra|ximab|zumab|umab|parib|rafenib|degib|lisib)$"
)


def looks_like_drug(token: str) -> bool:
    """A lower-case token long enough to carry one of the stems, and ending in one."""
    return len(token) > 5 and DRUG_STEM.search(token) is not None
