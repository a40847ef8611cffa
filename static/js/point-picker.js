// A Leaflet map that picks one point into a latitude and a longitude input.
//
//   {{ map_config|json_script:"map-config" }}            (lib.maps.map_config)
//   <div data-point-picker data-lat-input="id_latitude" data-lng-input="id_longitude"
//        data-marker-label="選んだ地点"></div>
//
// Tiles, attribution and the default centre come from the JSON (data-map-config names
// another element id). A tap on the map or a marker drag writes the point, rounded to
// 6 decimals (~0.1 m), into the inputs, fires "change" on each and then "pointpicked"
// (detail: {lat, lng}) on the map element; typing into the inputs moves the marker.
// Without JavaScript (or Leaflet) the inputs simply stay ordinary inputs.
// Maps attach when the page has loaded; a page script that needs the Leaflet map
// earlier calls window.hakobouPointPicker(element), which attaches once.
(function () {
  "use strict";
  var DECIMALS = 6;

  function round(value) {
    return Number(value.toFixed(DECIMALS));
  }

  function pointOf(latInput, lngInput) {
    var lat = latInput.value.trim(), lng = lngInput.value.trim();
    if (lat === "" || lng === "") { return null; }
    lat = Number(lat);
    lng = Number(lng);
    if (!isFinite(lat) || !isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      return null;
    }
    return window.L.latLng(lat, lng);
  }

  function fire(target, name, detail) {
    var event = detail ?
      new CustomEvent(name, { bubbles: true, detail: detail }) :
      new Event(name, { bubbles: true });
    target.dispatchEvent(event);
  }

  function attach(element) {
    if (element.pointPicker) { return element.pointPicker; }
    var L = window.L;
    var source = document.getElementById(element.dataset.mapConfig || "map-config");
    var latInput = document.getElementById(element.dataset.latInput);
    var lngInput = document.getElementById(element.dataset.lngInput);
    if (!L || !source || !latInput || !lngInput) { return null; }
    var config = JSON.parse(source.textContent);

    var options = {};
    if (config.minZoom != null) { options.minZoom = config.minZoom; }
    if (config.maxZoom != null) { options.maxZoom = config.maxZoom; }
    var map = L.map(element, options);
    var layers = {};
    config.tiles.forEach(function (tile, index) {
      layers[tile.name] = L.tileLayer(tile.url, tile.options);
      if (index === 0) { layers[tile.name].addTo(map); }
    });
    if (config.tiles.length > 1) { L.control.layers(layers).addTo(map); }

    var icon = L.icon(L.extend({}, L.Icon.Default.prototype.options, config.markerIcon));
    var picker = { element: element, map: map, marker: null };
    var writing = false;

    function place(latlng) {
      if (picker.marker) {
        picker.marker.setLatLng(latlng);
        return;
      }
      picker.marker = L.marker(latlng, {
        icon: icon, draggable: true, alt: element.dataset.markerLabel || ""
      }).addTo(map);
      picker.marker.on("dragend", function () { pick(picker.marker.getLatLng()); });
    }

    function pick(latlng) {
      latlng = latlng.wrap();
      var lat = round(latlng.lat), lng = round(latlng.lng);
      place(L.latLng(lat, lng));
      writing = true;
      latInput.value = String(lat);
      lngInput.value = String(lng);
      fire(latInput, "change");
      fire(lngInput, "change");
      writing = false;
      fire(element, "pointpicked", { lat: lat, lng: lng });
    }

    // While typing the marker follows; the map pans only to a finished value ("change"),
    // not to every half-typed number on the way.
    function typed(event) {
      if (writing) { return; }
      var latlng = pointOf(latInput, lngInput);
      if (!latlng) { return; }
      place(latlng);
      if (event.type === "change") { map.panTo(latlng); }
    }

    map.on("click", function (event) { pick(event.latlng); });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", typed);
      input.addEventListener("change", typed);
    });

    var start = pointOf(latInput, lngInput);
    if (start) {
      place(start);
      map.setView(start, config.zoom);
    } else {
      map.setView(config.center, config.zoom);
    }
    element.pointPicker = picker;
    return picker;
  }

  function attachAll() {
    var elements = document.querySelectorAll("[data-point-picker]");
    Array.prototype.forEach.call(elements, attach);
  }

  window.hakobouPointPicker = attach;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attachAll);
  } else {
    attachAll();
  }
})();
