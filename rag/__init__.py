"""GuideQA's core: domain types, settings, errors, embeddings, store, retrieval and answering.

Nothing in this package imports `ingest`, `evals` or `api`.
"""
