/*
 * 江苏省中小企业特色产业集群管理平台 — small site behaviour, plain JavaScript, no dependencies.
 *
 * (a) htmx CSRF: sent by <body hx-headers='{"X-CSRFToken": ...}'> in base.html; nothing to do here.
 * (b) Autosave: <form data-autosave="/url/"> with a hidden <input name="version"> and an element
 *     [data-autosave-status] (inside the form, or anywhere on the page). On input/change the form is
 *     POSTed (debounced 1.5 s) with X-CSRFToken and X-Requested-With: XMLHttpRequest. The server answers:
 *       200 {ok: true, version: N, saved_at: "HH:MM:SS"}   -> version updated, "已自动保存 HH:MM:SS"
 *       409                                                 -> conflict message, autosave stops
 *       400 {errors: {field: ["msg", ...]}}                 -> "有 N 处需要修改", fields marked
 *     Leaving the page with unsaved changes asks for confirmation (also for <form data-warn-unsaved>).
 * (c) data-confirm="问题？" on a button, link or form asks before acting.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 1500;
  var MSG = {
    saving: "正在自动保存…",
    saved: "已自动保存 ",
    conflict: "此内容已在其他窗口或由他人更新，请刷新页面后再编辑，您的输入未被覆盖。",
    invalid: function (n) { return "有 " + n + " 处需要修改"; },
    network: "自动保存失败，请检查网络，您的输入仍在页面上",
    session: "自动保存失败：登录可能已超时，请在新窗口重新登录后再继续，您的输入仍在页面上",
    forbidden: "自动保存失败：您没有保存此内容的权限，您的输入仍在页面上",
    other: function (code) { return "自动保存失败（错误代码 " + code + "），您的输入仍在页面上"; },
  };

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].trim();
      if (kv.substring(0, name.length + 1) === name + "=") {
        return decodeURIComponent(kv.substring(name.length + 1));
      }
    }
    return "";
  }

  function csrfToken(form) {
    var input = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input && input.value) return input.value;
    var fromCookie = readCookie("csrftoken");
    if (fromCookie) return fromCookie;
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      return headers["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // ---------------------------------------------------------------- unsaved-changes warning
  var dirtyForms = new Set();

  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms.size === 0) return undefined;
    event.preventDefault();
    event.returnValue = ""; // legacy browsers need a value to show the prompt
    return "";
  });

  function watchUnsaved(form) {
    var mark = function () { dirtyForms.add(form); };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirtyForms.delete(form); });
  }

  // ---------------------------------------------------------------- autosave
  function statusElement(form) {
    var el = form.querySelector("[data-autosave-status]");
    if (!el && form.id) el = document.querySelector('[data-autosave-status="' + form.id + '"]');
    if (!el) el = document.querySelector("[data-autosave-status]");
    if (el) {
      if (!el.hasAttribute("role")) el.setAttribute("role", "status");
      if (!el.hasAttribute("aria-live")) el.setAttribute("aria-live", "polite");
    }
    return el;
  }

  function setStatus(el, text, kind) {
    if (!el) return;
    el.textContent = text;
    el.classList.remove("is-ok", "is-error", "is-busy");
    if (kind) el.classList.add("is-" + kind);
  }

  function fieldsNamed(form, name) {
    var out = [];
    for (var i = 0; i < form.elements.length; i++) {
      if (form.elements[i].name === name) out.push(form.elements[i]);
    }
    return out;
  }

  function clearMarks(form) {
    form.querySelectorAll("[data-autosave-errors]").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[data-autosave-invalid]").forEach(function (el) {
      el.removeAttribute("data-autosave-invalid");
      el.removeAttribute("aria-invalid");
      var wrap = el.closest(".portal-field");
      if (wrap) wrap.classList.remove("is-invalid");
    });
  }

  function markErrors(form, errors) {
    clearMarks(form);
    var count = 0;
    Object.keys(errors).forEach(function (name) {
      var messages = [].concat(errors[name] || []);
      if (messages.length === 0) return;
      count += 1;
      var fields = fieldsNamed(form, name);
      if (fields.length === 0) return; // e.g. __all__: counted, shown by the next full submit
      fields.forEach(function (f) {
        f.setAttribute("aria-invalid", "true");
        f.setAttribute("data-autosave-invalid", "");
      });
      var wrap = fields[0].closest(".portal-field");
      if (!wrap) return;
      wrap.classList.add("is-invalid");
      var box = document.createElement("div");
      box.className = "portal-field__errors";
      box.setAttribute("data-autosave-errors", "");
      messages.forEach(function (m) {
        var p = document.createElement("p");
        p.className = "mb-0";
        p.textContent = typeof m === "string" ? m : (m && m.message) || String(m);
        box.appendChild(p);
      });
      wrap.appendChild(box);
    });
    return count;
  }

  function formPayload(form) {
    var data = new FormData(form);
    // Files are uploaded by the form's own submit, never by autosave.
    var fileKeys = [];
    data.forEach(function (value, key) {
      if (typeof File !== "undefined" && value instanceof File && fileKeys.indexOf(key) === -1) fileKeys.push(key);
    });
    fileKeys.forEach(function (key) { data.delete(key); });
    return data;
  }

  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave");
    if (!url) return;
    var status = statusElement(form);
    var timer = null;
    var inFlight = false;
    var again = false;     // an edit arrived while a save was in flight
    var stopped = false;   // after a 409 conflict
    var edits = 0;         // edits since page load; compared after each save

    function schedule() {
      if (stopped) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DEBOUNCE_MS);
    }

    function save() {
      if (stopped) return;
      if (inFlight) { again = true; return; }
      inFlight = true;
      again = false;
      var editsAtSend = edits;
      setStatus(status, MSG.saving, "busy");
      fetch(url, {
        method: "POST",
        body: formPayload(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          var isJson = type.indexOf("application/json") !== -1;
          var body = isJson ? response.json().catch(function () { return null; }) : Promise.resolve(null);
          return body.then(function (json) { return { response: response, json: json, isJson: isJson }; });
        })
        .then(function (r) {
          var code = r.response.status;
          var json = r.json || {};
          if (code === 409) {
            stopped = true;
            window.clearTimeout(timer);
            setStatus(status, MSG.conflict, "error");
            return;
          }
          if (code === 400 && (json.errors || json.message)) {
            var n = markErrors(form, json.errors || {});
            setStatus(status, n ? MSG.invalid(n) : json.message, "error");
            // the draft may still have been stored; keep the version the server hands back
            if (json.version !== undefined) updateVersion(json.version);
            return;
          }
          if (r.response.ok && r.isJson && json.ok) {
            updateVersion(json.version);
            clearMarks(form);
            setStatus(status, MSG.saved + (json.saved_at || ""), "ok");
            if (edits === editsAtSend) dirtyForms.delete(form);
            // Lets live panels (the eligibility summary) refresh after each save.
            document.body.dispatchEvent(new Event("autosaved"));
            return;
          }
          if (r.response.redirected || (r.response.ok && !r.isJson) || code === 401) {
            setStatus(status, MSG.session, "error");
          } else if (code === 403) {
            setStatus(status, MSG.forbidden, "error");
          } else {
            setStatus(status, MSG.other(code), "error");
          }
        })
        .catch(function () {
          setStatus(status, MSG.network, "error");
        })
        .then(function () {
          inFlight = false;
          if (again && !stopped) schedule();
        });
    }

    function updateVersion(version) {
      if (version === undefined || version === null) return;
      var input = form.querySelector('input[name="version"]');
      if (input) input.value = String(version);
    }

    function onEdit(event) {
      if (stopped) { dirtyForms.add(form); return; }
      var target = event.target;
      if (target && target.type === "file") { dirtyForms.add(form); return; }
      edits += 1;
      dirtyForms.add(form);
      if (inFlight) again = true;
      schedule();
    }

    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      stopped = true; // the real submit takes over
      dirtyForms.delete(form);
    });
  }

  // ---------------------------------------------------------------- confirm dialogs
  // Capture phase, so the question comes before htmx or any other handler acts on the click.
  document.addEventListener(
    "click",
    function (event) {
      var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
      if (!el || el.tagName === "FORM") return;
      if (el.disabled || el.getAttribute("aria-disabled") === "true") return;
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      } else if (el.form) {
        el.form.setAttribute("data-confirmed", "1");
      }
    },
    true
  );
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
      if (form.getAttribute("data-confirmed") === "1") { form.removeAttribute("data-confirmed"); return; }
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // ---------------------------------------------------------------- idle warning (等保 session timeout)
  // The server ends staff sessions after a configured idle time. Two minutes before, a warning offers
  // "继续使用" (a POST that counts as activity); when the time is up the page goes to the login page.
  var WARN_SECONDS = 120;
  function setupIdleWarning() {
    var statusUrl = document.body.getAttribute("data-session-status");
    var keepaliveUrl = document.body.getAttribute("data-session-keepalive");
    var box = document.querySelector("[data-idle-warning]");
    if (!statusUrl || !box || !window.fetch) return;
    var secondsEl = box.querySelector("[data-idle-seconds]");
    var remaining = null;
    var timer = null;

    function show(left) {
      if (secondsEl) secondsEl.textContent = String(Math.max(0, left));
      if (box.hidden) {
        box.hidden = false;
        var button = box.querySelector("[data-idle-continue]");
        if (button) button.focus();
      }
    }

    function tick() {
      if (remaining === null) return;
      remaining -= 1;
      if (remaining <= 0) {
        window.location.reload();
        return;
      }
      if (remaining <= WARN_SECONDS) show(remaining);
    }

    function poll() {
      fetch(statusUrl, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (r) { return r.ok ? r.json() : { remaining: 0 }; })
        .then(function (data) {
          remaining = data.remaining;
          if (remaining > WARN_SECONDS) box.hidden = true;
        })
        .catch(function () {});
    }

    var button = box.querySelector("[data-idle-continue]");
    if (button) {
      button.addEventListener("click", function () {
        fetch(keepaliveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(null), "X-Requested-With": "XMLHttpRequest" },
        })
          .then(function (r) { return r.json(); })
          .then(function (data) { remaining = data.remaining; box.hidden = true; })
          .catch(function () {});
      });
    }
    poll();
    timer = setInterval(tick, 1000);
    setInterval(poll, 60000);
    return timer;
  }

  // ---------------------------------------------------------------- error summary focus
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  // ---------------------------------------------------------------- a county list that follows the city
  // <select data-follows="city"> groups its options by city (optgroup label = the city's name); when the form's
  // "city" select changes, only that city's group shows, and a county of another city is cleared.
  function setupFollows(select) {
    var form = select.form;
    var leader = form && form.elements[select.getAttribute("data-follows")];
    if (!leader || !leader.options) return;
    function apply() {
      var chosen = leader.selectedIndex > 0 ? leader.options[leader.selectedIndex].text : "";
      select.querySelectorAll("optgroup").forEach(function (group) {
        var show = !chosen || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      var current = select.options[select.selectedIndex];
      if (current && current.parentNode.tagName === "OPTGROUP" && current.parentNode.disabled) {
        select.selectedIndex = 0;
      }
    }
    leader.addEventListener("change", apply);
    apply();
  }

  // ---------------------------------------------------------------- boot
  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (form.__portalAutosave) return;
      form.__portalAutosave = true;
      setupAutosave(form);
      watchUnsaved(form);
    });
    scope.querySelectorAll("select[data-follows]").forEach(function (select) {
      if (select.__portalFollows) return;
      select.__portalFollows = true;
      setupFollows(select);
    });
    scope.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
      if (form.__portalWarn || form.__portalAutosave) return;
      form.__portalWarn = true;
      watchUnsaved(form);
    });
  }

  function boot() {
    init(document);
    setupIdleWarning();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:load", function (event) { init(event.target); });

  window.portal = { init: init };
})();
