// Shelter status board: poll the board API while the page is visible (ETag, so an
// unchanged board costs one small 304) and update the table in place.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var labels = JSON.parse(document.getElementById("care-labels").textContent);
  var updated = document.getElementById("board-updated");
  var etag = null;
  var lastGood = new Date();
  var INTERVAL_MS = 10000;

  function say(template, when) {
    updated.textContent = template.replace("{time}", when.toLocaleTimeString());
  }

  function apply(shelters) {
    shelters.forEach(function (row) {
      var tr = board.querySelector('tr[data-shelter="' + row.id + '"]');
      if (!tr) { return; }
      tr.querySelector(".status").textContent = row.status_label;
      tr.querySelector(".people").textContent = row.people;
      var congestion = tr.querySelector(".congestion");
      congestion.className = "congestion congestion-" + row.congestion;
      congestion.textContent = row.congestion_label;
      var care = tr.querySelector(".care");
      care.textContent = "";
      Object.keys(labels).forEach(function (code) {
        if (!row.care[code]) { return; }
        var chip = document.createElement("span");
        chip.className = "chip care";
        chip.textContent = labels[code] + " " + row.care[code];
        care.appendChild(chip);
      });
    });
  }

  function poll() {
    if (document.hidden) { return; }
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(board.dataset.url, { credentials: "same-origin", headers: headers })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (body) {
        if (body) { apply(body.shelters); }
        lastGood = new Date();
        say(board.dataset.updatedText, lastGood);
      })
      .catch(function () { say(board.dataset.offlineText, lastGood); });
  }

  // Closing a shelter stops check-ins there: ask once before doing it.
  board.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });

  setInterval(poll, INTERVAL_MS);
  document.addEventListener("visibilitychange", poll);
  poll();
})();
