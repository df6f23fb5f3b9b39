"""Public retrieval benchmarks (PubMedQA, FDA label QA) with baselines side by side.

    from evals.benchmarks import run_benchmark, render_table
    report = run_benchmark("pubmedqa", Path("../shared/benchmarks/pubmedqa"), out=None)
    rich.print(render_table(report))

or ``python -m evals.benchmarks --benchmark fda-label --data ../shared/benchmarks/fda-remdesivir``.
Nothing here is needed by ``make test``; the data is passed in by path.
"""

from evals.benchmarks.common import markdown_table, render_table
from evals.benchmarks.run import BENCHMARKS, UnknownBenchmarkError, run_benchmark

__all__ = ["BENCHMARKS", "UnknownBenchmarkError", "markdown_table", "render_table", "run_benchmark"]
