"""Document versions: when each took effect, which were in effect on a date, and what changed.

- `dates`: the effective date a document's text states ("Effective Date: 03/01/2024").
- `select`: the versions in effect on a date, and an answer's version stamps.
- `diff`: what changed between two versions (criteria added, removed, reworded; text by section).
"""
