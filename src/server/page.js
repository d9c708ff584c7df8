// The search page of tmkit serve. Every text from the memory goes into the page through
// textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

function band(score) {
  if (score >= 101) return "context";
  if (score >= 100) return "exact";
  if (score >= 95) return "95-99";
  if (score >= 85) return "85-94";
  if (score >= 75) return "75-84";
  return "50-74";
}

// Text with the glossary terms found in it marked (ranges in characters).
function withTerms(text, terms) {
  const chars = Array.from(text);
  const p = el("p", { class: "text" });
  let at = 0;
  const spans = (terms || []).slice().sort((a, b) => a.char_start - b.char_start);
  for (const t of spans) {
    if (t.char_start < at) continue;
    p.append(chars.slice(at, t.char_start).join(""));
    const m = el("mark", { class: "term", title: t.term }, chars.slice(t.char_start, t.char_end).join(""));
    p.append(m);
    at = t.char_end;
  }
  p.append(chars.slice(at).join(""));
  return p;
}

// The word diff of a match's source against the query, as report.html shows it.
function diffLine(pieces) {
  const p = el("p", { class: "diff" });
  for (const piece of pieces) {
    if (piece.op === "same") {
      p.append(piece.text);
      continue;
    }
    const word = piece.text.replace(/^\s+/, "");
    p.append(piece.text.slice(0, piece.text.length - word.length));
    if (word) {
      p.append(piece.op === "delete"
        ? el("del", { title: "in the memory's source, not in the text" }, word)
        : el("ins", { title: "in the text, not in the memory's source" }, word));
    }
  }
  return p;
}

function targets(map) {
  const frag = document.createDocumentFragment();
  for (const [lang, text] of Object.entries(map || {})) {
    frag.append(el("p", { class: "target" }, el("span", { class: "tl" }, lang + " "), el("span", { lang: lang }, text)));
  }
  return frag;
}

async function api(path) {
  const headers = {};
  const token = $("token").value.trim();
  if (token) headers["Authorization"] = "Bearer " + token;
  const r = await fetch(path, { headers });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

function showTerms(found) {
  const list = $("terms");
  list.replaceChildren();
  for (const t of found) {
    const li = el("li", {}, el("b", {}, t.text));
    for (const [lang, words] of Object.entries(t.translations || {})) {
      li.append(el("span", { class: "tl" }, lang), " ", el("span", { lang: lang }, words.join(" / ")));
    }
    for (const [lang, words] of Object.entries(t.forbidden || {})) {
      li.append(" ", el("span", { class: "not" }, "not ", el("s", { lang: lang }, words.join(", "))));
    }
    list.append(li);
  }
  $("terms-section").hidden = found.length === 0;
}

async function search(event) {
  if (event) event.preventDefault();
  const q = $("q").value.trim();
  if (!q) return;
  const from = $("from").value;
  const to = $("to").value;
  const mode = document.querySelector("input[name=mode]:checked").value;
  const status = $("status");
  const results = $("results");
  status.textContent = "searching…";
  results.replaceChildren();
  try {
    const enc = encodeURIComponent;
    const terms = await api(`/api/v1/terms?q=${enc(q)}&from=${enc(from)}&to=${enc(to)}`).catch(() => []);
    showTerms(terms);
    if (mode === "lookup") {
      const found = await api(`/api/v1/lookup?q=${enc(q)}&from=${enc(from)}&to=${enc(to)}&min=50&max=10&diff=true`);
      const r = found[0];
      const query = el("div", { class: "match query" }, el("p", { class: "label" }, "Text"), withTerms(q, terms));
      results.append(query);
      for (const m of r.matches) {
        const div = el("div", { class: "match", "data-band": band(m.score) },
          el("p", { class: "label" }, el("span", { class: "badge" }, m.score + "%"), " ", m.origin || ""),
          diffLine(m.diff),
          targets(m.targets));
        results.append(div);
      }
      $("results-title").textContent = r.matches.length ? `Matches (${r.matches.length})` : "No match";
    } else {
      const found = await api(`/api/v1/concordance?q=${enc(q)}&lang=${enc(from)}&to=${enc(to)}&max=50`);
      for (const h of found.hits) {
        // The spans are byte ranges of the UTF-8 text.
        const bytes = new TextEncoder().encode(h.source);
        const dec = new TextDecoder();
        const part = (s, e) => dec.decode(bytes.slice(s, e));
        const p = el("p", { class: "text" });
        let at = 0;
        for (const [s, e] of h.spans) {
          p.append(part(at, s), el("mark", { class: "term" }, part(s, e)));
          at = e;
        }
        p.append(part(at, bytes.length));
        results.append(el("div", { class: "match hit" }, p, targets(h.targets)));
      }
      $("results-title").textContent = `Found in ${found.total} units`;
    }
    $("results-section").hidden = false;
    status.textContent = "";
  } catch (e) {
    status.textContent = String(e.message || e);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", search);
  const saved = sessionStorage.getItem("tmkit-token");
  if (saved) $("token").value = saved;
  $("token").addEventListener("change", () => sessionStorage.setItem("tmkit-token", $("token").value));
  // A link to a search (`/?q=...&from=en&to=zh-CN&mode=concordance`) fills the form and runs it.
  const params = new URLSearchParams(location.search);
  if (params.get("q")) {
    $("q").value = params.get("q");
    if (params.get("from")) $("from").value = params.get("from");
    if (params.get("to")) $("to").value = params.get("to");
    if (params.get("mode") === "concordance") document.querySelector("input[value=concordance]").checked = true;
    search();
  }
});
