// City notices (dashboard/notices/new.html, notice.html): the composer builds the segment
// JSON from condition rows and counts it as it changes; a notice's page polls its report
// while LINE requests are queued. The rules (what may be sent) are the server's.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, props, text) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    if (text != null) { node.textContent = text; }
    return node;
  }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // --- A notice's report: poll while anything is queued
  var report = $("ntc-report");
  if (report && report.dataset.polling) {
    var etag = null;
    var poll = function () {
      var headers = { Accept: "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(report.dataset.url, { credentials: "same-origin", headers: headers }).then(function (r) {
        if (r.status === 304) { return null; }
        etag = r.headers.get("ETag");
        return r.ok ? r.json() : null;
      }).then(function (body) {
        if (body && body.status !== report.dataset.status) { return location.reload(); }
        if (body) {
          ["queued", "sent", "failed", "blocked", "web_only"].forEach(function (key) {
            var node = report.querySelector('[data-count="' + key + '"] strong');
            if (node) { node.textContent = body[key]; }
          });
          $("ntc-bar-done").style.width = body.percent + "%";
          $("ntc-resend").hidden = !body.failed;
          if (!body.polling) { $("ntc-report-status").textContent = report.dataset.done; return; }
        }
        setTimeout(poll, 3000);
      }, function () { setTimeout(poll, 6000); });
    };
    setTimeout(poll, 2000);
  }

  // --- The composer
  var form = $("ntc-form");
  if (!form || !$("composer-config")) { return; }
  var C = JSON.parse($("composer-config").textContent), T = C.texts;
  var saved = JSON.parse($("ntc-saved").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var hidden = form.querySelector("[name=segment]"), savedSelect = form.querySelector("[name=saved_segment]");
  var rows = $("ntc-rows"), countNode = $("ntc-count"), csvButton = $("ntc-csv-button");
  var conditions = {}, order = [];

  function row(node) {
    var li = el("li", { className: "ntc-row" });
    var negate = node && node.not ? true : false, leaf = negate ? node.not : node;
    var pick = el("select", { className: "ntc-cond" });
    pick.setAttribute("aria-label", T.pick);
    pick.appendChild(el("option", { value: "" }, T.pick));
    order.forEach(function (c) { pick.appendChild(el("option", { value: c.key }, c.label)); });
    var value = el("select", { className: "ntc-value", hidden: true });
    value.setAttribute("aria-label", T.value);
    var not = el("label", { className: "check ntc-not" });
    var box = el("input", { type: "checkbox", checked: negate });
    not.appendChild(box);
    not.appendChild(el("span", null, T.not));
    var remove = el("button", { type: "button", className: "button small ntc-remove" }, "×");
    remove.setAttribute("aria-label", T.remove);
    remove.title = T.remove;
    function fill() {
      var c = conditions[pick.value];
      value.textContent = "";
      value.hidden = !c || !c.takes_value;
      if (value.hidden) { return; }
      if (c.any_value) { value.appendChild(el("option", { value: "" }, T.anyValue)); }
      c.choices.forEach(function (pair) { value.appendChild(el("option", { value: pair[0] }, pair[1])); });
    }
    pick.addEventListener("change", function () { fill(); changed(); });
    value.addEventListener("change", changed);
    box.addEventListener("change", changed);
    remove.addEventListener("click", function () { li.remove(); if (!rows.children.length) { rows.appendChild(row()); } changed(); });
    if (leaf && conditions[leaf.if]) { pick.value = leaf.if; fill(); if (leaf.value) { value.value = leaf.value; } }
    [pick, value, not, remove].forEach(function (n) { li.appendChild(n); });
    return li;
  }

  function tree() {
    if (savedSelect && savedSelect.value) { return saved[savedSelect.value]; }
    var nodes = [];
    Array.prototype.forEach.call(rows.children, function (li) {
      var key = li.querySelector(".ntc-cond").value, value = li.querySelector(".ntc-value");
      if (!key) { return; }
      var node = { "if": key };
      if (!value.hidden && value.value) { node.value = value.value; }
      nodes.push(li.querySelector(".ntc-not input").checked ? { not: node } : node);
    });
    if (!nodes.length) { return null; }
    var join = form.querySelector("[name=join]:checked").value, out = {};
    out[join] = nodes;
    return out;
  }

  var timer = null, seq = 0;
  function changed() {
    var t = tree();
    hidden.value = t ? JSON.stringify(t) : "";
    $("ntc-csv-segment").value = hidden.value;
    $("ntc-builder").hidden = !!(savedSelect && savedSelect.value);
    clearTimeout(timer);
    csvButton.hidden = true;
    if (!t) { countNode.textContent = T.empty; return; }
    countNode.textContent = T.counting;
    timer = setTimeout(count, 300);
  }
  function count() {
    var mine = ++seq;
    fetch(C.urls.count, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ segment: JSON.parse(hidden.value) }) }).then(function (r) {
      return r.json();
    }).then(function (body) {
      if (mine !== seq) { return; }
      countNode.classList.toggle("ntc-count-error", !!body.message);
      countNode.textContent = body.message || format(T.count, body);
      countNode.dataset.total = body.message ? "" : body.total;
      csvButton.hidden = !(body.web_only > 0);
    }, function () { if (mine === seq) { countNode.textContent = T.loadError; } });
  }

  function start(initial) {
    var parts = [];
    if (initial && (initial.all || initial.any)) {
      parts = initial.all || initial.any;
      form.querySelector('[name=join][value="' + (initial.all ? "all" : "any") + '"]').checked = true;
    } else if (initial) { parts = [initial]; }
    parts.forEach(function (node) { rows.appendChild(row(node)); });
    if (!rows.children.length) { rows.appendChild(row()); }
    changed();
  }
  $("ntc-add").addEventListener("click", function () { rows.appendChild(row()).querySelector("select").focus(); });
  form.querySelectorAll("[name=join]").forEach(function (r) { r.addEventListener("change", changed); });
  if (savedSelect) { savedSelect.addEventListener("change", changed); }
  fetch(C.urls.conditions, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
    if (!r.ok) { throw new Error(String(r.status)); }
    return r.json();
  }).then(function (list) {
    order = list;
    list.forEach(function (c) { conditions[c.key] = c; });
    var initial = null;
    try { initial = hidden.value ? JSON.parse(hidden.value) : null; } catch (e) { initial = null; }
    start(initial);
  }, function () { countNode.textContent = T.loadError; });

  // --- Text: counters and the LINE-like preview, one tab per language that has text
  // (the first language, which every notice has, always).
  var placeholder = $("ntc-preview-text").innerHTML;
  var boxes = {}, tabs = Array.prototype.slice.call(document.querySelectorAll("#ntc-tabs [role=tab]"));
  var first = tabs.length ? tabs[0].dataset.lang : "ja", shown = first;
  form.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    boxes[area.dataset.counter] = area;
    var counter = el("p", { className: "help ntc-counter" });
    counter.setAttribute("aria-live", "polite");
    area.after(counter);
    var update = function () {
      counter.textContent = format(T.chars, { n: area.value.length.toLocaleString(), max: C.textMax.toLocaleString() });
      counter.classList.toggle("ntc-over", area.value.length > C.textMax);
      preview();
    };
    area.addEventListener("input", update);
    update();
  });
  function textOf(lang) { return boxes[lang] ? boxes[lang].value.trim() : ""; }
  function preview() {
    var visible = tabs.filter(function (tab) {
      tab.hidden = tab.dataset.lang !== first && !textOf(tab.dataset.lang);
      return !tab.hidden;
    });
    if (!visible.some(function (tab) { return tab.dataset.lang === shown; })) { shown = first; }
    tabs.forEach(function (tab) {
      var on = tab.dataset.lang === shown;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on) { $("ntc-preview").setAttribute("aria-labelledby", tab.id); }
    });
    var text = textOf(shown);
    var label = form.querySelector("[name=link_label]").value.trim();
    var url = form.querySelector("[name=link_url]").value.trim();
    if (text) { $("ntc-preview-text").textContent = text; } else { $("ntc-preview-text").innerHTML = placeholder; }
    $("ntc-preview-link").hidden = !(label && url);
    $("ntc-preview-link-text").textContent = label;
    $("ntc-preview-link-button").textContent = label;
  }
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { shown = tab.dataset.lang; preview(); });
    tab.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) { return; }
      var visible = tabs.filter(function (t) { return !t.hidden; });
      var next = visible[(visible.indexOf(tab) + step + visible.length) % visible.length];
      event.preventDefault();
      shown = next.dataset.lang;
      preview();
      next.focus();
    });
  });
  ["link_label", "link_url"].forEach(function (name) { form.querySelector("[name=" + name + "]").addEventListener("input", preview); });

  // --- When: the date only for "later"
  function when() {
    var later = form.querySelector("[name=when]:checked");
    $("ntc-send-at").hidden = !(later && later.value === "later");
  }
  form.querySelectorAll("[name=when]").forEach(function (r) { r.addEventListener("change", when); });
  when();
  var submit = $("ntc-submit");
  form.addEventListener("submit", function () { changed(); clearTimeout(timer); setTimeout(function () { submit.disabled = true; }); });
  window.addEventListener("pageshow", function () { submit.disabled = false; });
})();
