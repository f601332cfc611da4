// 115 countdowns (desk and wall screen): each [data-due] (epoch seconds) shows mm:ss left, turns
// yellow within its alert seconds and red with "超时" once past; the server's clock is the
// reference (data-now, the moment the element was rendered), so a skewed PC clock does not matter.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      if (el.dataset.offset === undefined) { el.dataset.offset = String(Number(el.dataset.now) * 1000 - now); }
      var left = Math.round((Number(el.dataset.due) * 1000 - now - Number(el.dataset.offset)) / 1000);
      var abs = Math.abs(left), text = pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
      var warn = left >= 0 && left <= Number(el.dataset.alert || 0), lapsed = left < 0;
      el.querySelector(".countdown-clock").textContent = lapsed ? "超时 " + text : text;
      el.classList.toggle("text-bg-warning", warn);
      el.classList.toggle("text-bg-danger", lapsed);
      el.classList.toggle("text-bg-light", !warn && !lapsed);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
})();
