// 指挥中心工作台: a sound and a highlight when a new urgent (马上办) case arrives, and keys.
(function () {
  "use strict";
  var audio = null;

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35].forEach(function (start) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.25, audio.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + 0.3);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + start);
        osc.stop(audio.currentTime + start + 0.3);
      });
    } catch (e) { /* no audio device: the highlight still shows */ }
  }

  function announce(counts) {
    if (counts.dataset.newUrgent !== "1") return;
    var alert = document.getElementById("urgent-alert");
    alert.querySelector("a").href = counts.dataset.urgentUrl;
    alert.classList.remove("d-none");
    document.body.classList.add("urgent-flash");
    setTimeout(function () { document.body.classList.remove("urgent-flash"); }, 3000);
    beep();
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "queue-counts" || event.detail.elt.id === "queue-counts") {
      announce(document.getElementById("queue-counts"));
    }
  });

  // "/" jumps to the search box; Escape leaves it.
  document.addEventListener("keydown", function (event) {
    var search = document.getElementById("desk-search");
    var typing = /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing && search) { event.preventDefault(); search.focus(); }
    if (event.key === "Escape" && document.activeElement === search) { search.blur(); }
  });
})();
