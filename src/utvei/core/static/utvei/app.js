// Utvei shell behaviour. Loaded as a file (CSP forbids inline script).
// Idle-session warning: the server ends a session after SESSION_IDLE_SECONDS without a request.
// Typing in a form counts as activity and renews the session, so a long note is never lost to the
// timeout; a dialog warns before an idle session ends.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.sessionIdle || "0", 10);
  if (!idle) { return; }
  var warnBefore = parseInt(body.dataset.sessionWarning || "120", 10);
  var keepaliveUrl = body.dataset.keepaliveUrl;
  var loginUrl = body.dataset.loginUrl;
  var dialog = document.getElementById("session-warning");
  var lastServerContact = Date.now();
  var typedSinceContact = false;
  var PING_EVERY_MS = 60 * 1000;

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function keepalive() {
    return fetch(keepaliveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) { lastServerContact = Date.now(); typedSinceContact = false; }
      return response.ok;
    });
  }

  function onActivity() {
    typedSinceContact = true;
    if (Date.now() - lastServerContact > PING_EVERY_MS) { keepalive(); }
  }

  document.addEventListener("input", onActivity, true);
  document.addEventListener("htmx:afterRequest", function () { lastServerContact = Date.now(); });

  if (dialog) {
    var stay = dialog.querySelector("[data-action=stay-logged-in]");
    stay.addEventListener("click", function () {
      keepalive().then(function () { dialog.close(); });
    });
  }

  setInterval(function () {
    var idleFor = (Date.now() - lastServerContact) / 1000;
    if (idleFor >= idle) {
      window.location.assign(loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
    } else if (idleFor >= idle - warnBefore && dialog && !dialog.open) {
      if (typedSinceContact) { keepalive(); } else { dialog.showModal(); }
    }
  }, 5000);
})();

// Autosave of long text fields. A form with data-autosave-key and data-autosave-url saves each textarea
// as a draft shortly after typing stops, restores drafts into empty fields on load, and reports the
// saved state in its [data-autosave-status] element. Drafts are removed when the form is saved.
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  document.querySelectorAll("form[data-autosave-key]").forEach(function (form) {
    var key = form.dataset.autosaveKey;
    var url = form.dataset.autosaveUrl;
    var status = form.querySelector("[data-autosave-status]");
    var timers = {};
    function say(text) { if (status && text) { status.textContent = text; } }
    fetch(url + "?key=" + encodeURIComponent(key), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { fields: {} }; })
      .then(function (data) {
        var restored = 0;
        Object.keys(data.fields || {}).forEach(function (name) {
          var el = form.elements[name];
          if (el && !el.value && data.fields[name]) { el.value = data.fields[name]; restored += 1; }
        });
        if (restored && status) { say(status.dataset.restoredText); }
      });
    function save(area) {
      var body = new URLSearchParams({ key: key, field: area.name, text: area.value });
      fetch(url, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
        .then(function (d) { if (status) { say(status.dataset.savedText.replace("{time}", d.saved_at)); } })
        .catch(function () { if (status) { say(status.dataset.failedText); } });
    }
    form.querySelectorAll("textarea").forEach(function (area) {
      area.addEventListener("input", function () {
        clearTimeout(timers[area.name]);
        if (status) { say(status.dataset.savingText); }
        timers[area.name] = setTimeout(function () { save(area); }, 1200);
      });
    });
  });
})();

// After a failed submit, move focus to the error summary (or to the conflict notice of an edit saved over
// by someone else) so keyboard and screen-reader users hear what went wrong and can follow its links.
(function () {
  "use strict";
  var summary = document.querySelector(".ds-error-summary, .utvei-conflict");
  if (summary) { summary.focus(); }
})();

// When htmx swaps in another tab of the case workspace, move focus to the new panel so keyboard and
// screen-reader users land on what they asked for (the tab links also work as plain links without it).
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "case-workspace") { return; }
    var panel = document.getElementById("case-panel");
    if (panel) { panel.focus(); }
  });
})();

// Character counter for long text fields. A textarea with data-counter and maxlength (its limit is also
// stated in its help text, so the page works without this) gets a line below it that counts the
// characters left; screen readers hear the count in a polite live region only once typing pauses.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "nb";
  var words = lang.indexOf("en") === 0
    ? { left: "characters left", over: "characters too many" }
    : { left: "tegn igjen", over: "tegn for mye" };
  function grouped(n) {
    try { return n.toLocaleString(lang === "en" ? "en-GB" : "nb-NO"); } catch (e) { return String(n); }
  }
  function attach(area) {
    if (area.dataset.counterAttached) { return; }
    var limit = parseInt(area.getAttribute("maxlength") || "0", 10);
    if (!limit) { return; }
    area.dataset.counterAttached = "true";
    var shown = document.createElement("p");
    shown.className = "ds-paragraph utvei-counter";
    shown.setAttribute("data-size", "sm");
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "ds-sr-only";
    spoken.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", shown);
    shown.insertAdjacentElement("afterend", spoken);
    var timer = null;
    function text() {
      var left = limit - area.value.length;
      return left >= 0 ? grouped(left) + " " + words.left : grouped(-left) + " " + words.over;
    }
    function update() {
      shown.textContent = text();
      shown.classList.toggle("utvei-counter-over", area.value.length > limit);
      clearTimeout(timer);
      timer = setTimeout(function () { spoken.textContent = text(); }, 1000);
    }
    area.addEventListener("input", update);
    shown.textContent = text();
  }
  function scan(root) { root.querySelectorAll("textarea[data-counter][maxlength]").forEach(attach); }
  scan(document);
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.detail.target || document); });
})();
