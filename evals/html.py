"""report.html: one self-contained page (inline CSS, inline SVG charts, a few lines of inline
JS, no external assets). All text from the corpus, the gold file or the answers is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from evals.report import DOC_COLUMNS, HEADLINE, fmt, fmt_delta, limit_text
from evals.report_model import EvalReport
from evals.scoring import CitationView, ItemResult

GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#546e7a"
SERIES = (
    ("retrieval.recall@5", "recall@5", "#1565c0"),
    ("answer.fact_recall", "fact recall", "#ef6c00"),
    ("citations.recall", "citation recall", "#6a1b9a"),
    ("pass_rate", "pass rate", "#2e7d32"),
    ("answer.abstention_recall", "abstention recall", "#00838f"),
)
LABEL_W, VALUE_W, ROW_H = 230, 70, 22

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;
max-width:1240px;color:#1c2733;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde3ea}
.meta{color:#52606d;margin:2px 0}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600;
font-size:13px}
.pass{background:#2e7d32}.fail{background:#c62828}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart{border:1px solid #dde3ea;border-radius:6px;padding:8px}
.chart h3{font-size:14px;margin:0 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid #e4e8ee;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}
table.compact{width:auto}table.compact td,table.compact th{padding:4px 14px}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#c62828;font-weight:600}.answer{white-space:pre-wrap;max-width:520px}
.cites{margin:6px 0 0;padding-left:18px;color:#34495e;font-size:13px}
.cites li.ok::marker{color:#2e7d32}
.failures{margin:0;padding-left:18px;color:#b71c1c}
.q{width:230px}.id{white-space:nowrap;font-size:12px}td.why{width:290px}
details summary{cursor:pointer;color:#34495e;font-size:13px;margin-top:6px}
.small{font-size:12px;color:#52606d}label{user-select:none}
"""
SCRIPT = """
document.getElementById('only-failed').addEventListener('change',function(e){
 document.querySelectorAll('tr.item.passed').forEach(function(r){r.hidden=e.target.checked;});});
"""


@dataclass
class Bar:
    label: str
    value: float | None
    marker: float | None = None
    color: str = NEUTRAL
    text: str | None = None
    heading: bool = False  # a group title row: bold label, no bar


