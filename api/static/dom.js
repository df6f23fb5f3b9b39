// Helpers shared by the page's modules. Text from the server is only ever set through
// textContent (the el() helper), never parsed as HTML.

export const $ = (id) => document.getElementById(id);
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false)
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// ---------------------------------------------------------------- API access
export function headers(extra = {}) {
  const key = sessionStorage.getItem("guideqa-key");
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

export async function problemOf(res) {
  try {
    const body = await res.json();
    return body.detail ? body : { detail: `${res.status} ${res.statusText}` };
  } catch { return { status: res.status, detail: `${res.status} ${res.statusText}` }; }
}

export async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: headers(options.headers || {}) });
  if (!res.ok) throw Object.assign(new Error("request failed"), { problem: await problemOf(res) });
  return res.json();
}

export function explain(err) {
  const p = err.problem || { detail: String(err.message || err) };
  return p.status === 401 ? `${p.detail} Open “API key” at the top right.` : p.detail;
}
