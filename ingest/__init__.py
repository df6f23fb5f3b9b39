"""Ingestion: load, normalise, chunk, embed and sync guideline documents into the store."""