def bar_chart(
    bars: Sequence[Bar], scale_max: float, width: int = 600, label_w: int = LABEL_W
) -> str:
    """Horizontal bars, one per row, with an optional threshold tick (dashed line)."""
    span = width - label_w - VALUE_W
    height = ROW_H * len(bars) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * ROW_H
        if bar.heading:
            parts.append(f'<text x="2" y="{y + 16}" font-size="12" font-weight="600">'
                         f"{escape(bar.label)}</text>")
            continue
        length = 0 if bar.value is None else span * min(bar.value, scale_max) / (scale_max or 1)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(bar.label)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{span}" height="{ROW_H - 7}" fill="#eef1f5"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{ROW_H - 7}" '
            f'fill="{bar.color}"><title>{escape(bar.label)}: {escape(bar.text or "")}'
            "</title></rect>"
        )
        if bar.marker is not None:
            x = label_w + span * min(bar.marker, scale_max) / (scale_max or 1)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + ROW_H - 1}" stroke="#111" '
                f'stroke-width="2" stroke-dasharray="3,2"/>'
            )
        parts.append(
            f'<text x="{label_w + span + 6}" y="{y + 15}" font-size="12">'
            f"{escape(bar.text or fmt(bar.value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _metric_bars(report: EvalReport) -> list[Bar]:
    gate, metrics = report.gate_or_empty(), report.metrics
    failing = gate.failing()
    bars = []
    for name in HEADLINE:
        if name.startswith("latency.") or name in ("errors",):
            continue
        rule = gate.rules.get(name)
        marker = None if rule is None else rule.min if rule.min is not None else rule.max
        color = BAD if name in failing else GOOD if marker is not None else NEUTRAL
        bars.append(Bar(name, metrics.get(name), marker, color, fmt(metrics.get(name))))
    return bars


def _latency_bars(report: EvalReport) -> tuple[list[Bar], float]:
    names = [n for n in HEADLINE if n.startswith("latency.")]
    values = [report.metrics.get(n) for n in names]
    top = max([v for v in values if v is not None] or [1.0])
    return [
        Bar(n.removeprefix("latency."), v, None, "#1565c0", fmt(v, n))
        for n, v in zip(names, values, strict=True)
    ], top


def _doc_bars(report: EvalReport) -> list[Bar]:
    """A title row per document, then one bar per series it has a value for."""
    bars = []
    for doc, values in report.per_document.items():
        bars.append(Bar(f"{doc} ({fmt(values.get('items'), 'items')} items)", None, heading=True))
        bars += [
            Bar(label, values[key], None, color, fmt(values[key]))
            for key, label, color in SERIES
            if values.get(key) is not None
        ]
    return bars


def _charts(report: EvalReport) -> str:
    latency, top = _latency_bars(report)
    legend = " ".join(
        f'<span style="color:{c}">\u25a0</span> {escape(label)}' for _, label, c in SERIES
    )
    return (
        '<div class="charts"><div class="chart">'
        "<h3>Metrics (dashed line: threshold; red: failing)</h3>"
        f"{bar_chart(_metric_bars(report), 1.0)}</div>"
        f'<div class="chart"><h3>Latency</h3>{bar_chart(latency, top * 1.1, 520)}</div>'
        f'<div class="chart"><h3>Per document</h3><div class="small">{legend}</div>'
        f"{bar_chart(_doc_bars(report), 1.0, 560, label_w=120)}</div></div>"
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    out = ['<table class="compact"><tr>' + "".join(f"<th>{escape(h)}</th>" for h in head)]
    out.append("</tr>")
    for row in rows:
        cells = [
            f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>"
            for i, c in enumerate(row)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table>"


def _metrics_table(report: EvalReport) -> str:
    gate = report.gate_or_empty()
    deltas, failing = gate.deltas(), gate.failing()
    rows = []
    for name in HEADLINE:
        value, d = fmt(report.metrics.get(name), name), deltas.get(name)
        shown = f'<span class="bad">{value}</span>' if name in failing else value
        delta = fmt_delta(d.delta if d else None, name)
        rows.append(
            [
                escape(name),
                shown,
                escape(limit_text(gate.rules.get(name))),
                escape(fmt(d.baseline, name) if d else ""),
                f'<span class="bad">{delta}</span>' if d and d.regressed else delta,
            ]
        )
    return _table(["metric", "value", "threshold", "baseline", "delta"], rows)


def _doc_table(report: EvalReport) -> str:
    rows = [
        [escape(doc)] + [fmt(v.get(k), k) for k, _ in DOC_COLUMNS]
        for doc, v in report.per_document.items()
    ]
    return _table(["document"] + [c for _, c in DOC_COLUMNS], rows)


def _compare(report: EvalReport) -> str:
    comparison = report.gate_or_empty().comparison
    if comparison is None:
        return ""
    worse = comparison.worse_items
    items = "".join(
        f"<li><b>{escape(w.id)}</b>: {escape('; '.join(w.changes))}</li>" for w in worse
    )
    note = f"<p class=meta>Note: {escape(comparison.note)}.</p>" if comparison.note else ""
    return (
        f"<h2>Compared with {escape(comparison.baseline)}</h2><p class=meta>baseline corpus "
        f"<code>{escape(comparison.baseline_corpus_version)}</code>; "
        f"{len(worse)} item(s) got worse</p>{note}<ul>{items}</ul>"
    )


def _citation(c: CitationView) -> str:
    page = f", p. {c.page}" if c.page else ""
    mark = " \u2714 gold evidence" if c.supports_gold else ""
    css = "ok" if c.supports_gold else ""
    return (
        f'<li class="{css}">[{c.id}] <b>{escape(c.doc_id)}</b>{escape(page)}: '
        f"\u201c{escape(c.quote)}\u201d{mark}</li>"
    )


def _cites_block(item: ItemResult, cites: str) -> str:
    if not item.citations:
        return ""
    gold = sum(1 for c in item.citations if c.supports_gold)
    return (
        f"<details><summary>{len(item.citations)} citation(s), {gold} holding gold evidence"
        f'</summary><ol class="cites">{cites}</ol></details>'
    )


def _item_row(item: ItemResult) -> str:
    cites = "".join(_citation(c) for c in item.citations)
    fails = "".join(f"<li>{escape(f)}</li>" for f in item.failures)
    status = (
        '<span class="badge pass">pass</span>'
        if item.passed
        else '<span class="badge fail">fail</span>'
    )
    gold = "answerable" if item.gold_answerable else "unanswerable"
    s = item.scores
    nums = (
        f"facts {fmt(s.fact_recall)} \u00b7 RR {fmt(s.reciprocal_rank)} \u00b7 "
        f"cit. P {fmt(s.citation_precision)} R {fmt(s.citation_recall)}"
    )
    row = "passed" if item.passed else "failed"
    answer = escape(item.answer or item.error or "")
    return (
        f'<tr class="item {row}"><td class="id">{escape(item.id)}<br>{status}<br>'
        f'<span class="small">{gold}</span></td><td class="q">{escape(item.question)}</td>'
        f'<td><div class="answer">{answer}</div>{_cites_block(item, cites)}</td>'
        f'<td class="why"><ul class="failures">{fails}</ul>'
        f'<div class="small">{escape(nums)}</div></td></tr>'
    )


def _header(report: EvalReport) -> str:
    gate, models, gold = report.gate_or_empty(), report.models, report.gold
    badge = (
        '<span class="badge pass">gate passed</span>'
        if gate.passed
        else '<span class="badge fail">gate failed</span>'
    )
    violations = "".join(f"<li>{escape(v.message)}</li>" for v in gate.violations)
    dot = " \u00b7 "
    run = [f"{escape(report.created_at)}", f"mode <b>{escape(report.mode)}</b>",
           f"corpus version <code>{escape(report.corpus.version)}</code>",
           f"{gold.items} gold items from <code>{escape(gold.file)}</code> "
           f"({len(gold.stale_quotes)} stale quotes)"]
    setup = [f"embedder <code>{escape(models.embedder)}</code>",
             f"LLM <code>{escape(models.llm or '-')}</code>",
             f"prompt <code>{escape(report.prompt_version or '-')}</code>",
             f"top_k {report.settings['retrieval']['top_k']}", f"{report.seconds} s"]
    return (f"<h1>GuideQA eval {badge}</h1><p class=meta>{dot.join(run)}</p>"
            f'<p class=meta>{dot.join(setup)}</p><ul class="failures">{violations}</ul>')


def _judge(report: EvalReport) -> str:
    judge = report.judge
    if judge is None:
        return ""
    return (f"<p>LLM-judged faithfulness (not gated): {fmt(judge.mean)} \u00b1 "
            f"{fmt(judge.stdev)} over {len(judge.runs)} runs, judge "
            f"<code>{escape(judge.model)}</code></p>")


def render_html(report: EvalReport) -> str:
    failed = sum(1 for i in report.items if not i.passed)
    rows = "".join(_item_row(i) for i in report.items)
    title = escape(f"GuideQA eval {report.created_at}")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
<style>{CSS}</style></head><body>
{_header(report)}
{_charts(report)}
<h2>Metrics</h2>{_metrics_table(report)}{_judge(report)}
<h2>Per document</h2>{_doc_table(report)}
{_compare(report)}
<h2>Items ({failed} of {len(report.items)} failing)</h2>
<label><input type="checkbox" id="only-failed"> show failing items only</label>
<table><tr><th>item</th><th>question</th><th>answer and citations</th><th>what failed</th></tr>
{rows}</table>
<script>{SCRIPT}</script></body></html>
"""
