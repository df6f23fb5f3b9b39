// Rendering one answer: verdict badge, the criteria checked (when a policy tree applies), text with
// citation links, lists, cited passages.
import { renderCheckedTree } from "./criteria.js";
import { $, el } from "./dom.js";

const VERDICTS = {
  medically_necessary: ["Medically necessary", "ok"],
  not_medically_necessary: ["Not medically necessary", "bad"],
  insufficient_information: ["Insufficient information", "warn"],
  conflicting: ["Sources conflict", "conflict"],
};

export function renderAnswer(a, warning = null) {
  const result = $("result");
  const parts = [];
  if (warning) parts.push(el("p", { class: "banner warn", role: "alert" }, warning));
  if (!a.answerable) {
    parts.push(renderUnanswerable(a));
  } else {
    const [label, tone] = a.verdict ? VERDICTS[a.verdict] : ["Evidence only — no verdict (extractive mode)", "neutral"];
    parts.push(el("div", { class: "answer-head" }, el("h2", {}, "Answer"),
      el("span", { class: `badge ${tone}`, id: "verdict-badge" }, label)));
    const text = el("div", { class: "answer-text", id: "answer-text" }, linkMarkers(a.answer));
    if (a.criteria_tree) {  // the panel shows the checklist; its prose stays one click away
      parts.push(renderCheckedTree(a.criteria_tree, a.mode, citeLink));
      parts.push(el("details", { class: "answer-prose" }, el("summary", {}, "The same checklist as text"), text));
    } else parts.push(text);
    parts.push(renderLists(a));
  }
  const grid = el("div", { class: a.citations.length ? "result-grid" : "result-grid single" },
    el("div", { class: "main-col" }, parts),
    el("aside", { class: "cite-col", "aria-label": "Cited passages" }, renderCitations(a)));
  result.replaceChildren(grid);
  result.hidden = false;
}

function renderUnanswerable(a) {
  const titles = [...new Set(a.contexts.map((c) => c.title))].slice(0, 3);
  const why = /^The corpus does not cover this question \((.*?)\)\.(?: Closest documents: .*)?$/s.exec(a.answer);
  return el("div", { class: "unanswerable", id: "unanswerable" },
    el("h2", {}, el("span", { class: "badge warn" }, "Insufficient evidence"), " The corpus does not cover this question"),
    el("p", {}, why ? `Why: ${why[1]}.` : a.answer),
    el("p", {}, "No answer is given rather than one the guideline documents do not support. " +
      "Rephrase the question, or add a document that covers it under Documents."),
    titles.length ? el("div", {}, el("h3", {}, "Closest documents"), el("ul", {}, titles.map((t) => el("li", {}, t)))) : null,
    a.contexts.length ? renderClosest(a.contexts.slice(0, CLOSEST_SHOWN)) : null);
}

const CLOSEST_SHOWN = 3;  // passages under a declined answer (as `guideqa ask` prints them)
const CLOSEST_CHARS = 240;  // of each one's text

// The beginnings of the passages nearest to a declined question: what the corpus says nearby.
function renderClosest(contexts) {
  return el("div", { id: "closest" },
    el("h3", {}, "Closest passages ", el("small", {}, "(what the corpus says nearby; not an answer)")),
    el("ol", {}, contexts.map((c) => {
      const text = c.text.split(/\s+/).join(" ").trim();
      const cut = text.length <= CLOSEST_CHARS ? text : text.slice(0, CLOSEST_CHARS).replace(/\s+\S*$/, "") + " …";
      return el("li", {}, el("strong", {}, c.title + (c.page ? `, p. ${c.page}` : "")), el("br"), cut);
    })));
}

