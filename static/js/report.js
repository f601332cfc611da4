// 上报事件: posts the form to the intake endpoint with an Idempotency-Key that stays with the
// draft until the server has answered, so a resend after a dropped connection returns the first
// case instead of making a second one. Typed fields are kept in localStorage until success.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var DRAFT = "report-draft:" + location.pathname;
  var result = document.getElementById("report-result");
  var button = document.getElementById("r-submit");

  var newKey = FieldPost.newKey;

  function loadDraft() {
    try { return JSON.parse(localStorage.getItem(DRAFT)) || {}; } catch (e) { return {}; }
  }
  var draft = loadDraft();
  draft.key = draft.key || newKey();

  function saveDraft() {
    form.querySelectorAll("[data-draft]").forEach(function (el) { draft[el.name] = el.value; });
    localStorage.setItem(DRAFT, JSON.stringify(draft));
  }
  form.querySelectorAll("[data-draft]").forEach(function (el) {
    if (draft[el.name]) el.value = draft[el.name];
    el.addEventListener("input", saveDraft);
    el.addEventListener("change", saveDraft);
  });
  saveDraft();

  // Self-resolved on the spot needs the result.
  var self = document.getElementById("r-self");
  if (self) {
    self.addEventListener("change", function () {
      document.getElementById("r-result-box").classList.toggle("d-none", !self.checked);
    });
  }

  // Location from the phone's GPS (WGS-84); without it the server uses the worker's own grid.
  var where = document.getElementById("r-location");
  if (where) {
    var fallback = function (why) {
      where.textContent = why + (where.dataset.fallback ? "，将按您负责的网格（" + where.dataset.fallback + "）上报。" : "。");
    };
    if (navigator.geolocation && window.isSecureContext) {
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.lat.value = pos.coords.latitude.toFixed(6);
        form.lng.value = pos.coords.longitude.toFixed(6);
        where.textContent = "已定位（精度约 " + Math.round(pos.coords.accuracy) + " 米）";
      }, function () { fallback("未能取得定位"); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    } else {
      fallback("当前连接不支持定位");
    }
  }

  // The centre's form: township → village → grid from the areas API (scoped to the user).
  form.querySelectorAll("select.area-step").forEach(function (select) {
    select.addEventListener("change", function () {
      var next = document.getElementById(select.dataset.next);
      var chain = [next];
      while (chain[chain.length - 1].dataset.next) chain.push(document.getElementById(chain[chain.length - 1].dataset.next));
      chain.forEach(function (el) { el.length = 1; el.disabled = true; });
      if (!select.value) return;
      fetch(form.dataset.areas + "?parent=" + select.value + "&page_size=500", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          (body.results || []).forEach(function (a) { next.add(new Option(a.name, a.id)); });
          next.disabled = false;
        });
    });
  });

  function clearErrors() {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; el.classList.add("d-none-empty"); });
    form.querySelector('[data-error-for="non_field_errors"]').classList.add("d-none");
  }

  function showErrors(errors) {
    Object.keys(errors).forEach(function (field) {
      var messages = [].concat(errors[field]).map(function (m) { return typeof m === "string" ? m : JSON.stringify(m); });
      var box = form.querySelector('[data-error-for="' + field + '"]') || form.querySelector('[data-error-for="non_field_errors"]');
      box.textContent = messages.join(" ");
      box.classList.remove("d-none");
      var input = form.elements[field];
      if (input && input.classList) input.classList.add("is-invalid");
    });
  }

  function say(kind, html) {
    result.className = "alert alert-" + kind;
    result.innerHTML = html;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    ["lat", "lng", "grid", "reporter_phone", "reporter_name", "address", "result"].forEach(function (name) {
      if (data.get(name) === "") data.delete(name);
    });
    if (!data.get("self_resolved")) data.delete("self_resolved");
    if (data.getAll("photos").length === 1 && !data.getAll("photos")[0].name) data.delete("photos");
    button.disabled = true;
    say("info", "正在发送……");
    FieldPost.send(form.dataset.endpoint, data, draft.key, form.csrfmiddlewaretoken.value).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        localStorage.removeItem(DRAFT);
        draft = { key: newKey() };
        form.reset();
        saveDraft();
        say("success", "已上报：<a class=\"alert-link\" href=\"" + form.dataset.caseUrl.replace("0", answer.body.id) + "\">" + answer.body.number +
            "</a>（" + answer.body.status_label + "）");
      } else if (answer.status === 400) {
        say("danger", "请按提示修改后再提交。");
        showErrors(answer.body);
      } else {
        say("danger", "");
        result.textContent = (answer.body && answer.body.detail) || "提交未成功，请稍后重试。";  // a message, not markup
      }
    }).catch(function () {
      say("warning", "网络不通，内容已保存在本机。请在信号恢复后再点“上报”，不会重复上报。");
    }).finally(function () { button.disabled = false; });
  });
})();
