"""python -m evals.benchmarks --benchmark pubmedqa --data ../shared/benchmarks/pubmedqa

The experiment runner behind `guideqa eval --benchmark`: it also runs retriever variants
(``--variants all``, see :mod:`evals.benchmarks.variants`), prints the table and writes the full
report (per-question ranks included) to --out.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from rich.console import Console

    from evals.benchmarks import BENCHMARKS, markdown_table, render_table, run_benchmark
    from evals.benchmarks.variants import VARIANTS, parse_variant

    parser = argparse.ArgumentParser(prog="python -m evals.benchmarks")
    parser.add_argument("--benchmark", required=True, choices=sorted(BENCHMARKS))
    parser.add_argument("--data", required=True, type=Path, help="the benchmark's folder")
    parser.add_argument("--out", type=Path, help="report JSON file or folder")
    parser.add_argument("--work-dir", type=Path, help="where documents and index go")
    parser.add_argument("--limit", type=int, help="ask only the first N questions")
    parser.add_argument("--variants", default="", help="comma-separated experimental "
                        f"retrievers, or 'all': {', '.join(VARIANTS)}; or knobs inline, "
                        "e.g. 'fusion=rrf;rrf_k=10;max_per_doc=4'")
    parser.add_argument("--questions", type=Path, help="gold benchmark: a gold-format JSONL file "
                        "instead of evals/gold/corpus.jsonl, e.g. evals/gold/calibration.jsonl")
    parser.add_argument("--split", choices=["calibrate", "heldout"],
                        help="gold benchmark: only the questions of that split (calibration file)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    names = list(VARIANTS) if args.variants == "all" else [v for v in args.variants.split(",") if v]
    try:
        variants = {n: parse_variant(n) for n in names}
    except ValueError as exc:
        parser.error(str(exc))
    report = run_benchmark(args.benchmark, args.data, args.out, work_dir=args.work_dir,
                           limit=args.limit, variants=variants, questions=args.questions,
                           split=args.split)
    console = Console()
    console.print(render_table(report))
    console.print(f"hybrid beats every baseline: {report['hybrid_beats_baselines']}")
    for key in ("ceiling", "rules_used", "distinct_docs_in_top10", "ingest_seconds", "n_chunks"):
        if key in report:
            console.print(f"{key}: {report[key]}")
    if args.markdown:
        console.print(markdown_table(report), markup=False, highlight=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
