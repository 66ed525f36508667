// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Characters as the server counts them: code points, a line break (CR LF) as one.
  function countCharacters(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function formatCount(n) {
    var lang = document.documentElement.lang === "sv" ? "sv-SE" : "en-GB";
    return n.toLocaleString(lang);
  }

  function setUpCounters(root) {
    root.querySelectorAll("[data-limit]").forEach(function (input) {
      var counter = document.getElementById(input.id + "-counter");
      if (!counter) { return; }
      var limit = parseInt(input.getAttribute("data-limit"), 10);
      var count = counter.querySelector(".count");
      function update() {
        var n = countCharacters(input.value);
        count.textContent = formatCount(n);
        counter.classList.toggle("near", n > limit * 0.9 && n <= limit);
        counter.classList.toggle("over", n > limit);
      }
      input.addEventListener("input", update);
      update();
    });
  }

  // Conditional questions: shown only when the earlier answer calls for them.
  function setUpConditions(root) {
    root.querySelectorAll("[data-show-if]").forEach(function (wrap) {
      var group = wrap.closest(".field-group") || root;
      var key = wrap.getAttribute("data-show-if");
      var wanted = wrap.getAttribute("data-show-values").split(",");
      var controls = Array.prototype.filter.call(group.querySelectorAll("input, select, textarea"), function (el) {
        return el.name === key || el.name.slice(-(key.length + 1)) === "-" + key;
      });
      function update() {
        var value = "";
        controls.forEach(function (el) {
          if ((el.type === "radio" || el.type === "checkbox") ? el.checked : true) { value = el.value; }
        });
        wrap.hidden = wanted.indexOf(value) === -1;
      }
      controls.forEach(function (el) { el.addEventListener("change", update); });
      wrap.querySelectorAll(".condition").forEach(function (note) { note.hidden = true; });
      update();
    });
  }

  // Autosave: sends the section a few seconds after typing stops; the page is never reloaded,
  // so the cursor stays where it is. A conflict or a refusal stops autosaving and says why: on a
  // conflict it never takes the stored version over (that would overwrite it), it offers the
  // conflict page instead, which a normal save with the button shows. While edits are not saved
  // yet (pending, failed, refused, or sent back on a conflict or refusal page), leaving the page
  // asks first.
  function setUpAutosave(form) {
    if (form.getAttribute("data-editing") !== "on") { return; }
    var edits = 0, saved = form.getAttribute("data-unsaved") === "1" ? -1 : 0, warning = false;
    function warn(event) { event.preventDefault(); event.returnValue = ""; return ""; }
    function guard() {
      var unsaved = edits !== saved;
      if (unsaved !== warning) {
        warning = unsaved;
        if (unsaved) { window.addEventListener("beforeunload", warn); } else { window.removeEventListener("beforeunload", warn); }
      }
    }
    guard();
    form.addEventListener("input", function () { edits += 1; guard(); });
    form.addEventListener("submit", function () { saved = edits; guard(); keepDraft(form); });  // the button saves: leaving is the point
    if (form.getAttribute("data-autosave") === "on" && restoreDraft(form)) { edits += 1; guard(); }
    // Not on the conflict page: there, saving is the merge, and the user decides when it is done.
    if (form.getAttribute("data-autosave") !== "on" || !window.fetch || !window.FormData) { return; }
    // form.action would name the buttons called "action": read the attribute instead.
    var status = form.querySelector(".autosave-status");
    var version = form.querySelector("input[name=version]");
    var timer = null, sending = false, again = false, stopped = false;
    var labels = document.documentElement.lang === "sv"
      ? { saving: "Sparar …", failed: "Inte sparat: kontrollera fälten och spara med knappen.", offline: "Inte sparat: ingen kontakt. Dina ändringar finns kvar här." }
      : { saving: "Saving …", failed: "Not saved: check the fields and save with the button.", offline: "Not saved: no connection. Your changes are still here." };
    function showConflict(body) {
      status.textContent = body.message + " ";
      if (!body.compare) { return; }
      var compare = document.createElement("button");
      compare.type = "button";
      compare.className = "link-button";
      compare.textContent = body.compare;
      compare.addEventListener("click", function () {
        var button = form.querySelector("button[name=action][value=save]");
        if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
      });
      status.appendChild(compare);
    }
    function send() {
      if (stopped) { return; }
      if (sending) { again = true; return; }
      sending = true;
      status.textContent = labels.saving;
      var sent = edits;
      var data = new FormData(form);
      data.set("action", "save");
      fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { "X-Autosave": "1", "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json().then(function (body) { return { code: response.status, body: body }; }); })
        .then(function (result) {
          if (stopped) { return; }
          if (result.code === 200) {
            version.value = result.body.version;
            status.textContent = result.body.message;
            saved = sent;
            guard();
          } else if (result.code === 409) {
            // someone saved meanwhile: keep the form's version (the one these edits were made on),
            // stop, and offer the page that shows both texts
            stopped = true;
            showConflict(result.body);
          } else if (result.code === 401) {
            // signed out meanwhile: keep the text (here, and for the page the sign-in returns to)
            stopped = true;
            keepDraft(form);
            status.textContent = result.body.message;
          } else if (result.body.status === "refused") {
            // the application was locked (sent to the principal): stop, keep the text, say why
            stopped = true;
            status.textContent = result.body.message;
          } else {
            status.textContent = labels.failed;
          }
        })
        .catch(function () { status.textContent = labels.offline; })
        .then(function () { sending = false; if (again) { again = false; send(); } });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(send, 2500);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); stopped = true; });
  }

  // Unsaved text survives a save that did not arrive (a session that ended sends the save to the
  // sign-in page): the form's values are kept in this tab's sessionStorage when it is sent, and put
  // back when the same person opens the same section again on the same stored version. When someone
  // saved the section meanwhile, the text is not put back over theirs: it is shown to copy from.
  function draftKey(form) { return "grantpath-draft:" + form.getAttribute("data-writer") + ":" + form.getAttribute("action"); }

  function versionOf(form) {
    var version = form.querySelector("input[name=version]");
    return version ? version.value : "";
  }

  function keepDraft(form) {
    if (!window.sessionStorage) { return; }
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || ["hidden", "submit", "button", "file"].indexOf(el.type) !== -1) { return; }
      values[el.name] = values[el.name] || [];
      if ((el.type !== "checkbox" && el.type !== "radio") || el.checked) { values[el.name].push(el.value); }
    });
    try { sessionStorage.setItem(draftKey(form), JSON.stringify({ version: versionOf(form), values: values })); } catch (e) { /* full or off */ }
  }

  function restoreDraft(form) {
    if (!window.sessionStorage) { return false; }
    var draft = null;
    try { draft = JSON.parse(sessionStorage.getItem(draftKey(form)) || "null"); } catch (e) { draft = null; }
    sessionStorage.removeItem(draftKey(form));
    if (!draft) { return false; }
    if (draft.version !== versionOf(form)) { showOutdatedDraft(form, draft); return false; }
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      var values = draft.values[el.name];
      if (!values || el.disabled || ["hidden", "submit", "button", "file"].indexOf(el.type) !== -1) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        var checked = values.indexOf(el.value) !== -1;
        if (el.checked !== checked) { el.checked = checked; changed = true; }
      } else if (values.length && el.value !== values[0]) {
        el.value = values[0];
        el.dispatchEvent(new Event("input", { bubbles: true }));
        changed = true;
      }
    });
    if (changed) {
      var status = form.querySelector(".autosave-status");
      if (status) {
        status.textContent = document.documentElement.lang === "sv"
          ? "Texten du inte hann spara är tillbaka. Spara för att behålla den."
          : "The text you had not saved is back. Save to keep it.";
      }
    }
    return changed;
  }

  function showOutdatedDraft(form, draft) {
    var texts = [];
    Object.keys(draft.values).forEach(function (name) {
      var el = form.elements[name];
      var value = (draft.values[name] || [])[0];
      if (value && el && (el.tagName === "TEXTAREA" || el.type === "text") && el.value !== value) { texts.push(value); }
    });
    if (!texts.length) { return; }
    var sv = document.documentElement.lang === "sv";
    var box = document.createElement("details");
    box.className = "outdated-draft";
    box.open = true;
    var summary = document.createElement("summary");
    summary.textContent = sv
      ? "Någon sparade avsnittet medan du var utloggad. Din osparade text står här: kopiera det du vill behålla."
      : "Someone saved this section while you were signed out. Your unsaved text is here: copy what you want to keep.";
    box.appendChild(summary);
    texts.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "text";
      p.textContent = text;
      box.appendChild(p);
    });
    form.insertBefore(box, form.firstChild);
  }

  function setUpCopyButtons(root) {
    if (!navigator.clipboard) { return; }
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        navigator.clipboard.writeText(text).then(function () {
          var original = button.firstChild.textContent;
          button.firstChild.textContent = document.documentElement.lang === "sv" ? "Kopierat" : "Copied";
          setTimeout(function () { button.firstChild.textContent = original; }, 2000);
        });
      });
    });
  }

  // The lump sum's running total (programmes/lump_sums.py computes the saved one): what the other
  // budget sections allocate plus what is typed here, and what is left, as it is typed.
  function setUpLumpSum(root) {
    var box = root.querySelector("#split[data-lump]");
    var form = root.querySelector("form.section-form");
    if (!box || !box.getAttribute("data-lump") || !form) { return; }
    var fields = box.getAttribute("data-fields").split(" ");
    var lump = parseFloat(box.getAttribute("data-lump"));
    var other = parseFloat(box.getAttribute("data-other")) || 0;
    var money = new Intl.NumberFormat(document.documentElement.lang === "sv" ? "sv-SE" : "en-GB",
      { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var total = box.querySelector(".split-total"), left = box.querySelector(".split-left");
    function isAmount(name) {
      return fields.some(function (f) { return name === f || name.slice(-(f.length + 1)) === "-" + f; });
    }
    function update() {
      var typed = 0;
      form.querySelectorAll("input").forEach(function (input) {
        var n = parseFloat((input.value || "").replace(/[\s\u00a0]/g, "").replace(",", "."));
        if (isAmount(input.name || "") && !isNaN(n)) { typed += n; }
      });
      var rest = lump - (other + typed);
      total.textContent = money.format(other + typed);
      left.textContent = rest > 0 ? box.getAttribute("data-left").replace("{amount}", money.format(rest))
        : rest < 0 ? box.getAttribute("data-over").replace("{amount}", money.format(-rest))
        : box.getAttribute("data-exact");
      left.classList.toggle("over", rest < 0);
      left.classList.toggle("exact", rest === 0);
    }
    form.addEventListener("input", update);
    update();
  }

  // Work in the background (templates/macros/progress.html): the bar follows the progress; the live
  // message changes only with the state (waiting, writing, ready), so a screen reader is not read every
  // count; a failure reloads the page, which then offers to start again.
  function setUpJobProgress(root) {
    var box = root.querySelector(".job-progress[data-progress-url]");
    if (!box || box.getAttribute("data-finished") === "1" || !window.fetch) { return; }
    var bar = box.querySelector("progress"), message = box.querySelector(".job-message");
    var file = box.querySelector(".job-file"), shown = null;
    function poll() {
      fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (p) {
          if (p.rows_total !== null) {
            bar.max = p.rows_total || 1;
            bar.value = p.file_url ? bar.max : p.rows_done;
            bar.textContent = p.rows_done + " / " + p.rows_total;
          } else if (p.file_url) {
            bar.max = 1;
            bar.value = 1;
          }
          if (p.status !== shown) { message.textContent = p.message; shown = p.status; }
          if (p.file_url) {
            file.querySelector("a").href = p.file_url;
            file.hidden = false;
          }
          if (!p.finished) { window.setTimeout(poll, 1500); } else if (!p.file_url) { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    setUpCounters(document);
    setUpConditions(document);
    document.querySelectorAll("form.section-form").forEach(setUpAutosave);
    setUpCopyButtons(document);
    setUpLumpSum(document);
    setUpJobProgress(document);
  });
})();
