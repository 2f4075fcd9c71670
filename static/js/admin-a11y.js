// Names for what the admin's own scripts draw without one (axe-core: no serious violation on
// any admin page, tests/e2e/test_staff_accessibility.py). Runs on every change of the page,
// since those scripts draw after the page has loaded (select2, SelectFilter) or on demand
// ("Add another" rows).
"use strict";
(function () {
  function labelText(id) {
    const label = id && document.querySelector('label[for="' + CSS.escape(id) + '"]');
    return label ? label.textContent.replace(/[:\s]+$/, "").trim() : "";
  }

  function fix(root) {
    // select2 (autocomplete fields): the combobox is named by the select's own label.
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const box = select.parentElement.querySelector(".select2-selection");
      const name = select.getAttribute("aria-label") || labelText(select.id);
      if (!box || !name) return;
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", name);
      const shown = box.querySelector(".select2-selection__rendered");
      if (shown) shown.setAttribute("aria-label", name);
    });
    // SelectFilter's help icons carry an aria-label without a role that allows one.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // A row added with "Add another" was copied from the template row ("..., baris baru"):
  // give its inputs their row number, as the server does for the others (config/forms.py).
  document.addEventListener("formset:added", function (event) {
    const row = event.target;
    const match = row.id && row.id.match(/-(\d+)$/);
    if (!match) return;
    const number = String(Number(match[1]) + 1);
    row.querySelectorAll("[data-row-label]").forEach(function (input) {
      input.setAttribute("aria-label", input.dataset.rowLabel.replace("{row}", number));
    });
  });

  let pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fix(document);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
})();
