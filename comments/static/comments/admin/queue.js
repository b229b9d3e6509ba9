// Keyboard shortcuts for the comment queue, as WordPress's comment screen has them:
// j/k next/previous, a approve, s spam, u unapprove, n not spam, t trash, r restore,
// x select, o open, ? help. Without JavaScript every action is still a button.
(function () {
  "use strict";
  document.querySelectorAll("[data-nr-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-nr-confirm"))) event.preventDefault();
    });
  });

  var queue = document.querySelector("[data-nr-queue]");
  if (!queue || !queue.querySelector("[data-nr-row]")) return;
  var rows = Array.prototype.slice.call(queue.querySelectorAll("[data-nr-row]"));
  var STORE = "nr-queue-current:" + location.pathname + location.search;
  var current = -1;

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) rows[current].classList.remove("is-current");
    current = index;
    rows[current].classList.add("is-current");
    rows[current].focus({ preventScroll: true });
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName)) &&
      !(target.tagName === "INPUT" && target.type === "checkbox");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key === "?") {
      var help = document.getElementById("nr-help");
      if (help) help.open = !help.open;
      event.preventDefault();
      return;
    }
    if (key === "j") { select(current + 1); event.preventDefault(); return; }
    if (key === "k") { select(current < 0 ? 0 : current - 1); event.preventDefault(); return; }
    if (current < 0) return;
    var row = rows[current];
    if (key === "x") {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
      return;
    }
    if (key === "o" || key === "Enter") {
      var details = row.querySelector("[data-nr-details]");
      if (details) details.open = !details.open;
      event.preventDefault();
      return;
    }
    var button = row.querySelector('[data-nr-shortcut="' + key + '"]');
    if (button) {
      event.preventDefault();
      // The row leaves this queue: after the reload, carry on with the one that takes its place.
      try { sessionStorage.setItem(STORE, String(current)); } catch (e) { /* private mode */ }
      button.click();
    }
  });

  rows.forEach(function (row, index) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a, button, input, textarea, summary, select")) return;
      select(index);
    });
  });

  var selectAll = queue.querySelector("[data-nr-select-all]");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      queue.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = selectAll.checked; });
    });
  }

  var saved = null;
  try { saved = sessionStorage.getItem(STORE); sessionStorage.removeItem(STORE); } catch (e) { /* private mode */ }
  if (saved !== null && rows.length) select(parseInt(saved, 10) || 0);
})();
