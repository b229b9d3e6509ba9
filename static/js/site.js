/* Progressive enhancement only: every control works without this file.
   - Back to top: the link to #top works on its own; here it scrolls smoothly (unless the reader asked
     for reduced motion), moves focus to the top of the page, and stays out of the way near the top.
   - Copy link: a button that only makes sense with the Clipboard API, so it is hidden until now. */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function initBackToTop() {
    var button = document.querySelector(".back-to-top");
    if (!button) return;

    button.addEventListener("click", function (event) {
      event.preventDefault();
      var smooth = !(reduceMotion && reduceMotion.matches);
      window.scrollTo({ top: 0, behavior: smooth ? "smooth" : "auto" });
      // Keyboard and screen-reader users continue from the top, as the plain link would do.
      var skip = document.querySelector(".skip-link");
      if (skip) skip.focus({ preventScroll: true });
      if (history.replaceState) history.replaceState(null, "", "#top");
    });

    function update() {
      button.classList.toggle("is-idle", window.scrollY < window.innerHeight * 0.75);
    }
    update();
    window.addEventListener("scroll", update, { passive: true });
  }

  function initCopyLink() {
    var buttons = document.querySelectorAll("[data-copy-url]");
    if (!buttons.length || !navigator.clipboard || !window.isSecureContext) return;
    Array.prototype.forEach.call(buttons, function (button) {
      var status = button.closest(".share") && button.closest(".share").querySelector(".share__status");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy-url")).then(function () {
          if (status) {
            status.textContent = button.getAttribute("data-copied-text");
            window.setTimeout(function () { status.textContent = ""; }, 4000);
          }
        });
      });
    });
  }

  initBackToTop();
  initCopyLink();
})();
