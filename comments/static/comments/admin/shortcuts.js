// Keyboard shortcuts for the comment listing, as WordPress's comment screen has them:
// j/k next/previous, a approve, s spam, u unapprove, n not spam, t trash, r restore,
// e keep a reported comment, x select, o open the comment's page, ? help. Without JavaScript every action is still a button.
// Rows are looked up on every key press: Wagtail replaces the results when a filter changes.
(function () {
  "use strict";
  var STORE = "nr-queue-current:" + location.pathname;
  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-nr-row]"));
  }

  function select(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row) { row.classList.remove("is-current"); });
    current = index;
    all[current].classList.add("is-current");
    all[current].focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
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
    var row = rows()[current];
    if (!row) return;
    if (key === "x") {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.click();
      event.preventDefault();
      return;
    }
    if (key === "o" || key === "Enter") {
      var open = row.querySelector("[data-nr-open]");
      if (open) window.location.href = open.href;
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

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("[data-nr-row]");
    if (!row || event.target.closest("a, button, input, textarea, select")) return;
    select(rows().indexOf(row));
  });

  document.addEventListener("DOMContentLoaded", function () {
    var saved = null;
    try { saved = sessionStorage.getItem(STORE); sessionStorage.removeItem(STORE); } catch (e) { /* private mode */ }
    if (saved !== null && rows().length) select(parseInt(saved, 10) || 0);
  });
})();
