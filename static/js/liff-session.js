// Inside LINE: get the LIFF ID token and hand it to the server, which verifies it
// with LINE. The page never sends a user id of its own.
(function () {
  "use strict";
  var box = document.getElementById("liff-status");
  if (!box || !window.liff) { return; }
  function fail(message) {
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "form-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    box.appendChild(p);
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  window.liff.init({ liffId: box.dataset.liffId }).then(function () {
    if (!window.liff.isLoggedIn()) { window.liff.login({ redirectUri: location.href }); return; }
    var body = new URLSearchParams({ id_token: window.liff.getIDToken() || "", next: box.dataset.next });
    return fetch(box.dataset.sessionUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.ok) { location.replace(data.next); } else { fail(data.message); }
      });
    });
  }).catch(function () {
    fail("LINE との接続に失敗しました。通信状況をご確認のうえ、開き直してください。 / Could not connect to LINE.");
  });
})();
