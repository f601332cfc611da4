// 巡查走访: check in with the phone's position, log household visits. Each submission keeps its
// Idempotency-Key until the server answers, so pressing again after a dropped connection does
// not count twice.
(function () {
  "use strict";
  var result = document.getElementById("field-result");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]");
  if (!result || !csrf) return;

  function say(kind, text) {
    result.className = "alert alert-" + kind;
    result.textContent = text;
  }

  function submitWithKey(form, onDone) {
    form.dataset.key = form.dataset.key || FieldPost.newKey();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    FieldPost.send(form.dataset.endpoint, new FormData(form), form.dataset.key, csrf.value).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        delete form.dataset.key;
        onDone(answer.status === 201);
      } else {
        say("danger", FieldPost.messages(answer.body) || "提交未成功，请稍后重试。");
      }
    }).catch(function () {
      say("warning", "网络不通，已保留本次内容。信号恢复后再点一次，不会重复记录。");
    }).finally(function () { button.disabled = false; });
  }

  var checkin = document.getElementById("checkin-form");
  var where = document.getElementById("checkin-location");
  var submit = document.getElementById("checkin-submit");
  // Without a position the worker checks in at the grid's centre, saying why (recorded as such).
  function withoutPosition(reason, text) {
    where.textContent = text;
    checkin.no_gps_reason.value = reason;
    checkin.no_gps_reason.disabled = false;
    document.getElementById("checkin-no-gps").hidden = false;
    submit.querySelector("span").textContent = "以网格中心打卡";
    submit.disabled = false;
  }
  if (!window.isSecureContext) {
    withoutPosition("no_https", "当前连接不是 HTTPS，浏览器不允许定位。");
  } else if (!navigator.geolocation) {
    withoutPosition("no_device", "这部手机不支持定位。");
  } else {
    navigator.geolocation.getCurrentPosition(function (pos) {
      checkin.lat.value = pos.coords.latitude.toFixed(6);
      checkin.lng.value = pos.coords.longitude.toFixed(6);
      where.textContent = "已定位（精度约 " + Math.round(pos.coords.accuracy) + " 米）";
      submit.disabled = false;
    }, function (error) {
      withoutPosition(error.code === 1 ? "denied" : "no_signal", "未能取得定位。");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  checkin.addEventListener("submit", function (event) {
    event.preventDefault();
    submitWithKey(checkin, function () {
      var badge = document.getElementById("checkins-today");
      badge.textContent = "今日 " + (parseInt(badge.textContent.replace(/\D/g, ""), 10) + 1) + " 次";
      checkin.note.value = "";
      say("success", checkin.no_gps_reason.disabled ? "已打卡。" : "已以网格中心打卡，记录注明了未定位原因。");
    });
  });

  document.querySelectorAll("form.visit-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitWithKey(form, function (created) {
        var badge = document.getElementById("visits-today");
        if (created) badge.dataset.count = parseInt(badge.dataset.count, 10) + 1;
        badge.textContent = "今日 " + badge.dataset.count + " / " + badge.dataset.target + " 户";
        if (parseInt(badge.dataset.count, 10) >= parseInt(badge.dataset.target, 10)) badge.className = "badge text-bg-success";
        var button = form.querySelector("button[type=submit]");
        button.className = "btn btn-sm btn-success";
        button.textContent = "已走访";
        say("success", "已登记走访：" + form.querySelector(".fw-semibold").textContent);
      });
    });
  });

  var filter = document.getElementById("household-filter");
  filter.addEventListener("input", function () {
    var text = filter.value.trim();
    document.querySelectorAll("#households > li[data-search]").forEach(function (li) {
      li.classList.toggle("d-none", text !== "" && li.dataset.search.indexOf(text) === -1);
    });
  });
})();
