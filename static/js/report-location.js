// The out-of-shelter report's location step: "現在地を使う" (the phone's GPS, with
// its accuracy) or a tap on the map (point-picker.js) fills the hidden inputs, and the
// status line says which one will be sent. Texts come from data- attributes (translated).
(function () {
  "use strict";
  var form = document.getElementById("report-location");
  var status = document.getElementById("location-status");
  if (!form || !status) { return; }
  var latitude = form.elements.latitude, longitude = form.elements.longitude;
  var accuracy = form.elements.accuracy_m, source = form.elements.location_source;
  var section = document.getElementById("report-map-section");
  var element = document.getElementById("report-map");
  var button = document.getElementById("use-location");
  var picker = null;

  if (section && element && window.L && window.hakobouPointPicker) {
    section.hidden = false;  // before attaching, so Leaflet measures a visible box
    picker = window.hakobouPointPicker(element);
    if (!picker) { section.hidden = true; }
  }
  if (picker) {
    element.addEventListener("pointpicked", function () {
      source.value = "map";
      accuracy.value = "";
      status.textContent = status.dataset.map;
    });
  }

  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      var coords = position.coords, metres = Math.round(coords.accuracy);
      latitude.value = coords.latitude.toFixed(6);
      longitude.value = coords.longitude.toFixed(6);
      accuracy.value = String(metres);
      source.value = "gps";
      // point-picker.js follows its inputs: this moves the marker.
      longitude.dispatchEvent(new Event("change", { bubbles: true }));
      if (picker) { picker.map.setView([coords.latitude, coords.longitude], 17, { animate: false }); }
      status.textContent = status.dataset.gps.replace("{m}", String(metres));
    }, function () {
      status.textContent = status.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  });
})();
