/* The article page's view counter for the "most read" list: one beacon per view, sent when the page
   is actually shown (not while a browser prerenders it). No cookie, no identifier: the server keeps
   only each article's daily total. Without JavaScript nothing is counted, which is fine for a ranking. */
(function () {
  "use strict";

  var article = document.querySelector("[data-view-beacon]");
  if (!article || !navigator.sendBeacon) return;

  function send() {
    navigator.sendBeacon(article.getAttribute("data-view-beacon"));
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
