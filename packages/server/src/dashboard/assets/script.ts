/**
 * The one script, served from /assets (CSP `script-src 'self'`, never inline). Every form works
 * without it; it only runs Test connection in place and adds copy buttons.
 */
export const SCRIPT = `"use strict";
(function () {
  function swap(doc, id) {
    var fresh = doc.getElementById(id), old = document.getElementById(id);
    if (fresh && old) old.replaceWith(document.importNode(fresh, true));
  }
  document.addEventListener("submit", function (event) {
    var form = event.target, button = event.submitter;
    if (!form.matches("form[data-enhance=test]") || !button || button.value !== "test") return;
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form, button));
    var label = button.textContent;
    button.disabled = true;
    button.textContent = "Testing…";
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var draft = doc.querySelector("input[name=draft]");
        if (draft) form.querySelector("input[name=draft]").value = draft.value;
        ["test-result", "wizard-errors", "password-field"].forEach(function (id) { swap(doc, id); });
        var result = document.getElementById("test-result");
        if (result) result.focus();
      })
      .catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; button.textContent = label; });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      button.textContent = "Copied";
    });
  });
  document.querySelectorAll("button[data-copy][hidden]").forEach(function (b) { b.hidden = false; });
})();
`;
