// battkg pages work without this file; it only enhances them:
// - the routes page's filters apply without a page reload (the address still holds the state);
// - the "what they have finished" pickers show the presets of the chosen home country first;
// - the print button.
(function () {
  "use strict";

  function enablePrint(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function replaceFrom(doc, selector) {
    var fresh = doc.querySelector(selector);
    var old = document.querySelector(selector);
    if (fresh && old) { old.replaceWith(fresh); }
  }

  function liveFilters() {
    var form = document.querySelector("form[data-live]");
    if (!form || !window.fetch || !window.DOMParser) { return; }
    var pending = null;
    function apply() {
      var url = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var results = document.getElementById("results");
      if (results) { results.setAttribute("aria-busy", "true"); }
      fetch(url, { headers: { "Accept": "text/html" }, signal: pending.signal })
        .then(function (response) { return response.text(); })
        .then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          replaceFrom(doc, "#results");
          replaceFrom(doc, ".lang-switch");
          replaceFrom(doc, ".person-summary");
          document.title = doc.title;
          enablePrint(document);
          history.replaceState(null, "", url);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") { window.location.href = url; }
        });
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  }

  function countryAwarePickers() {
    var home = document.querySelector("select[data-country-picker]");
    if (!home) { return; }
    function show() {
      var option = home.options[home.selectedIndex];
      var country = option ? option.getAttribute("data-country") : null;
      document.querySelectorAll("select[data-by-country] optgroup[data-country]").forEach(function (group) {
        var mine = !country || group.getAttribute("data-country") === country;
        var selected = group.querySelector("option:checked");
        group.hidden = !mine && !selected;
      });
    }
    home.addEventListener("change", show);
    show();
  }

  // A search box above long pickers: typing hides the options whose text does not match.
  function searchablePickers() {
    document.querySelectorAll("select[data-search-label]").forEach(function (select) {
      var box = document.createElement("input");
      box.type = "search";
      box.id = select.id + "-search";
      box.className = "js-filter";
      box.setAttribute("autocomplete", "off");
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = select.getAttribute("data-search-label");
      select.parentNode.insertBefore(label, select);
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        var words = box.value.toLocaleLowerCase().trim();
        Array.prototype.forEach.call(select.options, function (option) {
          var text = option.text.toLocaleLowerCase();
          option.hidden = words !== "" && option.value !== "" && text.indexOf(words) === -1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enablePrint(document);
    searchablePickers();
    liveFilters();
    countryAwarePickers();
  });
})();
