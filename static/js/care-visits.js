// 今日走访: log a visit to a key person (finding, place, photo, the phone's position). Each form
// keeps its Idempotency-Key until the server answers, so a resend never records it twice.
(function () {
  "use strict";
  var result = document.getElementById("visit-result");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]");
  if (!result || !csrf) return;

  function say(kind, text) {
    result.className = "alert alert-" + kind;
    result.textContent = text;
  }

  var position = null;
  if (navigator.geolocation && window.isSecureContext) {
    navigator.geolocation.getCurrentPosition(function (pos) { position = pos.coords; }, function () {},
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  document.querySelectorAll("form.visit-form").forEach(function (form) {
    var raise = form.querySelector(".raise-case");
    raise.addEventListener("change", function () {
      form.querySelector(".case-category").classList.toggle("d-none", !raise.checked);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (position) {
        form.lat.value = position.latitude.toFixed(6);
        form.lng.value = position.longitude.toFixed(6);
      }
      form.dataset.key = form.dataset.key || FieldPost.newKey();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var body = new FormData(form);
      ["lat", "lng", "category"].forEach(function (name) { if (!body.get(name)) body.delete(name); });
      var photo = body.get("photo");
      if (photo && !photo.size) body.delete("photo");
      FieldPost.send(form.dataset.endpoint, body, form.dataset.key, csrf.value).then(function (answer) {
        if (answer.status === 200 || answer.status === 201) {
          delete form.dataset.key;
          var card = form.closest("li");
          card.querySelector(".due-state").innerHTML = '<span class="badge text-bg-success">已走访 · 下次 ' + answer.body.next_due + "</span>";
          form.closest("details").remove();
          say("success", "已登记走访" + (answer.body.case_number ? "，已转立事件 " + answer.body.case_number : "") + "。");
        } else {
          say("danger", FieldPost.messages(answer.body) || "提交未成功，请稍后重试。");
        }
      }).catch(function () {
        say("warning", "网络不通，已保留本次内容。信号恢复后再点一次，不会重复记录。");
      }).finally(function () { button.disabled = false; });
    });
  });

  document.querySelectorAll("form.contact-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.dataset.key = form.dataset.key || FieldPost.newKey();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      FieldPost.send(form.dataset.endpoint, new FormData(form), form.dataset.key, csrf.value).then(function (answer) {
        if (answer.status === 200 || answer.status === 201) {
          delete form.dataset.key;
          button.className = "btn btn-sm btn-success";
          button.textContent = "已登记";
          say("success", "已登记联系：" + form.querySelector(".fw-semibold").textContent);
        } else {
          button.disabled = false;
          say("danger", FieldPost.messages(answer.body) || "提交未成功，请稍后重试。");
        }
      }).catch(function () {
        button.disabled = false;
        say("warning", "网络不通，已保留本次内容。信号恢复后再点一次，不会重复记录。");
      });
    });
  });
})();
