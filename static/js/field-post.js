// Sending from the field over a flaky network: every submission carries an Idempotency-Key that
// stays the same until the server has answered, so a resend never records a thing twice.
window.FieldPost = (function () {
  "use strict";

  function newKey() {  // crypto.randomUUID needs HTTPS; getRandomValues works everywhere
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // POST `body` (FormData) to `url`; resolves to {status, body}; rejects when the network failed.
  function send(url, body, key, csrf) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Idempotency-Key": key, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, body: data }; });
    });
  }

  // The messages of a DRF 400 answer as one line of text.
  function messages(errors) {
    return Object.keys(errors).map(function (field) { return [].concat(errors[field]).join(" "); }).join(" ");
  }

  return { newKey: newKey, send: send, messages: messages };
})();
