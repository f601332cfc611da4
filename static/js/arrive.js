// 到场确认 (115): the banner's button opens the form and brings it into view (on a phone it is
// further down); before the form goes, ask the browser for the phone's position (at most 8 s)
// and put it in the hidden fields; without a position (refused, no GPS) the arrival is sent anyway.
(function () {
  "use strict";
  var form = document.getElementById("form-arrive");
  if (!form) { return; }
  document.querySelectorAll("[data-arrive-now]").forEach(function (button) {
    button.addEventListener("click", function () {
      bootstrap.Collapse.getOrCreateInstance(form, { toggle: false }).show();
      form.scrollIntoView({ block: "center" });
    });
  });
  if (!navigator.geolocation) { return; }
  var status = form.querySelector("[data-geo-status]");
  form.addEventListener("submit", function (event) {
    if (form.dataset.located) { return; }
    event.preventDefault();
    if (status) { status.textContent = "正在获取定位……"; }
    var send = function () { form.dataset.located = "1"; form.requestSubmit ? form.requestSubmit() : form.submit(); };
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(pos.coords.accuracy);
      send();
    }, send, { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
})();
