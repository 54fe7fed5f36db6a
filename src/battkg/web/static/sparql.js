// The SPARQL and named-query pages: runs the query of the form when the user clicks Run
// (never on its own from a URL), and shows the results as a table. Only http(s) IRIs
// become links.
(function () {
  "use strict";
  var form = document.getElementById("form"), out = document.getElementById("out");
  if (!form || !out) return;
  var base = form.getAttribute("data-base") || "";
  var named = form.hasAttribute("data-named");
  var data = document.getElementById("examples-data");
  var examples = data ? JSON.parse(data.textContent) : [];
  var status = document.getElementById("status"), pick = document.getElementById("examples");
  if (pick) pick.addEventListener("change", function () {
    if (pick.value !== "") document.getElementById("query").value = examples[+pick.value].text;
  });
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function linkable(iri) { return /^https?:\/\//i.test(iri); }
  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri" && linkable(term.value)) {
      var a = el("a", term.value);
      a.href = term.value.indexOf(base + "/id/") === 0 ? term.value.slice(base.length) : term.value;
      td.appendChild(a);
    } else if (term.type === "uri") { td.textContent = "<" + term.value + ">"; }
    else if (term.type === "bnode") { td.textContent = "_:" + term.value; }
    else {
      td.textContent = term.value;
      if (term["xml:lang"]) { var s = el("span", " @" + term["xml:lang"]); s.className = "lang"; td.appendChild(s); }
    }
    return td;
  }
  function table(doc) {
    if (typeof doc.boolean === "boolean") return el("pre", "ASK: " + doc.boolean);
    var t = el("table"), head = el("tr");
    doc.head.vars.forEach(function (v) { head.appendChild(el("th", v)); });
    t.appendChild(head);
    doc.results.bindings.forEach(function (b) {
      var tr = el("tr");
      doc.head.vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      t.appendChild(tr);
    });
    status.textContent = doc.results.bindings.length + " rows";
    return t;
  }
  function run(ev) {
    if (ev) ev.preventDefault();
    var accept = document.getElementById("accept").value, url = form.action, init;
    if (named) {
      var q = new URLSearchParams(new FormData(form)); q.forEach(function (v, k) { if (v === "") q.delete(k); });
      url = form.action + "?" + q.toString(); init = { headers: { "Accept": accept } };
      history.replaceState(null, "", url);
    } else {
      var text = document.getElementById("query").value;
      init = { method: "POST", headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" },
               body: "query=" + encodeURIComponent(text) };
    }
    status.textContent = "running…"; out.textContent = "";
    var started = performance.now();
    fetch(url, init).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      return r.text().then(function (body) { return { ok: r.ok, status: r.status, type: type, body: body }; });
    }).then(function (r) {
      var ms = Math.round(performance.now() - started);
      if (!r.ok) {
        var msg = r.body;
        try { var e = JSON.parse(r.body).error; msg = e.message + (e.fix ? "\n→ " + e.fix : ""); } catch (x) {}
        var p = el("pre", r.status + ": " + msg); p.className = "error"; out.appendChild(p);
        status.textContent = ms + " ms"; return;
      }
      if (r.type.indexOf("application/sparql-results+json") === 0) { out.appendChild(table(JSON.parse(r.body))); }
      else { out.appendChild(el("pre", r.body)); status.textContent = ""; }
      status.textContent += " · " + ms + " ms";
    }).catch(function (e) { out.appendChild(el("pre", String(e))); });
  }
  form.addEventListener("submit", run);
})();
