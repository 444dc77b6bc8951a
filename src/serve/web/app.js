// alliance-kg's page: saved queries, a SPARQL box with a result table, the
// alliance diagram, and the sentences behind any fact.
//
// Plain JavaScript, no framework and no build step; it talks only to the
// server that sent it. Everything that comes from the store (labels,
// literals, article text) is put into the page with textContent, never as
// HTML: article text is untrusted.
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const XLINK_NS = "http://www.w3.org/1999/xlink";
  const RESULTS_JSON = "application/sparql-results+json";
  /** The most rows drawn in the table (the CSV has them all). */
  const MAX_SHOWN_ROWS = 2000;

  /** Prefixes for shortening IRIs; a query's own PREFIX lines come first. */
  const KNOWN_PREFIXES = [
    ["akg", "https://w3id.org/alliance-kg/ontology#"],
    ["ent", "https://w3id.org/alliance-kg/id/"],
    ["claim", "https://w3id.org/alliance-kg/claim/"],
    ["article", "https://w3id.org/alliance-kg/article/"],
    ["graph", "https://w3id.org/alliance-kg/graph/"],
    ["rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
    ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
    ["owl", "http://www.w3.org/2002/07/owl#"],
    ["xsd", "http://www.w3.org/2001/XMLSchema#"],
    ["skos", "http://www.w3.org/2004/02/skos/core#"],
    ["prov", "http://www.w3.org/ns/prov#"],
    ["nif", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"],
    ["dcterms", "http://purl.org/dc/terms/"],
    ["schema", "https://schema.org/"],
  ];
  /** IRIs that `/api/trace?claim=` understands: entities and claims. */
  const TRACEABLE = [
    "https://w3id.org/alliance-kg/id/",
    "https://w3id.org/alliance-kg/claim/",
  ];

  const $ = (id) => document.getElementById(id);

  /** Makes an element: attributes (event handlers excluded) and children
   * (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Turns a link from the server (`/api/trace?…`) into one relative to the
   * page, so that the page also works behind a path prefix. */
  function relative(href) {
    return href.startsWith("/") ? href.slice(1) : href;
  }

  /** The error text of a failed response: its text/plain body. */
  async function failure(response) {
    let body = "";
    try {
      body = (await response.text()).trim();
    } catch (err) {
      body = String(err);
    }
    const status = `${response.status} ${response.statusText}`.trim();
    return body ? `${body}\n(HTTP ${status})` : `HTTP ${status}`;
  }

  // ---- Saved queries -------------------------------------------------

  let savedQueries = [];

  async function loadSavedQueries() {
    const select = $("query-select");
    try {
      const response = await fetch("api/queries", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(await failure(response));
      savedQueries = await response.json();
    } catch (err) {
      showError(`Cannot load the saved queries: ${err.message}`);
      return;
    }
    for (const query of savedQueries) {
      select.append(el("option", { value: query.name, title: query.description || null }, query.name));
    }
    // Start from the membership query (or the first one) so that Run
    // shows something right away.
    const first = savedQueries.find((q) => q.name === "members") || savedQueries[0];
    if (first) choose(first.name);
  }

  function choose(name) {
    const query = savedQueries.find((q) => q.name === name);
    $("query-select").value = query ? query.name : "";
    $("query-description").textContent = query ? query.description || "" : "";
    if (query) $("query-text").value = query.query;
  }

  // ---- Running queries -----------------------------------------------

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  function setBusy(busy) {
    $("run").disabled = busy;
    $("download").disabled = busy;
    $("results").setAttribute("aria-busy", busy ? "true" : "false");
  }

  function postQuery(query, accept) {
    return fetch("sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: accept },
      body: query,
    });
  }

  async function run() {
    const query = $("query-text").value;
    const status = $("status");
    showError("");
    setBusy(true);
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const response = await postQuery(query, `${RESULTS_JSON}, text/turtle;q=0.9`);
      if (!response.ok) {
        const message = await failure(response);
        status.textContent = `Failed after ${elapsed(started)}`;
        showError(message);
        return;
      }
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      if (type === RESULTS_JSON || type === "application/json") {
        const data = await response.json();
        const shown = renderResults(data, prefixesOf(query));
        status.textContent = `${shown} in ${elapsed(started)}`;
      } else {
        const text = await response.text();
        renderGraph(text);
        const n = text.split("\n").filter((l) => l.trim() && !/^\s*(@prefix|PREFIX)/i.test(l)).length;
        status.textContent = `${n} line${n === 1 ? "" : "s"} of Turtle in ${elapsed(started)}`;
      }
    } catch (err) {
      status.textContent = "";
      showError(`The request failed: ${err.message}`);
    } finally {
      setBusy(false);
    }
  }

  function elapsed(started) {
    const ms = performance.now() - started;
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  /** The PREFIX declarations of a query, then the known ones. */
  function prefixesOf(query) {
    const own = [];
    const re = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>/gi;
    let match;
    while ((match = re.exec(query)) !== null) own.push([match[1] || "", match[2]]);
    return own.concat(KNOWN_PREFIXES);
  }

  /** `prefix:local` if a prefix fits and the rest is a plain name. */
  function shorten(iri, prefixes) {
    let best = null;
    for (const [prefix, ns] of prefixes) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) {
        const local = iri.slice(ns.length);
        if (/^[\w.\-%~/]*$/u.test(local)) best = [prefix, ns];
      }
    }
    return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
  }

  function traceLink(iri, text) {
    const href = `api/trace?claim=${encodeURIComponent(iri)}`;
    return el("a", { href, "data-trace": "", title: `${iri}\nShow the sentences behind it` }, text);
  }

  function renderTerm(term, prefixes) {
    if (!term) return el("td", { class: "unbound", title: "unbound" }, "–");
    switch (term.type) {
      case "uri": {
        const short = shorten(term.value, prefixes);
        if (TRACEABLE.some((ns) => term.value.startsWith(ns))) {
          return el("td", { class: "iri" }, traceLink(term.value, short));
        }
        return el("td", { class: "iri", title: term.value }, short);
      }
      case "bnode":
        return el("td", { class: "bnode" }, `_:${term.value}`);
      case "literal":
      case "typed-literal": {
        const lang = term["xml:lang"];
        const datatype = term.datatype;
        const plainTypes = [
          "http://www.w3.org/2001/XMLSchema#string",
          "http://www.w3.org/2001/XMLSchema#integer",
          "http://www.w3.org/2001/XMLSchema#decimal",
          "http://www.w3.org/2001/XMLSchema#double",
          "http://www.w3.org/2001/XMLSchema#boolean",
          "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        ];
        const note = lang
          ? el("span", { class: "lang" }, `@${lang}`)
          : datatype && !plainTypes.includes(datatype)
            ? el("span", { class: "datatype" }, shorten(datatype, prefixes))
            : null;
        return el("td", { class: "literal", title: datatype || null }, term.value, note);
      }
      default:
        // An RDF 1.2 triple term.
        return el("td", { class: "triple" }, JSON.stringify(term.value));
    }
  }

  /** Draws SPARQL JSON results; returns what to say about their size. */
  function renderResults(data, prefixes) {
    const box = $("results");
    box.replaceChildren();
    if (typeof data.boolean === "boolean") {
      box.append(el("p", { class: "boolean" }, `ASK: ${data.boolean}`));
      return "answered";
    }
    const vars = (data.head && data.head.vars) || [];
    const rows = (data.results && data.results.bindings) || [];
    const table = el(
      "table",
      {},
      el("thead", {}, el("tr", {}, vars.map((v) => el("th", { scope: "col" }, `?${v}`)))),
    );
    const body = el("tbody");
    for (const row of rows.slice(0, MAX_SHOWN_ROWS)) {
      body.append(el("tr", {}, vars.map((v) => renderTerm(row[v], prefixes))));
    }
    table.append(body);
    box.append(table);
    if (rows.length > MAX_SHOWN_ROWS) {
      box.append(
        el("p", { class: "note" }, `Showing the first ${MAX_SHOWN_ROWS} rows; Download CSV has all ${rows.length}.`),
      );
    }
    return `${rows.length} row${rows.length === 1 ? "" : "s"}`;
  }

  function renderGraph(text) {
    $("results").replaceChildren(el("pre", {}, text));
  }

  async function downloadCsv() {
    const status = $("status");
    showError("");
    setBusy(true);
    status.textContent = "Preparing the CSV…";
    const started = performance.now();
    try {
      const response = await postQuery($("query-text").value, "text/csv");
      if (!response.ok) {
        status.textContent = "";
        showError(await failure(response));
        return;
      }
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: "result.csv", hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.textContent = `result.csv (${blob.size} bytes) in ${elapsed(started)}`;
    } catch (err) {
      status.textContent = "";
      showError(`The request failed: ${err.message}`);
    } finally {
      setBusy(false);
    }
  }

  // ---- Summary -------------------------------------------------------

  async function loadSummary() {
    const query = `PREFIX akg: <https://w3id.org/alliance-kg/ontology#>
SELECT ?articles ?claims WHERE {
  { SELECT (COUNT(*) AS ?articles) WHERE { ?a a akg:Article } }
  { SELECT (COUNT(*) AS ?claims) WHERE { ?c a akg:Claim } }
}`;
    try {
      const response = await postQuery(query, RESULTS_JSON);
      if (!response.ok) return;
      const data = await response.json();
      const row = data.results.bindings[0] || {};
      const n = (name) => Number((row[name] || {}).value || 0).toLocaleString("en");
      $("summary").textContent = `${n("articles")} articles, ${n("claims")} claims, every claim traced to its sentence`;
    } catch (err) {
      // The summary is a nicety: the rest of the page works without it.
    }
  }

  // ---- Diagram -------------------------------------------------------

  /** Removes anything active from a parsed SVG: scripts, event handler
   * attributes, foreign HTML and links that leave the page. */
  function sanitize(root) {
    for (const node of root.querySelectorAll("script, foreignObject, iframe, object, embed")) node.remove();
    for (const node of [root, ...root.querySelectorAll("*")]) {
      for (const attr of [...node.attributes]) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim().toLowerCase();
        if (name.startsWith("on")) node.removeAttribute(attr.name);
        else if ((name === "href" || name === "xlink:href") && value.startsWith("javascript:")) {
          node.removeAttribute(attr.name);
        }
      }
    }
  }

  function hrefOf(link) {
    return link.getAttribute("href") || link.getAttributeNS(XLINK_NS, "href") || "";
  }

  async function loadDiagram() {
    const box = $("diagram");
    try {
      const response = await fetch("api/diagram.svg", { headers: { Accept: "image/svg+xml" } });
      if (!response.ok) throw new Error(await failure(response));
      const text = await response.text();
      const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
      const error = parsed.querySelector("parsererror");
      if (error || !parsed.documentElement || parsed.documentElement.localName !== "svg") {
        throw new Error(`the diagram is not valid SVG${error ? `: ${error.textContent}` : ""}`);
      }
      const svg = document.importNode(parsed.documentElement, true);
      sanitize(svg);
      svg.setAttribute("role", "group");
      svg.setAttribute("aria-label", "The alliance network: entities and the facts between them");
      // Graphviz gives a size in points; the panel sets the width instead
      // (and "Actual size" the natural one, from the viewBox).
      const viewBox = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
      if (viewBox.length === 4 && viewBox[2] > 0) svg.dataset.naturalWidth = String(viewBox[2]);
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      prepareDiagram(svg);
      box.replaceChildren(svg);
    } catch (err) {
      box.replaceChildren(el("p", { class: "error" }, `Cannot load the diagram: ${err.message}`));
    } finally {
      box.setAttribute("aria-busy", "false");
    }
  }

  /** Gives every edge a wide invisible line to click and every link an
   * accessible name. */
  function prepareDiagram(svg) {
    for (const path of svg.querySelectorAll("g.edge path")) {
      const hit = document.createElementNS(SVG_NS, "path");
      hit.setAttribute("d", path.getAttribute("d") || "");
      hit.setAttribute("class", "hit");
      hit.setAttribute("aria-hidden", "true");
      path.before(hit);
    }
    for (const link of svg.querySelectorAll("a")) {
      const group = link.closest("g.node, g.edge");
      const label = link.getAttributeNS(XLINK_NS, "title") || (group && titleOf(group)) || hrefOf(link);
      link.setAttribute("aria-label", label.split("\n")[0]);
    }
  }

  function titleOf(group) {
    const title = group.querySelector("title");
    return title ? title.textContent : "";
  }

  function select(group) {
    for (const old of document.querySelectorAll("#diagram .selected")) old.classList.remove("selected");
    if (group) group.classList.add("selected");
  }

  /** Shows a trace for a link in the diagram or the results. */
  function onClick(event) {
    const link = event.target.closest("a");
    if (!link || !event.currentTarget.contains(link)) return;
    const href = hrefOf(link);
    if (!/^\/?api\/trace\?/.test(href)) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; // Let a modified click open the JSON.
    }
    event.preventDefault();
    select(link.closest("#diagram g.node, #diagram g.edge"));
    loadTrace(relative(href));
  }

  // ---- Trace ---------------------------------------------------------

  let traceRequest = 0;

  async function loadTrace(href) {
    const box = $("trace");
    const id = ++traceRequest;
    box.setAttribute("aria-busy", "true");
    box.replaceChildren(el("p", { class: "hint" }, "Loading the sources…"));
    try {
      const response = await fetch(href, { headers: { Accept: "application/json" } });
      if (id !== traceRequest) return;
      if (!response.ok) {
        box.replaceChildren(el("p", { class: "error" }, await failure(response)));
        return;
      }
      const trace = await response.json();
      if (id !== traceRequest) return;
      renderTrace(trace);
    } catch (err) {
      if (id === traceRequest) {
        box.replaceChildren(el("p", { class: "error" }, `The request failed: ${err.message}`));
      }
    } finally {
      if (id === traceRequest) box.setAttribute("aria-busy", "false");
    }
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function renderTrace(trace) {
    const box = $("trace");
    const facts = trace.facts || [];
    const nClaims = facts.reduce((sum, f) => sum + (f.claims || []).length, 0);
    box.replaceChildren(
      el("h3", {}, trace.target || "Trace"),
      el("p", { class: "hint" }, `${plural(facts.length, "fact")}, ${plural(nClaims, "claim")}`),
    );
    if (trace.truncated) {
      box.append(
        el("p", { class: "error" }, `Only the first ${plural(nClaims, "claim")}: the server's --max-rows cut the list short.`),
      );
    }
    for (const fact of facts) {
      const n = fact.corroboration ?? (fact.articles || []).length;
      const claims = el("ol", { class: "claims" }, (fact.claims || []).map(renderClaim));
      box.append(
        el(
          "article",
          { class: "fact" },
          el(
            "h4",
            {},
            `${fact.subject} `,
            el("span", { class: "relation" }, fact.relation),
            ` ${fact.object} `,
            el("span", { class: "count" }, `— ${plural(n, "article")}`),
          ),
          claims,
        ),
      );
    }
  }

  function renderClaim(claim) {
    const article = claim.article || {};
    const source = el(
      "div",
      { class: "source" },
      el("span", { class: "title", title: article.id || null }, article.title || article.id || "unknown article"),
      article.publisher ? ` · ${article.publisher}` : null,
      article.date ? ` · ${article.date}` : null,
      article.title && article.id ? ` · ${article.id}` : null,
    );
    const sentence = el(
      "blockquote",
      { class: "sentence", cite: claim.claim || null },
      claim.before || "",
      el("mark", {}, claim.highlight || claim.exact || ""),
      claim.after || "",
    );
    const meta = [];
    if (claim.rule) meta.push(el("span", {}, "rule ", el("code", {}, claim.rule)));
    if (typeof claim.confidence === "number") meta.push(`confidence ${claim.confidence.toFixed(2)}`);
    if (claim.date) meta.push(`date ${claim.date}`);
    if (claim.value !== null && claim.value !== undefined) meta.push(`value ${claim.value}`);
    if (claim.via) meta.push(`via ${claim.via.person} (${claim.via.role})`);
    const metaLine = el("div", { class: "meta" });
    meta.forEach((part, i) => {
      if (i > 0) metaLine.append(" · ");
      metaLine.append(part);
    });
    return el("li", { class: "claim" }, source, sentence, metaLine);
  }

  // ---- Wiring --------------------------------------------------------

  function zoom() {
    const button = $("zoom");
    const actual = $("diagram").classList.toggle("actual");
    const svg = $("diagram").querySelector("svg");
    if (svg && svg.dataset.naturalWidth) {
      svg.style.width = actual ? `${svg.dataset.naturalWidth}px` : "";
    }
    button.setAttribute("aria-pressed", actual ? "true" : "false");
    button.textContent = actual ? "Fit to panel" : "Actual size";
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("query-select").addEventListener("change", (e) => choose(e.target.value));
    $("query-text").addEventListener("input", () => {
      const chosen = savedQueries.find((q) => q.name === $("query-select").value);
      if (chosen && chosen.query !== $("query-text").value) {
        $("query-select").value = "";
        $("query-description").textContent = "";
      }
    });
    $("query-text").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        run();
      }
    });
    $("run").addEventListener("click", run);
    $("download").addEventListener("click", downloadCsv);
    $("zoom").addEventListener("click", zoom);
    $("diagram").addEventListener("click", onClick);
    $("results").addEventListener("click", onClick);
    loadSavedQueries();
    loadDiagram();
    loadSummary();
  });
})();
