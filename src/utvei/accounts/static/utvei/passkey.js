// Passkeys (WebAuthn) as the second factor. Loaded as a file (CSP forbids inline script). Each
// [data-passkey] section names the server's begin and complete URLs; the server makes every check
// (challenge, origin, relying party, owner of the credential), this script only carries the ceremony.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (item) { return Object.assign({}, item, { id: toBuffer(item.id) }); });
  }

  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, { challenge: toBuffer(json.challenge), allowCredentials: withIds(json.allowCredentials) });
  }

  function credentialJSON(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      response.userHandle = r.userHandle ? toBase64url(r.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null
    };
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw { fromServer: true, message: data.detail || "" }; }
        return data;
      });
    });
  }

  document.querySelectorAll("[data-passkey]").forEach(function (section) {
    var button = section.querySelector("[data-passkey-start]");
    var status = section.querySelector("[data-passkey-status]");
    var register = section.dataset.passkey === "register";
    section.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = section.dataset.msgWorking;
      post(section.dataset.beginUrl).then(function (options) {
        return register
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      }).then(function (credential) {
        return post(section.dataset.completeUrl, credentialJSON(credential));
      }).then(function (result) {
        status.textContent = section.dataset.msgDone;
        window.location.assign(result.redirect_url);
      }).catch(function (error) {
        if (error && error.fromServer && error.message) {
          status.textContent = error.message;
        } else if (error && error.name === "NotAllowedError") {
          status.textContent = section.dataset.msgCancelled;
        } else {
          status.textContent = section.dataset.msgFailed;
        }
        button.disabled = false;
        button.focus();
      });
    });
  });
})();
