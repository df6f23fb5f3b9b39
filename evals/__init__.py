"""Evaluation: gold Q&A, metrics, reports and performance benchmarks."""
