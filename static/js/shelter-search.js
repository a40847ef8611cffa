// Fill the hidden lat/lng from the browser's location, then search.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var form = document.getElementById("shelter-search");
  var status = document.getElementById("location-status");
  if (!button || !form || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "現在地を確認しています… / Finding your location…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(6);
      form.elements.lng.value = position.coords.longitude.toFixed(6);
      form.elements.area.value = "";
      form.submit();
    }, function () {
      status.textContent = "現在地がわかりませんでした。町名から探してください。 / Location unavailable: please choose a town.";
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
