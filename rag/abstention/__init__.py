"""Abstention: when to say "the corpus does not cover this" instead of answering.

- `rules.py`: the signals and `assess` (a question's evidence is sufficient, or why not);
- `conditions.py`: condition names from ICD-10-CM, for "a covered drug, an uncovered condition";
- `drugs.py`: generic and brand drug names, for "a drug the corpus never names";
- `lexicons.py`: how such lexicons are read from their package once, cached as text, and searched.

Nothing is imported here, so `python -m rag.abstention.conditions` (and `.drugs`), which build
the caches at install, run their module once.
"""
