// LINE simulator chat: ask for new messages every few seconds while the page is
// visible, so the portal's replies appear without a reload. The server draws them.
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  if (!log || !window.fetch) { return; }
  var quick = document.getElementById("chat-quick-replies");
  var busy = false;

  var scroller = log.closest(".sim-log") || log;  // the log box around the list

  function scrollToEnd() { scroller.scrollTop = scroller.scrollHeight; }

  function poll() {
    if (busy || document.visibilityState !== "visible") { return; }
    busy = true;
    var url = log.dataset.pollUrl + "?after=" + encodeURIComponent(log.dataset.lastId);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("poll answered " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (!data.html) { return; }
        var empty = log.querySelector(".sim-empty");
        if (empty) { empty.remove(); }
        log.insertAdjacentHTML("beforeend", data.html);
        log.dataset.lastId = data.last_id;
        if (quick && data.quick_replies !== null) { quick.innerHTML = data.quick_replies; }
        scrollToEnd();
      })
      .catch(function () { /* offline for a moment: the next round tries again */ })
      .then(function () { busy = false; });
  }

  scrollToEnd();
  setInterval(poll, 2500);
  document.addEventListener("visibilitychange", poll);
})();
