// Shelter reception: scan (camera or keyboard-wedge scanner) or search by name, then
// one tap to check in or out. Every action can be sent again safely: the server keeps
// one open stay per person, so a retry after a lost answer cannot make a second one.
(function () {
  "use strict";
  var root = document.getElementById("reception");
  if (!root) { return; }
  var texts = JSON.parse(document.getElementById("reception-texts").textContent);
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var statusBox = document.getElementById("save-status");
  var results = document.getElementById("results");
  var template = document.getElementById("person-template");
  var scanField = document.getElementById("scan-code");
  var TIMEOUT_MS = 10000;

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function showStatus(kind, message, retry) {
    statusBox.hidden = false;
    statusBox.className = "save-status " + kind;
    statusBox.textContent = message;
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = texts.retry;
      button.addEventListener("click", retry);
      statusBox.appendChild(document.createTextNode(" "));
      statusBox.appendChild(button);
    }
  }

  // POST JSON; resolves with {ok, status, body} or rejects on a network failure/timeout.
  function post(url, data) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(data),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) { clearTimeout(timer); }
      if (response.status >= 500) { throw new Error("server " + response.status); }
      return response.json().then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  function problemText(body) {
    if (body.message) { return body.message; }
    if (body.detail) { return body.detail; }
    var first = Object.keys(body)[0];
    return first ? String(body[first]) : "";
  }

  function renderPeople(people) {
    results.textContent = "";
    if (!people.length) {
      var empty = document.createElement("p");
      empty.textContent = texts.no_results;
      results.appendChild(empty);
      return;
    }
    people.forEach(function (person) { results.appendChild(card(person)); });
  }

  function card(person) {
    var node = template.content.firstElementChild.cloneNode(true);
    node.querySelector(".person-name").textContent = person.name;
    node.querySelector(".person-kana").textContent = person.kana;
    var badges = node.querySelector(".person-badges");
    var labels = [person.verified ? texts.verified : texts.unverified];
    if (person.needs_support) { labels.push(texts.needs_support); }
    labels = labels.concat(person.care);
    labels.forEach(function (label, index) {
      var chip = document.createElement("span");
      chip.className = "chip" + (index > 0 ? " care" : "");
      chip.textContent = label;
      badges.appendChild(chip);
    });
    if (person.told && (person.told.care.length || person.told.notes.length)) {
      badges.parentNode.insertBefore(told(person.told), badges.nextSibling);
    }
    var where = node.querySelector(".person-where");
    var stay = person.stay;
    where.textContent = format(texts[stay.where], stay) +
      (stay.where !== "none" && stay.companions ? " / " + format(texts.companions, { count: stay.companions }) : "");
    where.className = "person-where where-" + stay.where;
    var checkIn = node.querySelector(".act-check-in");
    var transfer = node.querySelector(".act-transfer");
    var checkOut = node.querySelector(".act-check-out");
    var companions = node.querySelector(".companions");
    checkIn.hidden = stay.where !== "none";
    companions.hidden = stay.where !== "none";
    transfer.hidden = stay.where !== "elsewhere";
    checkOut.hidden = stay.where !== "here";
    function act(url, extra) {
      var data = { handle: person.handle };
      Object.keys(extra || {}).forEach(function (key) { data[key] = extra[key]; });
      send(url, data, node);
    }
    checkIn.addEventListener("click", function () {
      act(root.dataset.checkInUrl, { companions: node.querySelector(".companions-input").value || 0 });
    });
    transfer.addEventListener("click", function () { act(root.dataset.transferUrl); });
    checkOut.addEventListener("click", function () { act(root.dataset.checkOutUrl); });
    node.personTold = person.told;
    return node;
  }

  // What the person (their household) told on the way in: an out-of-shelter report's
  // care and notes, a pickup's mobility (車いす …). Only lookups carry it.
  function told(data) {
    var box = document.createElement("div");
    box.className = "person-told";
    var heading = document.createElement("p");
    heading.className = "person-told-heading";
    heading.textContent = texts.told;
    box.appendChild(heading);
    if (data.care.length) {
      var chips = document.createElement("p");
      data.care.forEach(function (label) {
        var chip = document.createElement("span");
        chip.className = "chip care told";
        chip.textContent = label;
        chips.appendChild(chip);
      });
      box.appendChild(chips);
    }
    if (data.notes.length) {
      var list = document.createElement("dl");
      list.className = "told-notes";
      data.notes.forEach(function (note) {
        var term = document.createElement("dt");
        term.textContent = note.label;
        var text = document.createElement("dd");
        text.textContent = note.text;
        list.appendChild(term);
        list.appendChild(text);
      });
      box.appendChild(list);
    }
    return box;
  }

  // An action: the card is replaced by what the server now has, or the operator is told
  // plainly that it may not be saved and offered the same request again.
  function send(url, data, node) {
    var buttons = node.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    showStatus("pending", texts.sending);
    post(url, data).then(function (answer) {
      buttons.forEach(function (button) { button.disabled = false; });
      if (!answer.ok) { showStatus("error", problemText(answer.body)); return; }
      var time = new Date().toLocaleTimeString();
      showStatus(answer.body.result === "elsewhere" ? "warning" : "saved",
        format(texts.saved, { time: time }) + " " + answer.body.message);
      var now = answer.body.person;
      // An action's answer leaves out what was told on the way in: keep the lookup's.
      if (!now.told && node.personTold) { now.told = node.personTold; }
      node.replaceWith(card(now));
      refreshOccupancy();
      scanField.focus();
    }).catch(function () {
      buttons.forEach(function (button) { button.disabled = false; });
      showStatus("error", texts.not_saved, function () { send(url, data, node); });
    });
  }

  function lookup(data) {
    results.textContent = texts.searching;
    post(root.dataset.lookupUrl, data).then(function (answer) {
      if (!answer.ok) {
        results.textContent = "";
        showStatus("error", problemText(answer.body));
        return;
      }
      renderPeople(answer.body.people);
    }).catch(function () {
      results.textContent = "";
      showStatus("error", texts.not_saved, function () { lookup(data); });
    });
  }

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = scanField.value.trim();
    scanField.value = "";
    if (code) { lookup({ code: code }); }
  });
  document.getElementById("name-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    lookup({ kana: form.elements.kana.value, birth_date: form.elements.birth_date.value });
  });

  function refreshOccupancy() {
    fetch(root.dataset.boardUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        body.shelters.forEach(function (row) {
          if (String(row.id) === root.dataset.shelterId) {
            document.getElementById("occupancy").textContent = format(texts.occupancy, row);
          }
        });
      }).catch(function () { /* the next action or poll tries again */ });
  }
  setInterval(function () { if (!document.hidden) { refreshOccupancy(); } }, 15000);

  // Camera scanning with the pinned QR decoder (jsQR), when the page has it.
  var toggle = document.getElementById("camera-toggle");
  if (!toggle || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  toggle.hidden = false;
  var video = document.getElementById("camera-video");
  var box = document.getElementById("camera");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var lastCode = "";
  var lastAt = 0;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    box.hidden = true;
    toggle.textContent = texts.camera_start;
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState >= 2 && window.jsQR) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      // The same code held in front of the camera is one scan, not one per frame.
      if (found && found.data && (found.data !== lastCode || now - lastAt > 5000)) {
        lastCode = found.data;
        lastAt = now;
        lookup({ code: found.data });
      }
    }
    setTimeout(function () { window.requestAnimationFrame(tick); }, 150);
  }

  toggle.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        box.hidden = false;
        toggle.textContent = texts.camera_stop;
        return video.play();
      })
      .then(tick)
      .catch(function () { stop(); showStatus("error", texts.camera_error); });
  });
})();
