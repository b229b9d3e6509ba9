/* Comments, progressively enhanced: the form works without this file.
   - on a cached article the form has no CSRF token: it is fetched (with a fresh timestamp and signature)
     when the reader starts on the form, again if it is old by the time they send, and before sending if
     it has not arrived yet; should the fetch fail, the form is sent anyway and the server gives the text
     back with a token to send again;
   - "Reply" moves the form under the comment being answered (and "Cancel reply" puts it back);
   - an opt-in checkbox remembers name, email and website in this browser (localStorage only). */
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) return;
  var respond = document.getElementById("respond");
  var home = respond.parentNode;
  var homeNext = respond.nextSibling;
  var replyTo = form.querySelector("input[name=reply_to]");
  var cancel = document.getElementById("cancel-reply");
  var title = document.getElementById("reply-title");
  var originalTitle = title ? title.firstChild.nodeValue : "";
  var KEY = "newsroom.commenter";

  // The per-reader parts of a cached page's form (comments.views.form_token).
  var tokenUrl = form.getAttribute("data-token-url");
  if (tokenUrl && window.fetch) {
    var TOKEN_FIELDS = ["csrfmiddlewaretoken", "timestamp", "security_hash"];
    var FRESH_FOR = 30 * 60 * 1000;  // well inside the signature's two hours and the CSRF cookie's year
    var fetchedAt = 0;
    var pending = null;
    var refresh = function () {
      if (pending) return pending;
      pending = fetch(tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("form token: HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          TOKEN_FIELDS.forEach(function (name) {
            var input = form.elements[name];
            if (input && data[name]) input.value = data[name];
          });
          fetchedAt = Date.now();
          pending = null;
        }, function (error) {
          pending = null;
          throw error;
        });
      return pending;
    };
    var fresh = function () { return fetchedAt && Date.now() - fetchedAt < FRESH_FOR; };
    form.addEventListener("focusin", function () {
      if (!fresh()) refresh().catch(function () {});
    });
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending || fresh()) return;
      event.preventDefault();
      var send = function () {
        sending = true;
        HTMLFormElement.prototype.submit.call(form);
      };
      refresh().then(send, send);
    });
  }
  var fields = ["name", "email", "url"];

  // Remember me: only when the reader ticks the box; unticking forgets.
  var remember = document.getElementById("comment-remember");
  var storage = null;
  try { storage = window.localStorage; storage.getItem(KEY); } catch (e) { storage = null; }
  if (remember && storage) {
    remember.parentNode.hidden = false;
    var saved = null;
    try { saved = JSON.parse(storage.getItem(KEY) || "null"); } catch (e) { saved = null; }
    if (saved) {
      fields.forEach(function (name) {
        var input = form.elements[name];
        if (input && !input.value && saved[name]) input.value = saved[name];
      });
      remember.checked = true;
    }
    form.addEventListener("submit", function () {
      if (remember.checked) {
        var data = {};
        fields.forEach(function (name) { data[name] = form.elements[name] ? form.elements[name].value : ""; });
        storage.setItem(KEY, JSON.stringify(data));
      } else {
        storage.removeItem(KEY);
      }
    });
  }

  // Reply in place.
  if (!replyTo || !cancel) return;
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-reply-to]") : null;
    if (!link) return;
    var item = document.getElementById("c" + link.getAttribute("data-reply-to"));
    if (!item) return;
    event.preventDefault();
    var body = item.querySelector(".comment__body");
    body.parentNode.insertBefore(respond, body.nextSibling);
    replyTo.value = link.getAttribute("data-reply-to");
    cancel.hidden = false;
    if (title) title.firstChild.nodeValue = (link.getAttribute("aria-label") || link.textContent) + " ";
    form.elements.comment.focus();
  });
  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.insertBefore(respond, homeNext);
    replyTo.value = "0";
    cancel.hidden = true;
    if (title) title.firstChild.nodeValue = originalTitle;
    form.elements.comment.focus();
  });
})();