function linkMarkers(text) {
  return text.split(/\n{2,}/).map((para) => {
    const p = el("p");
    para.split("\n").forEach((line, i) => {
      if (i) p.append(el("br"));
      const markers = [...line.matchAll(/\[(\d+(?:\s*[,;]\s*\d+)*)\]/g)];
      if (!markers.length && line.endsWith(":")) { p.append(el("strong", {}, line)); return; }
      let last = 0;
      for (const m of markers) {
        p.append(line.slice(last, m.index));
        m[1].split(/\s*[,;]\s*/).forEach((n, j) => {
          if (j) p.append(" ");
          p.append(citeLink(n));
        });
        last = m.index + m[0].length;
      }
      p.append(line.slice(last));
    });
    return p;
  });
}

function citeLink(n) {
  return el("a", { href: `#cite-${n}`, class: "marker", "aria-label": `citation ${n}`,
    onclick: (e) => { e.preventDefault(); selectCitation(n); } }, `[${n}]`);
}

function renderLists(a) {
  const box = el("div", { class: "lists" });
  const cites = (ids) => ids.map(citeLink);
  if (a.criteria.length && !a.criteria_tree) box.append(el("h3", {}, "Criteria"), el("ul", { class: "criteria" },
    a.criteria.map((c) => el("li", {}, el("span", { class: `status ${c.status}` }, c.status), " ", c.criterion, " ", cites(c.citations)))));
  if (a.missing_information.length) box.append(el("h3", {}, "Missing information"),
    el("ul", { id: "missing" }, a.missing_information.map((m) => el("li", {}, m))));
  if (a.conflicts.length) box.append(el("h3", {}, "Conflicts between sources"),
    el("ul", { id: "conflicts" }, a.conflicts.map((c) => el("li", {}, c.summary, " ", cites(c.citations)))));
  if (a.unsupported_sentences && a.unsupported_sentences.length) box.append(el("h3", {}, "Statements without valid support (removed citations)"),
    el("ul", {}, a.unsupported_sentences.map((s) => el("li", {}, s))));
  return box;
}

function highlighted(text, quote) {
  let start = text.indexOf(quote), end = start + quote.length;
  if (start < 0) {  // tolerate whitespace and case differences
    const words = quote.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const m = words.length ? new RegExp(words.join("\\s+"), "i").exec(text) : null;
    if (!m) return [text];
    start = m.index; end = start + m[0].length;
  }
  return [text.slice(0, start), el("mark", {}, text.slice(start, end)), text.slice(end)];
}

function renderCitations(a) {
  if (!a.citations.length) return [];
  return [el("h2", {}, "Cited passages"), ...a.citations.map((c) => el("article",
    { class: "cite", id: `cite-${c.id}`, tabindex: "-1", "aria-label": `Citation ${c.id}` },
    el("header", {}, el("span", { class: "cite-num" }, `[${c.id}]`), " ", el("strong", {}, c.title),
      c.ocr ? [" ", el("span", { class: "ocr-badge", title: "Text read by OCR from a scanned page: check it against the page" }, "OCR")] : null),
    el("p", { class: "muted where" }, [c.page ? `Page ${c.page}` : null, c.section !== c.title ? c.section : null, c.doc_id].filter(Boolean).join(" · ")),
    el("blockquote", { class: "chunk" }, highlighted(c.text, c.quote))))];
}

function selectCitation(n) {
  const card = $(`cite-${n}`);
  if (!card) return;
  document.querySelectorAll(".cite.selected").forEach((c) => c.classList.remove("selected"));
  card.classList.add("selected");
  const col = card.closest(".cite-col");
  if (col && col.scrollHeight > col.clientHeight) {  // scroll the passages column, not the page
    const top = col.scrollTop + card.getBoundingClientRect().top - col.getBoundingClientRect().top - 8;
    col.scrollTo({ top, behavior: "smooth" });
  } else card.scrollIntoView({ behavior: "smooth", block: "nearest" });
  card.focus({ preventScroll: true });
  const mark = card.querySelector("mark"), chunk = card.querySelector(".chunk");
  if (mark && chunk) {  // bring the quote into view inside its passage box only
    chunk.scrollTop += mark.getBoundingClientRect().top - chunk.getBoundingClientRect().top - 8;
  }
}
