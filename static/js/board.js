// Shelter status board: poll the board API while the page is visible (ETag, so an
// unchanged board costs one small 304) and update the table in place.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var labels = JSON.parse(document.getElementById("care-labels").textContent);
  var texts = JSON.parse(document.getElementById("board-texts").textContent);
  var clock = window.hakobouCityClock(texts.timeZone);
  var updated = document.getElementById("board-updated");
  var etag = null;
  var lastGood = new Date();
  var INTERVAL_MS = 10000;

  function say(template, when) {
    updated.textContent = template.replace("{time}", clock.hhmmss(when));
  }

  function apply(shelters) {
    shelters.forEach(function (row) {
      var tr = board.querySelector('tr[data-shelter="' + row.id + '"]');
      if (!tr) { return; }
      var status = tr.querySelector(".board-status");
      status.className = "board-status status-" + row.status;
      status.textContent = row.status_label;
      tr.querySelector(".people").textContent = row.people;
      var congestion = tr.querySelector(".congestion");
      congestion.className = "congestion congestion-" + row.congestion + " board-badge";
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
      statusButtons(tr, row);
    });
  }

  // The buttons the server offers now (row.actions): someone else may have closed or
  // opened the shelter since the page was drawn.
  function statusButtons(tr, row) {
    var form = tr.querySelector(".board-status-form");
    if (!form) { return; }
    var shown = Array.prototype.map.call(form.querySelectorAll("button[name=status]"),
                                         function (button) { return button.value; });
    if (shown.join() === row.actions.join()) { return; }
    Array.prototype.forEach.call(form.querySelectorAll("button[name=status]"),
                                 function (button) { button.remove(); });
    row.actions.forEach(function (value) {
      var button = document.createElement("button");
      button.type = "submit";
      button.name = "status";
      button.value = value;
      button.textContent = texts.statusButtons[value];
      if (value === "closed" && !row.people) {
        button.dataset.confirm = texts.confirmClose.replace("%(name)s", form.dataset.name);
      }
      form.appendChild(button);
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
