// わたしのQRコード: the codes expire after a few minutes. Instead of reloading the whole
// page (which moves the reader and what a screen reader is reading), fetch the page
// again while it is shown and swap in the new codes only. Hidden (another app, the
// phone asleep): nothing is fetched; back on the page, an old code is renewed at once.
(function () {
  "use strict";
  var codes = document.getElementById("qr-codes");
  var note = document.getElementById("qr-renewed");
  if (!codes || !note || !window.fetch || !window.DOMParser) { return; }
  var every = Number(codes.dataset.renewSeconds) * 1000;
  var renewedAt = Date.now();
  var busy = false;

  function clock(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  function say(text) { note.textContent = text; }

  function renew() {
    if (busy || document.visibilityState !== "visible") { return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("answered " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("qr-codes");
        if (!fresh) { throw new Error("no codes in the page"); }
        codes.innerHTML = fresh.innerHTML;
        renewedAt = Date.now();
        say(note.dataset.renewedText.replace("{time}", clock(new Date(renewedAt))));
      })
      .catch(function () { say(note.dataset.offlineText); })
      .then(function () { busy = false; });
  }

  function renewIfOld() {
    if (Date.now() - renewedAt >= every) { renew(); }
  }

  say(note.dataset.renewedText.replace("{time}", clock(new Date(renewedAt))));
  setInterval(renewIfOld, 15000);
  document.addEventListener("visibilitychange", renewIfOld);
})();
