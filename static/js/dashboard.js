// The volunteers' dashboard: a map (people sheltering outside shelters, pickup
// requests, shelters), the same people as a list, and one person's detail with the
// pickup's buttons.
//
//   {{ map_config|json_script:"map-config" }}             (lib.maps.map_config)
//   {{ dashboard_config|json_script:"dashboard-config" }}  (dashboard.views: URLs, labels, texts)
//
// Every 10 seconds while the page is visible it asks what changed: the layers of the
// current viewport (ETag: an unchanged layer is a 304), the list since the last cursor
// (the answer repeats a few seconds, so rows are kept by id) and the shelters' occupancy.
// The bulk answers carry no names; a detail is fetched when someone opens it (and the
// server logs that they did). The list carries the same facts as the map for keyboards,
// screen readers and small screens, so map markers stay out of the tab order.
(function () {
  "use strict";
  var root = document.querySelector(".dash-main");
  var configSource = document.getElementById("dashboard-config");
  var mapSource = document.getElementById("map-config");
  if (!root || !configSource || !mapSource || !window.L) { return; }
  var L = window.L;
  var config = JSON.parse(configSource.textContent);
  var mapConfig = JSON.parse(mapSource.textContent);
  var T = config.texts;
  var urls = config.urls;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var INTERVAL_MS = 10000;
  var FULL_RELOAD_MS = 5 * 60 * 1000;  // catches reports that moved out of one's areas
  var TIMEOUT_MS = 10000;
  var PICKUP_RANK = config.pickupRanks;  // a pickup's colour, as the legend says
  var clock = window.hakobouCityClock(config.timeZone);
  var STATE_GLYPH = { requested: T.glyphRequested, claimed: T.glyphClaimed,
                      picked_up: T.glyphPickedUp };

  var form = document.getElementById("dash-filters");
  var filterSummary = document.getElementById("dash-filter-summary");
  var statusLine = document.getElementById("dash-status");
  var tbody = document.querySelector("#dash-list tbody");
  var countText = document.getElementById("dash-count");
  var emptyText = document.getElementById("dash-empty");
  var panel = document.getElementById("dash-detail");
  var panelBody = document.getElementById("dash-detail-body");
  var actionStatus = document.getElementById("dash-action-status");
  var closeButton = document.getElementById("dash-detail-close");
  var placeholder = panelBody.innerHTML;

  // --- Small helpers -------------------------------------------------------------------

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

  // The server's clock, so a countdown is right even when the tablet's clock is not.
  var clockOffset = 0;
  function serverNow() { return Date.now() + clockOffset; }
  function learnClock(serverTime) {
    if (serverTime) { clockOffset = Date.parse(serverTime) - Date.now(); }
  }

  // 10:05 today; 9/28 10:05 on another day; as the city's clock reads it.
  function hhmm(iso) { return clock.hhmm(new Date(iso), new Date(serverNow())); }

  function request(url, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    options.credentials = "same-origin";
    options.signal = controller ? controller.signal : undefined;
    return fetch(url, options).then(function (response) {
      if (timer) { clearTimeout(timer); }
      if (response.status === 304) { return { status: 304, body: null }; }
      if (response.status >= 500) { throw new Error("server " + response.status); }
      return response.json().then(function (body) {
        return { status: response.status, ok: response.ok, body: body,
                 etag: response.headers.get("ETag") };
      });
    });
  }

  function getJSON(url, etag) {
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    return request(url, { headers: headers });
  }

  function postJSON(url, data) {
    return request(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrf },
      body: JSON.stringify(data || {})
    });
  }

  function withId(template, id) { return template.replace("{id}", String(id)); }

  // --- Filters ---------------------------------------------------------------------------

  function filterParams() {
    var params = new URLSearchParams();
    ["area", "need", "care", "state"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) { params.set(name, field.value); }
    });
    var within = form.elements.updated_within && form.elements.updated_within.value;
    if (within) {
      // Whole minutes, so the same filter asks the same question for a while.
      var since = Math.floor((serverNow() - Number(within) * 60000) / 60000) * 60000;
      params.set("updated_since", new Date(since).toISOString());
    }
    return params;
  }

  function describeFilters() {
    var parts = [];
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
      if (!select.value) { return; }
      var label = form.querySelector('label[for="' + select.id + '"]');
      parts.push((label ? label.textContent : "") + "：" +
                 select.options[select.selectedIndex].textContent);
    });
    filterSummary.textContent = parts.length ? "（" + parts.join(" / ") + "）" : "";
  }

  function filtersChanged() {
    describeFilters();
    var query = new URLSearchParams(new FormData(form));
    Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) { query.delete(key); } });
    var search = query.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    cursor = null;
    refreshList(true).catch(showOffline);
    refreshLayers().catch(showOffline);
  }

  form.addEventListener("change", filtersChanged);
  form.addEventListener("submit", function (event) { event.preventDefault(); filtersChanged(); });
  // Wide screens have room for the legend; the filters stay one line until opened.
  if (window.matchMedia("(min-width: 60rem)").matches) {
    document.getElementById("dash-legend-box").open = true;
  }
  describeFilters();

  // --- The map -------------------------------------------------------------------------------

  var mapOptions = {};
  if (mapConfig.minZoom != null) { mapOptions.minZoom = mapConfig.minZoom; }
  if (mapConfig.maxZoom != null) { mapOptions.maxZoom = mapConfig.maxZoom; }
  var map = L.map("dash-map", mapOptions);
  var tiles = {};
  mapConfig.tiles.forEach(function (tile, index) {
    tiles[tile.name] = L.tileLayer(tile.url, tile.options);
    if (index === 0) { tiles[tile.name].addTo(map); }
  });
  if (mapConfig.tiles.length > 1) { L.control.layers(tiles).addTo(map); }
  if (config.areas.length > 1) {
    map.fitBounds(config.areas, { padding: [24, 24], maxZoom: 15, animate: false });
  } else if (config.areas.length === 1) {
    map.setView(config.areas[0], 15, { animate: false });
  } else {
    map.setView(mapConfig.center, mapConfig.zoom, { animate: false });
  }
  document.getElementById("dash-map").dataset.ready = "true";
  root.map = map;  // for tests and the curious

  var layers = {
    evacuees: { group: L.layerGroup().addTo(map), etag: null, url: urls.evacueeLayer },
    pickups: { group: L.layerGroup().addTo(map), etag: null, url: urls.pickupLayer },
    shelters: { group: L.layerGroup().addTo(map), etag: null, url: urls.board }
  };
  var highlight = null;

  function divIcon(className, text, size, anchor) {
    var label = el("span", null, text);
    return L.divIcon({ className: className, html: label, iconSize: [size, size],
                       iconAnchor: anchor || [size / 2, size / 2], popupAnchor: [0, -size / 2] });
  }

  function mostUrgentNeed(needs) {
    // config.needs is in urgency order (most urgent first).
    var codes = Object.keys(config.needs);
    for (var i = 0; i < codes.length; i++) {
      if (needs.indexOf(codes[i]) !== -1) { return codes[i]; }
    }
    return null;
  }

  // Pickup clusters are square and sit beside the people's, like single pickups.
  function clusterMarker(cluster, pickups) {
    var size = cluster.count >= 1000 ? 52 : cluster.count >= 100 ? 46 : 40;
    var marker = L.marker([cluster.lat, cluster.lng], {
      icon: divIcon("dash-cluster u" + cluster.top + (pickups ? " square" : ""),
                    String(cluster.count), size, pickups ? [-12, size + 12] : null),
      zIndexOffset: pickups ? 500 : 0,
      title: format(T.clusterTitle, { count: cluster.count }), keyboard: false
    });
    marker.on("click", function () {
      map.setView([cluster.lat, cluster.lng], Math.min(map.getZoom() + 2, map.getMaxZoom()));
    });
    return marker;
  }

  // A report nobody in the registry stands behind (未確認): dashed outline and "?" mark.
  function unverifiedClass(verified) { return verified ? "" : " unverified"; }
  function unverifiedTitle(verified) { return verified ? "" : "（" + T.unverifiedTitle + "）"; }

  function evacueeMarker(point, offset) {
    var need = mostUrgentNeed(point.needs);
    var className = "dash-marker u" + point.urgency + (point.care.length ? " care-badge" : "") +
      unverifiedClass(point.verified);
    var marker = L.marker([point.latitude, point.longitude], {
      icon: divIcon(className, need ? config.needGlyphs[need] : T.glyphNone, 34,
                    [17 - offset[0], 17 - offset[1]]),
      title: format(T.evacueeTitle, { need: need ? config.needs[need] : "—" }) +
        unverifiedTitle(point.verified),
      keyboard: false, riseOnHover: true
    });
    marker.on("click", function () { openDetail(point.id); });
    return marker;
  }

  function pickupMarker(point, offset) {
    var state = pickupStatus(point);
    var className = "dash-marker square u" + PICKUP_RANK[point.urgency] + " state-" + state +
      unverifiedClass(point.verified);
    // Beside the person's own marker (same place, moved with it), not on top of it.
    var marker = L.marker([point.latitude, point.longitude], {
      icon: divIcon(className, STATE_GLYPH[state] || T.glyphDone, 30,
                    [-12 - offset[0], 42 - offset[1]]),
      title: format(T.pickupTitle, { state: config.states[state] }) +
        unverifiedTitle(point.verified),
      keyboard: false, zIndexOffset: 500
    });
    marker.on("click", function () { openDetail(point.report_id); });
    return marker;
  }

  // A claim whose time ran out is free again, whatever the row still says.
  function pickupStatus(point) {
    if (point.status === "claimed" && point.claim_expires_at &&
        Date.parse(point.claim_expires_at) < serverNow()) { return "requested"; }
    return point.status;
  }

  // At the closest zoom a dense block sends only its most urgent points: say so, and
  // where the rest are, instead of letting the map look complete.
  var mapMore = document.getElementById("dash-map-more");
  function showTruncated() {
    var shown = 0;
    Object.keys(layers).forEach(function (name) {
      if (layers[name].truncated) { shown += layers[name].shown; }
    });
    mapMore.hidden = !shown;
    mapMore.textContent = shown ? format(T.mapMore, { count: shown }) : "";
  }

  // Marks at one spot (two reports from one house, a block of flats) would hide one
  // another: marks closer than SPREAD_PX on screen are fanned out round their spot, each
  // with a thin line back to it, and laid out again when the zoom changes. (More than
  // POINT_LIMIT marks in view are clustered by the server instead: lib/map_layers.py.)
  var SPREAD_PX = 22;
  var SPREAD_GAP_PX = 38;  // between the centres of fanned-out marks (34 px icons)

  function spread(items) {  // [{key, lat, lng}] -> {key: [dx, dy]} in screen pixels
    var zoom = map.getZoom();
    var groups = [];
    items.slice().sort(function (a, b) { return a.key - b.key; }).forEach(function (item) {
      var at = map.project([item.lat, item.lng], zoom);
      for (var i = 0; i < groups.length; i++) {
        if (groups[i].at.distanceTo(at) < SPREAD_PX) { groups[i].items.push(item); return; }
      }
      groups.push({ at: at, items: [item] });
    });
    var offsets = {};
    groups.forEach(function (group) {
      var n = group.items.length;
      if (n === 1) { offsets[group.items[0].key] = [0, 0]; return; }
      // A ring for a few; an outward spiral for many (each turn SPREAD_GAP_PX apart).
      var ring = n <= 8;
      var radius = ring ? Math.max(SPREAD_GAP_PX * 0.8, SPREAD_GAP_PX * n / (2 * Math.PI)) : 30;
      var angle = -Math.PI / 2;
      group.items.forEach(function (item, index) {
        offsets[item.key] = [Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle))];
        if (ring) { angle = -Math.PI / 2 + 2 * Math.PI * (index + 1) / n; return; }
        angle += SPREAD_GAP_PX / radius;
        radius += SPREAD_GAP_PX * (SPREAD_GAP_PX / radius) / (2 * Math.PI);
      });
    });
    return offsets;
  }

  function leg(group, lat, lng, offset) {
    if (!offset[0] && !offset[1]) { return; }
    var zoom = map.getZoom();
    var to = map.unproject(map.project([lat, lng], zoom).add(offset), zoom);
    group.addLayer(L.polyline([[lat, lng], to], {
      color: "#111", weight: 2, opacity: 0.7, interactive: false, className: "dash-leg" }));
    group.addLayer(L.circleMarker([lat, lng], {
      radius: 4, weight: 1, color: "#fff", fillColor: "#111", fillOpacity: 1, interactive: false }));
  }

  function pointsOf(name) {
    var body = layers[name].body;
    return body && body.kind === "points" ? body.points : [];
  }

  // Both point layers at once: a pickup moves with its person's mark.
  function drawMarks() {
    var evacuees = pointsOf("evacuees");
    var pickups = pointsOf("pickups");
    var offsets = spread(evacuees.map(function (point) {
      return { key: point.id, lat: point.latitude, lng: point.longitude };
    }));
    // Pickups whose person is not on the map (a filter, the layer off) spread among themselves.
    var own = spread(pickups.filter(function (point) { return !offsets[point.report_id]; })
      .map(function (point) {
        return { key: point.report_id, lat: point.latitude, lng: point.longitude };
      }));
    ["evacuees", "pickups"].forEach(function (name) {
      var layer = layers[name];
      if (!layer.body) { return; }
      layer.group.clearLayers();
      if (layer.body.kind === "clusters") {
        layer.body.clusters.forEach(function (cluster) {
          layer.group.addLayer(clusterMarker(cluster, name === "pickups"));
        });
        return;
      }
      layer.body.points.forEach(function (point) {
        if (name === "evacuees") {
          var offset = offsets[point.id];
          leg(layer.group, point.latitude, point.longitude, offset);
          layer.group.addLayer(evacueeMarker(point, offset));
        } else {
          var mine = own[point.report_id];
          if (mine) { leg(layer.group, point.latitude, point.longitude, mine); }
          layer.group.addLayer(pickupMarker(point, mine || offsets[point.report_id]));
        }
      });
    });
  }

  function drawLayer(name, body) {
    layers[name].body = body;
    layers[name].truncated = Boolean(body.truncated);
    layers[name].shown = body.points ? body.points.length : 0;
    showTruncated();
    drawMarks();
  }

  map.on("zoomend", drawMarks);

  function clearLayer(layer) {
    var drawn = layer.body;
    layer.group.clearLayers();
    layer.body = null;
    layer.etag = null;
    layer.truncated = false;
    showTruncated();
    if (drawn) { drawMarks(); }  // the other layer's pickups or people spread anew
    return Promise.resolve();
  }

  function layerOn(name) {
    return document.querySelector('input[name=layer][value="' + name + '"]').checked;
  }

  function viewport() {
    var bounds = map.getBounds();
    var box = [
      Math.max(-180, bounds.getWest()), Math.max(-90, bounds.getSouth()),
      Math.min(180, bounds.getEast()), Math.min(90, bounds.getNorth())
    ];
    return { bbox: box.map(function (v) { return v.toFixed(5); }).join(","),
             zoom: String(Math.round(map.getZoom())) };
  }

  function refreshLayer(name) {
    var layer = layers[name];
    if (!layerOn(name)) { return clearLayer(layer); }
    var params = filterParams();
    if (name === "pickups") {
      var state = params.get("state");
      params.delete("state");
      if (state === "none") { return clearLayer(layer); }
      if (state) { params.set("status", state); }
    }
    var view = viewport();
    params.set("bbox", view.bbox);
    params.set("zoom", view.zoom);
    var seq = layer.seq = (layer.seq || 0) + 1;
    return getJSON(layer.url + "?" + params.toString(), layer.etag).then(function (answer) {
      // A later question (the map moved, a filter changed) has overtaken this one.
      if (seq !== layer.seq || answer.status === 304) { return; }
      if (!answer.ok) { throw new Error(answer.body.message || String(answer.status)); }
      layer.etag = answer.etag;
      drawLayer(name, answer.body);
    });
  }

  function refreshShelters() {
    var layer = layers.shelters;
    if (!layerOn("shelters")) { return clearLayer(layer); }
    return getJSON(layer.url, layer.etag).then(function (answer) {
      if (answer.status === 304) { return; }
      if (!answer.ok) { throw new Error(String(answer.status)); }
      layer.etag = answer.etag;
      var byId = {};
      answer.body.shelters.forEach(function (row) { byId[row.id] = row; });
      layer.group.clearLayers();
      config.shelters.forEach(function (shelter) {
        var row = byId[shelter.id];
        if (!row) { return; }
        var closed = row.status === "closed";
        var marker = L.marker([shelter.lat, shelter.lng], {
          icon: divIcon("dash-shelter " + (closed ? "closed" : row.congestion), T.glyphShelter, 32),
          title: shelter.name, keyboard: false, zIndexOffset: -200
        });
        var box = el("div");
        append(box, el("strong", null, shelter.name), el("br"),
               format(T.shelterPeople, { status: row.status_label, people: row.people,
                                         capacity: row.capacity }));
        if (!closed) { append(box, " ", el("span", "congestion " + row.congestion, row.congestion_label)); }
        layer.group.addLayer(marker.bindPopup(box));
      });
    });
  }

  function refreshLayers() {
    return Promise.all([refreshLayer("evacuees"), refreshLayer("pickups"), refreshShelters()]);
  }

  var moveTimer = null;
  map.on("moveend", function () {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(function () { refreshLayers().catch(showOffline); }, 250);
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[name=layer]"), function (box) {
    box.addEventListener("change", function () { refreshLayers().catch(showOffline); });
  });

  // --- The list --------------------------------------------------------------------------------

  var rows = {};
  // Who and where, as this user was shown them in a detail (the server logged that
  // view): their row says so too, until the page is reloaded. The list itself carries
  // neither names nor the resident's own words about the address.
  var seen = {};
  var cursor = null;
  var lastFull = 0;
  var total = null;

  function byUrgency(a, b) {
    return (b.urgency - a.urgency) || (Date.parse(a.created_at) - Date.parse(b.created_at)) ||
      (a.id - b.id);
  }

  function chips(labels, className) {
    var cell = el("td");
    labels.forEach(function (label) { append(cell, el("span", className, label)); });
    return cell;
  }

  function urgencyBadge(level) {
    return el("span", "dash-urgency u" + level, T["urgency" + level]);
  }

  function pickupCell(pickup) {
    var cell = el("td", "dash-pickup-cell", pickup ? pickup.status_label : T.noPickup);
    if (pickup && pickup.mine) { append(cell, el("span", "dash-mine", T.holderMe)); }
    return cell;
  }

  function labelled(cell, label) { cell.dataset.label = label; return cell; }

  function renderList() {
    var focused = document.activeElement && document.activeElement.dataset ?
      document.activeElement.dataset.open : null;
    var items = Object.keys(rows).map(function (id) { return rows[id]; }).sort(byUrgency);
    var heads = Array.prototype.map.call(document.querySelectorAll("#dash-list th"),
                                         function (th) { return th.textContent; });
    var fragment = document.createDocumentFragment();
    items.forEach(function (row) {
      var tr = el("tr", "u" + row.urgency);
      tr.dataset.id = row.id;
      if (String(row.id) === String(detailId)) { tr.className += " selected"; }
      var open = el("button", "dash-open", row.place_label + (row.area ? "（" + row.area + "）" : ""));
      open.type = "button";
      open.dataset.open = row.id;
      var where = append(el("td", "dash-where"), open);
      if (!row.verified) { append(where, " ", el("span", "chip unverified", T.unverifiedShort)); }
      if (seen[row.id] && seen[row.id].names) {
        append(where, el("span", "dash-row-name", seen[row.id].names));
      }
      if (seen[row.id] && seen[row.id].address) {
        append(where, el("span", "dash-row-address", seen[row.id].address));
      }
      append(tr,
        labelled(append(el("td"), urgencyBadge(row.urgency)), heads[0]),
        labelled(where, heads[1]),
        labelled(chips(row.need_labels, "chip"), heads[2]),
        labelled(chips(row.care_labels, "chip care"), heads[3]),
        labelled(el("td", "num", format(T.people, { count: row.people })), heads[4]),
        labelled(pickupCell(row.pickup), heads[5]),
        labelled(el("td", null, hhmm(row.updated_at)), heads[6]));
      fragment.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(fragment);
    emptyText.hidden = items.length > 0;
    countText.textContent = total != null && total > items.length ?
      format(T.countTruncated, { total: total, count: items.length }) :
      format(T.count, { count: items.length });
    if (focused) {
      var again = tbody.querySelector('[data-open="' + focused + '"]');
      if (again) { again.focus(); }
    }
  }

  tbody.addEventListener("click", function (event) {
    var tr = event.target.closest("tr[data-id]");
    if (tr) { openDetail(Number(tr.dataset.id), true); }
  });

  var listSeq = 0;
  // filtering: the open detail may drop out of the list without anything having happened.
  function refreshList(filtering) {
    var params = filterParams();
    var full = !cursor || Date.now() - lastFull > FULL_RELOAD_MS;
    if (!full) { params.set("since", cursor); }
    var seq = ++listSeq;
    return getJSON(urls.list + "?" + params.toString()).then(function (answer) {
      if (seq !== listSeq) { return; }  // overtaken (a filter changed meanwhile)
      if (!answer.ok) { throw new Error(answer.body.message || String(answer.status)); }
      var body = answer.body;
      learnClock(body.server_time);
      cursor = body.cursor;
      if (body.full) {
        rows = {};
        total = body.total;
        lastFull = Date.now();
      }
      body.results.forEach(function (row) {
        var open = String(row.id) === String(detailId);
        if (row.removed) {
          delete rows[row.id];
          if (open) { detailEnded(); }
          return;
        }
        rows[row.id] = row;
        // Someone else changed the open one (claimed it, added a note …): fetch it again.
        if (open && detailChangedAt && row.updated_at !== detailChangedAt) {
          detailChangedAt = row.updated_at;
          loadDetail(row.id);
        }
      });
      if (body.full && !filtering && detailId && !rows[detailId] && detailChangedAt) {
        detailEnded();
      }
      renderList();
    });
  }

  // --- Polling -------------------------------------------------------------------------------------

  var polling = false;
  var lastGood = new Date();

  function showOffline() {
    statusLine.textContent = format(T.offline, { time: clock.hhmmss(lastGood) });
  }

  function poll() {
    if (document.hidden) { statusLine.textContent = T.paused; return; }
    if (polling) { return; }
    polling = true;
    Promise.all([refreshList(), refreshLayers()]).then(function () {
      lastGood = new Date();
      statusLine.textContent = format(T.updated, { time: clock.hhmmss(lastGood) });
    }).catch(showOffline).then(function () { polling = false; });
  }

  setInterval(poll, INTERVAL_MS);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });

  // --- Detail -------------------------------------------------------------------------------------

  var detailId = null;
  var detailChangedAt = null;
  var detailData = null;
  var openedFromList = false;

  function setSelected() {
    Array.prototype.forEach.call(tbody.querySelectorAll("tr"), function (tr) {
      tr.classList.toggle("selected", tr.dataset.id === String(detailId));
    });
  }

  function openDetail(id, fromList) {
    openedFromList = !!fromList;
    detailId = id;
    detailChangedAt = null;
    actionStatus.hidden = true;
    panel.classList.add("open");
    document.body.classList.add("dash-detail-open");
    panelBody.textContent = T.loading;
    setSelected();
    panel.focus();
    loadDetail(id);
  }

  function closeDetail() {
    // The list may have been drawn again meanwhile: find the row's button anew.
    var opener = openedFromList && tbody.querySelector('[data-open="' + detailId + '"]');
    detailId = null;
    detailData = null;
    detailChangedAt = null;
    panel.classList.remove("open");
    document.body.classList.remove("dash-detail-open");
    panelBody.innerHTML = placeholder;
    actionStatus.hidden = true;
    setSelected();
    if (highlight) { highlight.remove(); highlight = null; }
    if (opener) { opener.focus(); }
  }

  closeButton.addEventListener("click", closeDetail);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeDetail(); }
  });

  function loadDetail(id) {
    return getJSON(withId(urls.detail, id)).then(function (answer) {
      if (id !== detailId) { return; }
      if (answer.status === 404) { showGone(); return; }
      if (!answer.ok) { throw new Error(String(answer.status)); }
      learnClock(answer.body.server_time);
      renderDetail(answer.body);
    }).catch(function () {
      if (id === detailId && !detailData) { panelBody.textContent = T.loadError; }
    });
  }

  // Out of the list: arrived with our own pickup (the panel already says so), ended,
  // out of one's areas (the detail answers 404), or no longer matching the filters.
  function detailEnded() {
    var pickup = detailData && detailData.pickup;
    detailChangedAt = null;
    if (pickup && pickup.status === "arrived") { return; }
    loadDetail(detailId);
  }

  function showGone() {
    detailData = null;
    detailChangedAt = null;
    panelBody.textContent = "";
    append(panelBody, el("p", "dash-gone", T.gone));
  }

  function fact(list, label, value) {
    if (value == null || value === "" || (value.length === 0 && typeof value !== "string")) { return; }
    append(list, el("dt", null, label), append(el("dd"), value));
  }

  function chipList(labels, className) {
    var span = el("span");
    labels.forEach(function (label) { append(span, el("span", className, label)); });
    return span;
  }

  function renderDetail(data) {
    detailData = data;
    detailChangedAt = data.changed_at;
    panelBody.textContent = "";
    var heading = el("h3", "dash-detail-name");
    append(heading, urgencyBadge(data.urgency), " ", data.place_label,
           data.area ? "（" + data.area + "）" : "");
    panelBody.appendChild(heading);
    seen[data.id] = {
      names: data.people.map(function (person) { return person.name; }).filter(Boolean).join("、"),
      address: data.address_text
    };
    renderList();

    // What a volunteer does first, where a phone shows it without scrolling: the
    // pickup's next step (filled by renderPickup), a call, the way there.
    var quick = el("div", "dash-quick");
    var quickActions = el("div", "dash-quick-actions");
    quickActions.id = "dash-quick-actions";
    var links = el("div", "dash-quick-links");
    var caller = data.people.filter(function (person) { return person.tel; })[0];
    if (caller) {
      var call = el("a", "button dash-call", T.call);
      call.href = caller.tel;
      call.setAttribute("aria-label", format(T.callName, { name: caller.name }));
      links.appendChild(call);
    }
    if (data.directions) {
      var route = el("a", "button dash-directions", T.directions);
      route.href = data.directions;
      route.target = "_blank";
      route.rel = "noopener";
      links.appendChild(route);
    }
    append(quick, quickActions, links.childNodes.length ? links : null);
    panelBody.appendChild(quick);

    var facts = el("dl", "dash-facts");
    var people = el("ul", "dash-people");
    data.people.forEach(function (person) {
      var item = el("li");
      append(item, el("strong", "dash-person-name", person.name), " ",
             el("span", "muted", person.kana ? "（" + person.kana + "）" : ""));
      if (!person.verified) { append(item, " ", el("span", "chip", T.unverified)); }
      if (person.care_labels.length) { append(item, " ", chipList(person.care_labels, "chip care")); }
      if (person.tel) {
        var tel = el("a", "dash-phone", person.phone);
        tel.href = person.tel;
        append(item, el("br"), T.phone + " ", tel);
      }
      people.appendChild(item);
    });
    if (data.others_count) { append(people, el("li", null, format(T.othersOnly, { count: data.others_count }))); }
    fact(facts, T.people_heading, people);
    fact(facts, T.household, format(T.people, { count: data.household }));
    fact(facts, T.place, data.place_label + (data.place_note ? "（" + data.place_note + "）" : ""));
    fact(facts, T.address, data.address_text);
    if (data.latitude != null) {
      var where = el("span", null, data.location_source_label +
        (data.accuracy_m ? format(T.accuracy, { metres: data.accuracy_m }) : "") + " ");
      var show = el("button", "button small", T.showOnMap);
      show.type = "button";
      show.addEventListener("click", function () { showOnMap(data.latitude, data.longitude); });
      fact(facts, T.location, append(where, show));
    }
    var needs = chipList(data.need_labels, "chip");
    if (data.needs_other) { append(needs, " ", data.needs_other); }
    fact(facts, T.needs, data.need_labels.length || data.needs_other ? needs : "");
    fact(facts, T.care, data.care_labels.length ? chipList(data.care_labels, "chip care") : "");
    fact(facts, T.noteHeading, data.note);
    if (data.proxy) { append(facts, el("dd", "muted", T.proxy)); }
    panelBody.appendChild(facts);

    var section = el("section", "dash-pickup");
    section.id = "dash-pickup";
    panelBody.appendChild(section);
    renderPickup(data.pickup);
    renderReportActions(data);
  }

  // Closing a prank or a duplicate (いたずら・重複), and (staff) stopping who sent it.
  var REPORT_ACTIONS = {
    dismiss: { text: "actionDismiss", confirm: "confirmDismiss" },
    suspend: { text: "actionSuspend", confirm: "confirmSuspend" }
  };

  function renderReportActions(data) {
    if (!data.actions || !data.actions.length) { return; }
    var box = el("div", "dash-report-actions");
    data.actions.forEach(function (action) {
      var button = el("button", "button small danger", T[REPORT_ACTIONS[action].text]);
      button.type = "button";
      button.addEventListener("click", function () {
        if (!window.confirm(T[REPORT_ACTIONS[action].confirm])) { return; }
        Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) { b.disabled = true; });
        say("pending", T.sending);
        postJSON(withId(urls[action], data.id), {}).then(function (answer) {
          var body = answer.body || {};
          if (answer.ok) { say("saved", body.message); showGone(); }
          else if (answer.status === 404) { say("error", T.gone); showGone(); }
          else {
            say("error", body.message || T.sendError);
            Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) { b.disabled = false; });
          }
          actionStatus.focus({ preventScroll: true });
          refreshList().catch(showOffline);
          refreshLayers().catch(showOffline);
        }).catch(function () { say("error", T.sendError); });
      });
      box.appendChild(button);
    });
    panelBody.appendChild(box);
  }

  function showOnMap(lat, lng) {
    if (highlight) { highlight.remove(); }
    highlight = L.circleMarker([lat, lng], { radius: 22, weight: 4, color: "#0b4f9c", fill: false,
                                             interactive: false }).addTo(map);
    map.setView([lat, lng], Math.max(map.getZoom(), 16));
    if (window.matchMedia("(max-width: 59.99rem)").matches) {
      panel.classList.remove("open");
      document.body.classList.remove("dash-detail-open");
      document.getElementById("dash-map").scrollIntoView({ block: "center" });
    }
  }

  // --- The pickup part of the detail, and its buttons ------------------------------------------------

  var ACTIONS = {
    claim: { text: "actionClaim", kind: "primary" },
    picked_up: { text: "actionPickedUp", kind: "primary" },
    arrived: { text: "actionArrived", kind: "primary" },
    release: { text: "actionRelease" },
    hand_over: { text: "actionHandOver" }
  };

  function renderPickup(pickup) {
    var section = document.getElementById("dash-pickup");
    if (!section) { return; }
    section.textContent = "";
    var heading = append(el("h3"), T.pickup + " ");
    section.appendChild(heading);
    if (detailData) { detailData.pickup = pickup; }
    if (!pickup) {
      var quickBar = document.getElementById("dash-quick-actions");
      if (quickBar) { quickBar.textContent = ""; }
      append(section, el("p", "muted", T.pickupNone));
      return;
    }
    append(heading, el("span", "dash-state state-" + pickup.status, pickup.status_label));
    if (pickup.claim_expires_at) {
      var countdown = el("p", "dash-countdown");
      countdown.dataset.expires = pickup.claim_expires_at;
      section.appendChild(countdown);
      tick();
    }
    var facts = el("dl", "dash-facts");
    fact(facts, T.destination, pickup.destination);
    fact(facts, T.pickupPeople, format(T.people, { count: pickup.people_count }));
    fact(facts, T.mobility, pickup.mobility_label);
    fact(facts, T.pickupUrgency, pickup.urgency_label);
    fact(facts, T.pickupNote, pickup.note);
    if (pickup.holder) { fact(facts, T.holderLabel, pickup.mine ? T.you : pickup.holder); }
    fact(facts, T.unableReasonLabel, pickup.unable_reason);
    section.appendChild(facts);

    var buttons = el("div", "dash-actions");
    // The next step (担当する, お迎え済みにする, 避難所に到着) sits in the bar at the top.
    var quick = document.getElementById("dash-quick-actions");
    if (quick) { quick.textContent = ""; }
    pickup.actions.forEach(function (action) {
      if (!ACTIONS[action]) { return; }
      var renew = action === "claim" && pickup.mine;
      var kind = ACTIONS[action].kind && !renew ? " " + ACTIONS[action].kind : "";
      var button = el("button", "button" + kind, renew ? T.actionRenew : T[ACTIONS[action].text]);
      button.type = "button";
      button.dataset.action = action;
      button.addEventListener("click", function () {
        if (action === "hand_over") { showHandOver(pickup, button); } else { act(pickup, action, {}); }
      });
      (kind && quick ? quick : buttons).appendChild(button);
    });
    if (buttons.childNodes.length) { section.appendChild(buttons); }
    var handOver = el("div", "dash-handover");
    handOver.hidden = true;
    section.appendChild(handOver);

    if (pickup.actions.indexOf("unable") !== -1) {
      section.appendChild(textForm(pickup, "unable", "reason", T.unableReason, T.actionUnable, 200, true));
    }
    if (pickup.actions.indexOf("note") !== -1) {
      section.appendChild(textForm(pickup, "note", "note", T.note, T.actionNote, 500, false));
    }

    append(section, el("h4", null, T.history));
    var history = el("ol", "dash-history");
    pickup.history.slice().reverse().forEach(function (event) {
      var item = el("li");
      var time = el("time", null, hhmm(event.at));
      time.dateTime = event.at;
      append(item, time, " ", el("strong", null, event.kind_label),
             event.by ? " · " + event.by : "", event.to ? " → " + event.to : "",
             event.note ? el("span", "dash-history-note", event.note) : null);
      history.appendChild(item);
    });
    section.appendChild(history);
  }

  var textFormCount = 0;
  function textForm(pickup, action, field, label, buttonText, maxLength, folded) {
    var id = "dash-" + action + "-" + (++textFormCount);
    var wrap = el(folded ? "details" : "div", "dash-text-form");
    if (folded) { wrap.appendChild(el("summary", null, buttonText)); }
    var labelNode = el("label", null, label);
    labelNode.htmlFor = id;
    var input = el("textarea");
    input.id = id;
    input.rows = 2;
    input.maxLength = maxLength;
    var button = el("button", "button", buttonText);
    button.type = "button";
    button.addEventListener("click", function () {
      var data = {};
      data[field] = input.value;
      act(pickup, action, data);
    });
    append(wrap, labelNode, input, button);
    return wrap;
  }

  function showHandOver(pickup, trigger) {
    var box = document.querySelector(".dash-handover");
    box.hidden = false;
    box.textContent = T.loading;
    getJSON(withId(urls.candidates, pickup.id)).then(function (answer) {
      box.textContent = "";
      if (!answer.ok) { throw new Error(String(answer.status)); }
      if (!answer.body.candidates.length) { append(box, el("p", "muted", T.handOverNone)); return; }
      var label = el("label", null, T.handOverTo);
      label.htmlFor = "dash-handover-to";
      var select = el("select");
      select.id = "dash-handover-to";
      answer.body.candidates.forEach(function (person) {
        var option = el("option", null, person.name);
        option.value = person.id;
        select.appendChild(option);
      });
      var button = el("button", "button", T.actionHandOver);
      button.type = "button";
      button.addEventListener("click", function () {
        act(pickup, "hand_over", { to_user: Number(select.value) });
      });
      append(box, label, select, button);
      select.focus();
    }).catch(function () { box.textContent = T.loadError; trigger.focus(); });
  }

  function say(kind, message) {
    actionStatus.hidden = false;
    actionStatus.className = "save-status " + kind;
    actionStatus.textContent = message;
  }

  function act(pickup, action, data) {
    var buttons = panelBody.querySelectorAll("#dash-pickup button, #dash-quick-actions button");
    Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
    say("pending", T.sending);
    postJSON(withId(urls[action], pickup.id), data).then(function (answer) {
      var body = answer.body || {};
      if (answer.status === 404) { say("error", T.gone); showGone(); return; }
      if (answer.ok) {
        learnClock(body.server_time);
        say("saved", body.message);
        // Our own change: no need to fetch the detail again when the list reports it.
        detailChangedAt = body.pickup.changed_at;
      } else {
        say("error", body.message || body.detail || T.sendError);
      }
      if (body.pickup && pickup.report_id === detailId) { renderPickup(body.pickup); }
      else { Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; }); }
      // The message sits at the top of the panel (under a phone's sticky title).
      actionStatus.focus({ preventScroll: true });
      panel.scrollTop = 0;
      // Everyone's map and list hear of it within a poll; ours at once.
      refreshList().catch(showOffline);
      refreshLayers().catch(showOffline);
    }).catch(function () {
      say("error", T.sendError);
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; });
    });
  }

  function tick() {
    var countdown = document.querySelector(".dash-countdown");
    if (!countdown) { return; }
    var left = Date.parse(countdown.dataset.expires) - serverNow();
    if (left <= 0) {
      countdown.textContent = T.expired;
      countdown.classList.add("expired");
    } else if (left < 60000) {
      countdown.textContent = T.expiresSoon;
    } else {
      countdown.textContent = format(T.expiresIn, { minutes: Math.ceil(left / 60000) });
    }
  }
  setInterval(tick, 5000);

  poll();
})();
