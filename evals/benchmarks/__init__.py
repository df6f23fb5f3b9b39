"""Public retrieval benchmarks (PubMedQA, FDA label QA; plus the project's gold set) with the
baselines side by side in one run.

    from evals.benchmarks import run_benchmark, render_table
    report = run_benchmark("pubmedqa", Path("../shared/benchmarks/pubmedqa"), out=None)
    rich.print(render_table(report))

or ``guideqa eval --benchmark fda-label --data ../shared/benchmarks/fda-remdesivir``; for
experiments ``python -m evals.benchmarks --benchmark NAME --data PATH --variants all``
(see :mod:`evals.benchmarks.variants`). Nothing here is needed by ``make test``.
"""

from evals.benchmarks.render import markdown_table, render_table
from evals.benchmarks.run import BENCHMARKS, UnknownBenchmarkError, run_benchmark

__all__ = ["BENCHMARKS", "UnknownBenchmarkError", "markdown_table", "render_table", "run_benchmark"]
