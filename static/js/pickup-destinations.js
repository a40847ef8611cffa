// The pickup form: as soon as "車いす" or "担架" is chosen, barrier-free shelters move to
// the top of the destinations (each group keeps its nearest-first order), and back when
// another answer is chosen. The server orders its own answers the same way; without
// this script the list is simply nearest first until the form is sent.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pickup-form]");
  if (!form) { return; }
  var NEEDS_BARRIER_FREE = ["wheelchair", "stretcher"];
  var radios = form.querySelectorAll("input[name=destination]");
  if (!radios.length) { return; }
  var list = radios[0].closest(".choices");
  var hint = document.getElementById("barrier-free-first");
  if (!list) { return; }
  var items = Array.prototype.map.call(radios, function (radio) {
    return radio.closest("label") || radio;
  });
  var original = items.slice();
  // The nearest is preselected for people who do not choose; someone who did choose
  // keeps their choice whatever the order.
  var chosenByHand = false;
  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener("change", function () { chosenByHand = true; });
  });

  function order(barrierFreeFirst) {
    var sorted = original.slice();
    if (barrierFreeFirst) {
      sorted = original.filter(function (item) {
        return item.querySelector("input[data-barrier-free]");
      }).concat(original.filter(function (item) {
        return !item.querySelector("input[data-barrier-free]");
      }));
    }
    sorted.forEach(function (item) { list.appendChild(item); });
    if (!chosenByHand && form.querySelector("input[name=destination]:checked")) {
      sorted[0].querySelector("input[name=destination]").checked = true;
    }
    if (hint) { hint.hidden = !barrierFreeFirst; }
  }

  form.querySelectorAll("input[name=mobility]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked) { order(NEEDS_BARRIER_FREE.indexOf(radio.value) !== -1); }
    });
  });
})();
