// A supply round (dashboard/supplies/round.html): walking list, map, a household's detail,
// and the buttons the server says apply (actions: never worked out here). The list starts
// from the phone's position if allowed, else the map's centre; both refresh every 20 s.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var root = document.querySelector(".sup-main");
  if (!root || !$("supplies-config") || !window.L) { return; }
  var L = window.L, C = JSON.parse($("supplies-config").textContent);
  var M = JSON.parse($("map-config").textContent), T = C.texts, U = C.urls;
  var csrf = root.querySelector("[name=csrfmiddlewaretoken]").value;
  var listNode = $("sup-list"), statusNode = $("sup-status"), panel = $("sup-detail");
  var panelBody = $("sup-detail-body"), placeholder = panelBody.innerHTML;
  var mine = $("sup-mine"), statusFilter = $("sup-filter-status");
  var PRIMARY = { deliver: 1, resolve: 1 };

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child == null || child === "") { continue; }
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function withId(template, id) { return template.replace("{id}", String(id)); }
  function call(url, data, etag) {
    var headers = { "Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf };
    if (etag) { headers["If-None-Match"] = etag; }
    return fetch(url, { method: data ? "POST" : "GET", credentials: "same-origin", headers: headers,
                        body: data ? JSON.stringify(data) : undefined }).then(function (r) {
      if (r.status === 304) { return { status: 304 }; }
      if (r.status >= 500) { throw new Error(String(r.status)); }
      return r.json().then(function (body) {
        return { ok: r.ok, status: r.status, body: body, etag: r.headers.get("ETag") };
      });
    });
  }
  var sayTimer = null;  // what was done goes after a while (it sits over the list)
  function say(kind, message, link) {
    clearTimeout(sayTimer);
    statusNode.hidden = false;
    statusNode.className = "save-status " + kind;
    statusNode.textContent = message;
    append(statusNode, link ? " " : "", link);
    if (kind === "saved" && !link) { sayTimer = setTimeout(function () { statusNode.hidden = true; }, 8000); }
  }
  function badge(status, label) { return el("span", "sup-badge sup-s-" + status, label); }
  function link(className, text, href, blank) {
    var a = el("a", className, text);
    a.href = href;
    if (blank) { a.target = "_blank"; a.rel = "noopener"; }
    return a;
  }
  function button(action, onClick, text) {
    var node = el("button", "button small" + (PRIMARY[action] ? " primary" : ""), text || T[action]);
    node.type = "button";
    node.dataset.action = action;
    node.addEventListener("click", onClick);
    return node;
  }

  // --- The map, and where the walk starts

  var map = L.map("sup-map", { minZoom: M.minZoom || undefined, maxZoom: M.maxZoom || undefined });
  L.tileLayer(M.tiles[0].url, M.tiles[0].options).addTo(map);
  if (C.areas.length > 1) { map.fitBounds(C.areas, { padding: [24, 24], maxZoom: 16, animate: false }); }
  else { map.setView(C.areas[0] || M.center, C.areas.length ? 16 : M.zoom, { animate: false }); }
  $("sup-map").dataset.ready = "true";
  if (window.matchMedia("(min-width: 60rem)").matches) { $("sup-legend-box").open = true; }

  var gps = null;
  function start() {
    var centre = map.getCenter();
    return gps || [centre.lat, centre.lng];
  }
  function locate(told) {
    var failed = function () { if (told) { say("warning", T.noGps); } };
    if (!navigator.geolocation) { return failed(); }
    navigator.geolocation.getCurrentPosition(function (position) {
      gps = [position.coords.latitude, position.coords.longitude];
      refreshList();
    }, failed, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  }
  $("sup-locate").addEventListener("click", function () { locate(true); });

  var group = L.layerGroup().addTo(map), etag = null, layerSeq = 0;
  function marker(at, className, text, size, title, onClick) {
    var icon = L.divIcon({ className: className, html: el("span", null, text), iconSize: [size, size] });
    return L.marker(at, { icon: icon, title: title, keyboard: false }).on("click", onClick).addTo(group);
  }
  function refreshLayer() {
    var b = map.getBounds(), seq = ++layerSeq;
    var box = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()),
               Math.min(180, b.getEast()), Math.min(90, b.getNorth())];
    var params = new URLSearchParams({ round: C.round, zoom: Math.round(map.getZoom()),
      bbox: box.map(function (v) { return v.toFixed(5); }).join(",") });
    return call(U.layer + "?" + params, null, etag).then(function (answer) {
      if (seq !== layerSeq || answer.status === 304) { return; }
      if (!answer.ok) { throw new Error(answer.body.message); }
      etag = answer.etag;
      group.clearLayers();
      (answer.body.clusters || []).forEach(function (c) {
        marker([c.lat, c.lng], "sup-cluster sup-s-" + C.rankStatus[c.top], String(c.count), 42,
          format(T.clusterTitle, { count: c.count }), function () {
            map.setView([c.lat, c.lng], Math.min(map.getZoom() + 2, map.getMaxZoom()));
          });
      });
      (answer.body.points || []).forEach(function (p) {
        marker([p.latitude, p.longitude], "sup-marker sup-s-" + p.status, C.glyphs[p.status], 32,
          statusFilter.querySelector('option[value="' + p.status + '"]').textContent,
          function () { openDetail(p.id); });
      });
    });
  }
  var moveTimer = null;
  map.on("moveend", function () {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(function () { refreshLayer().catch(function () {}); }, 250);
  });

  // --- The list (no names: the detail has them)

  var listSeq = 0;
  function refreshList() {
    var here = start(), seq = ++listSeq;
    var params = new URLSearchParams({ round: C.round, lat: here[0].toFixed(6), lng: here[1].toFixed(6) });
    if (mine.checked) { params.set("mine", "1"); }
    if (statusFilter.value) { params.set("status", statusFilter.value); }
    return call(U.list + "?" + params).then(function (answer) {
      if (seq !== listSeq) { return; }
      if (!answer.ok) { throw new Error(answer.body.message); }
      var body = answer.body, count = body.results.length;
      $("sup-order").textContent = gps ? T.fromGps : T.fromMap;
      listNode.textContent = "";
      body.results.forEach(function (row) { listNode.appendChild(renderRow(row)); });
      $("sup-empty").hidden = count > 0;
      $("sup-count").textContent = body.total > count ?
        format(T.countTruncated, { total: body.total, count: count }) : format(T.count, { count: count });
    });
  }

  function renderRow(row) {
    var item = el("li", "sup-row" + (row.mine ? " mine" : ""));
    item.dataset.id = row.id;
    append(item, append(el("div", "sup-row-head"), badge(row.status, row.status_label),
      el("span", null, row.area), el("span", null, format(T.people, { count: row.household_size })),
      row.distance_m != null ? el("span", "muted", format(T.metres, { m: row.distance_m })) : null,
      row.mine ? el("span", "sup-mine", T.mine) : null), el("p", "sup-items", row.items));
    var buttons = el("div", "sup-row-actions");
    row.actions.forEach(function (action) {
      if (action === "resolve" || action === "refuse") { return; }  // these ask more: the detail
      buttons.appendChild(button(action, function () {
        act(row.id, action, action === "take" ? { ids: [row.id] } : {});
      }));
    });
    buttons.appendChild(button("open", function () { openDetail(row.id); }));
    return append(item, buttons);
  }
  mine.addEventListener("change", refreshList);
  statusFilter.addEventListener("change", refreshList);

  // --- Steps (a row's, the detail's, the take form's)

  function act(id, action, data) {
    if (action === "refuse" && !window.confirm(T.confirmRefuse)) { return; }
    var take = action === "take", buttons = document.querySelectorAll(id ?
      '[data-id="' + id + '"] button, #sup-detail-body button' : "#sup-take button");
    var enable = function (on) { buttons.forEach(function (b) { b.disabled = !on; }); };
    enable(false);
    say("pending", T.sending);
    call(take ? U.take : withId(U[action], id), data).then(function (answer) {
      var body = answer.body || {};
      if (!answer.ok) { say("error", body.message || T.sendError); }
      else if (take) {
        say("saved", body.message, link(null, T.printSheet, withId(U.print, body.batch)));
        mine.checked = true;
      } else { say("saved", body.message); }
      statusNode.focus({ preventScroll: true });
      if (id && detailId === id) { loadDetail(id); }
    }).catch(function () { say("error", T.sendError); }).then(function () { enable(true); refresh(); });
  }
  var takeForm = $("sup-take");
  if (takeForm) {
    takeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var here = start();
      act(null, "take", { count: Number(takeForm.elements.count.value), lat: here[0], lng: here[1] });
    });
  }

  // --- One household's detail (logged as a view by the server)

  var detailId = null;
  function showPanel(on) {
    panel.classList.toggle("open", on);
    document.body.classList.toggle("dash-detail-open", on);
  }
  function openDetail(id) {
    detailId = id;
    showPanel(true);
    panelBody.textContent = T.loading;
    panel.focus();
    loadDetail(id);
  }
  function closeDetail() {
    var opener = detailId && listNode.querySelector('[data-id="' + detailId + '"] [data-action=open]');
    detailId = null;
    showPanel(false);
    panelBody.innerHTML = placeholder;
    if (opener) { opener.focus(); }
  }
  $("sup-detail-close").addEventListener("click", closeDetail);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { closeDetail(); } });

  function loadDetail(id) {
    return call(withId(U.detail, id)).then(function (answer) {
      if (id !== detailId) { return; }
      if (!answer.ok) { panelBody.textContent = answer.status === 404 ? T.gone : T.loadError; return; }
      renderDetail(answer.body);
    }).catch(function () { if (id === detailId) { panelBody.textContent = T.loadError; } });
  }

  function renderDetail(d) {
    panelBody.textContent = "";
    append(panelBody, append(el("h3", "dash-detail-name"), badge(d.status, d.status_label), " ",
      d.area + " · " + format(T.people, { count: d.household_size })));
    append(panelBody, append(el("p", "sup-go"), d.tel ? link("button", T.call, d.tel) : null,
      d.directions ? link("button", T.directions, d.directions, true) : null));
    var facts = el("dl", "dash-facts"), people = el("ul", "dash-people");
    var fact = function (label, value) {
      if (value && value.length !== 0) { append(facts, el("dt", null, label), append(el("dd"), value)); }
    };
    fact(T.address, append(el("span"), d.address, d.address_note ? el("span", "muted sup-block", d.address_note) : ""));
    d.people.forEach(function (person) {
      append(people, append(el("li"), el("strong", null, person.name), " ",
        person.tel ? link("dash-phone", person.phone, person.tel) : person.phone));
    });
    fact(T.people_heading, d.people.length ? people : "");
    fact(T.planned, d.planned);
    fact(T.delivered, d.delivered);
    fact(T.needs, d.need_labels.join("、") + (d.needs_other ? "（" + d.needs_other + "）" : ""));
    fact(T.care, d.care_labels.join("、"));
    fact(T.residentNote, d.note);
    fact(T.disputeNote, d.dispute_note);
    fact(T.holder, d.mine ? T.mine : d.holder);
    panelBody.appendChild(facts);
    renderActions(d);
    var history = el("ol", "dash-history");
    d.events.slice().reverse().forEach(function (event) {
      var time = el("time", null, event.at.slice(5, 16).replace("-", "/").replace("T", " "));
      time.dateTime = event.at;
      append(history, append(el("li"), time, " ", el("strong", null, event.kind_label),
        event.by ? " · " + event.by : "", event.to ? " → " + event.to : "",
        event.note ? el("span", "dash-history-note", event.note) : null));
    });
    append(panelBody, el("h4", null, T.history), history);
  }

  function field(tag, id, label, box) {
    var input = el(tag), labelNode = el("label", null, label);
    input.id = labelNode.htmlFor = id;
    if (tag === "textarea") { input.rows = 2; input.maxLength = 500; }
    append(box, labelNode, input);
    return input;
  }

  function renderActions(d) {
    var has = function (action) { return d.actions.indexOf(action) !== -1; };
    var buttons = append(panelBody, el("div", "dash-actions")).lastChild;
    d.actions.forEach(function (action) {
      if (action !== "resolve") { buttons.appendChild(button(action, function () { act(d.id, action, {}); })); }
    });
    if (has("deliver") && d.planned_items.length) {
      var partial = append(panelBody, el("details", "dash-text-form")).lastChild, inputs = {};
      partial.appendChild(el("summary", null, T.partial));
      d.planned_items.forEach(function (line) {
        var label = line.name + "（" + line.unit + "）";
        var input = inputs[line.id] = field("input", "sup-q-" + line.id, label, partial);
        input.type = "number";
        input.min = 0;
        input.max = input.value = line.quantity;
      });
      partial.appendChild(button("deliver", function () {
        var quantities = {};
        Object.keys(inputs).forEach(function (id) { quantities[id] = Number(inputs[id].value); });
        act(d.id, "deliver", { quantities: quantities });
      }, T.partialSubmit));
    }
    if (has("resolve")) {
      var box = append(panelBody, el("div", "dash-text-form")).lastChild;
      var resolveNote = field("textarea", "sup-resolve", T.resolveLabel, box);
      box.appendChild(button("resolve", function () { act(d.id, "resolve", { note: resolveNote.value }); }));
    }
  }

  // --- Refreshing

  function refresh() {
    return Promise.all([refreshList(), refreshLayer()]).catch(function () { say("error", T.loadError); });
  }
  setInterval(function () { if (!document.hidden) { refresh(); } }, 20000);
  refresh();
  locate(false);
})();
