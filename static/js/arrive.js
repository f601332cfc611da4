// 到场确认 (115): before the form goes, ask the browser for the phone's position (at most 8 s)
// and put it in the hidden fields; without a position (refused, no GPS) the arrival is sent anyway.
(function () {
  "use strict";
  var form = document.getElementById("form-arrive");
  if (!form || !navigator.geolocation) { return; }
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
