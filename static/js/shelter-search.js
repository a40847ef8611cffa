// Fill the hidden lat/lng from the browser's location, then search. The status line
// (aria-live) says what happened: looking, refused, not found; after the search the
// page itself says the list is nearest first from here (shelters.views.search).
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var form = document.getElementById("shelter-search");
  var status = document.getElementById("location-status");
  if (!button || !form || !status || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.dataset.finding;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(6);
      form.elements.lng.value = position.coords.longitude.toFixed(6);
      form.elements.origin.value = "gps";
      form.elements.area.value = "";
      status.textContent = status.dataset.searching;
      form.submit();
    }, function (error) {
      button.disabled = false;
      // 1: the person (or the browser) said no; 2 and 3: no position, or not in time.
      status.textContent = error && error.code === 1 ? status.dataset.denied : status.dataset.unavailable;
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();

// The map (an addition to the list): open shelters numbered in the list's order and
// coloured by congestion, and the searched point. A tap on the map searches from there:
// point-picker.js writes the hidden lat/lng, this submits the form.
(function () {
  "use strict";
  var section = document.getElementById("shelter-map-section");
  var element = document.getElementById("shelter-map");
  var form = document.getElementById("shelter-search");
  var source = document.getElementById("shelter-map-data");
  var status = document.getElementById("location-status");
  if (!section || !element || !form || !source || !window.L || !window.hakobouPointPicker) {
    return;
  }
  section.hidden = false;
  var picker = window.hakobouPointPicker(element);
  if (!picker) { section.hidden = true; return; }
  var L = window.L;
  var data = JSON.parse(source.textContent);

  function popup(shelter) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = shelter.name;
    var congestion = document.createElement("span");
    congestion.className = "congestion " + shelter.congestion;
    congestion.textContent = shelter.congestion_label;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(congestion);
    if (shelter.distance) { box.appendChild(document.createTextNode(" " + shelter.distance)); }
    return box;
  }

  data.shelters.forEach(function (shelter, index) {
    var number = document.createElement("span");
    number.textContent = String(index + 1);
    var icon = L.divIcon({
      className: "shelter-marker " + shelter.congestion, html: number,
      iconSize: [34, 34], iconAnchor: [17, 17], popupAnchor: [0, -17]
    });
    // Not in the tab order: the list below carries the same facts for keyboards and readers.
    L.marker([shelter.lat, shelter.lng], { icon: icon, title: shelter.name, keyboard: false })
      .bindPopup(popup(shelter)).addTo(picker.map);
  });

  // A town search is from the town's centre, not from lat/lng left over in the form.
  if (form.elements.area.value && picker.marker) {
    picker.marker.remove();
    picker.marker = null;
  }
  if (data.point && !picker.marker) {
    L.circleMarker(data.point, { radius: 9, weight: 3, color: "#0b4f9c", fillOpacity: 0.4 })
      .addTo(picker.map);
  }
  // The searched point and the nearest few, or every open shelter before a search.
  var near = (data.point ? data.shelters.slice(0, 5) : data.shelters).map(function (shelter) {
    return [shelter.lat, shelter.lng];
  });
  if (data.point) { near.push(data.point); }
  if (near.length > 1) {
    picker.map.fitBounds(near, { padding: [32, 32], maxZoom: 16, animate: false });
  } else if (near.length === 1) {
    picker.map.setView(near[0], 16, { animate: false });
  }

  // The first tap already searches, so a double tap cannot be a zoom here (+/- and pinch are).
  picker.map.doubleClickZoom.disable();
  element.addEventListener("pointpicked", function () {
    form.elements.area.value = "";
    form.elements.origin.value = "map";
    if (status) { status.textContent = element.dataset.searching; }
    form.submit();
  });
})();
