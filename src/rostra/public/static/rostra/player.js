/* rostra speech page: the transcript follows the player, a click seeks, the transcript language
   changes in place, share links carry the current second, replies target their comment.
   The page works without this file: every segment is a ?t= link and forms submit normally. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var media = document.getElementById("player");
  var layout = document.querySelector("[data-player]");
  var captionLine = document.getElementById("caption-line");
  var list, segments = [], starts = [], current = -1, userScrolledAt = 0;

  function bindSegments() {
    list = document.querySelector("[data-segments]");
    segments = list ? Array.prototype.slice.call(list.querySelectorAll(".segment")) : [];
    starts = segments.map(function (s) { return parseInt(s.getAttribute("data-start"), 10) || 0; });
    current = -1;
    if (!list) return;
    list.addEventListener("click", onSegmentClick);
    list.addEventListener("wheel", function () { userScrolledAt = Date.now(); }, { passive: true });
    list.addEventListener("touchmove", function () { userScrolledAt = Date.now(); }, { passive: true });
    if (media) highlight();
  }

  /* The last segment that has started by `ms` (binary search: transcripts run to thousands). */
  function indexAt(ms) {
    var low = 0, high = starts.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (starts[middle] <= ms) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found;
  }

  function highlight() {
    if (!media || !segments.length) return;
    var index = indexAt(Math.round(media.currentTime * 1000));
    if (index === current) return;
    if (current >= 0 && segments[current]) {
      segments[current].classList.remove("is-current");
      segments[current].removeAttribute("aria-current");
    }
    current = index;
    if (index < 0) { if (captionLine) captionLine.hidden = true; return; }
    var segment = segments[index];
    segment.classList.add("is-current");
    segment.setAttribute("aria-current", "true");
    if (captionLine) {
      var text = segment.querySelector(".segment-text");
      captionLine.textContent = text ? text.textContent : "";
      captionLine.lang = list.lang;
      captionLine.dir = list.dir;
      captionLine.hidden = false;
    }
    // Follow the speech unless the reader scrolled the transcript in the last few seconds.
    if (Date.now() - userScrolledAt > 4000) {
      var top = segment.offsetTop - list.clientHeight / 3;
      if (Math.abs(list.scrollTop - top) > list.clientHeight / 3) list.scrollTop = top;
    }
  }

  function onSegmentClick(event) {
    var segment = event.target.closest(".segment");
    if (!segment || !media) return;
    if (event.target.closest("a") && (event.ctrlKey || event.metaKey || event.shiftKey)) return;
    if (window.getSelection && String(window.getSelection()).length > 0 &&
        !event.target.closest("a")) return;  // the reader is selecting text, not seeking
    event.preventDefault();
    seek(parseInt(segment.getAttribute("data-start"), 10) / 1000, true);
  }

  function seek(seconds, play) {
    userScrolledAt = 0;
    media.currentTime = seconds;
    highlight();
    if (play) {
      var promise = media.play();
      if (promise && promise.catch) promise.catch(function () { /* autoplay refused: stay paused */ });
    }
  }

  function startOffset() {
    var value = parseFloat(media.getAttribute("data-start") || "0");
    return isFinite(value) && value > 0 ? value : 0;
  }

  /* Change the transcript language (or the side-by-side language) without reloading the player. */
  function bindTranscriptForm() {
    var form = document.querySelector("[data-transcript-form]");
    if (!form) return;
    form.addEventListener("change", function () { swapTranscript(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); swapTranscript(form); });
  }

  function swapTranscript(form) {
    var params = new URLSearchParams(new FormData(form));
    if (!params.get("with")) params.delete("with");
    var url = window.location.pathname + "?" + params.toString();
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector(".transcript");
        var old = document.querySelector(".transcript");
        var freshLayout = page.querySelector("[data-player]");
        if (!fresh || !old) { window.location.href = url; return; }
        old.replaceWith(fresh);
        if (layout && freshLayout) layout.classList.toggle("is-paired", freshLayout.classList.contains("is-paired"));
        history.replaceState(null, "", url + window.location.hash);
        bindSegments();
        bindTranscriptForm();
        var select = document.querySelector("[data-transcript-language]");
        if (select) select.focus();
      })
      .catch(function () { window.location.href = url; });
  }

  function bindShare() {
    var button = document.querySelector("[data-share]");
    var status = document.querySelector("[data-share-status]");
    if (!button || !media) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var params = new URLSearchParams(window.location.search);
      params.set("t", String(Math.floor(media.currentTime)));
      var link = window.location.origin + window.location.pathname + "?" + params.toString();
      var done = function () { status.textContent = link; status.setAttribute("data-link", link); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(done, done);
      } else {
        done();
      }
    });
  }

  function bindReplies() {
    var form = document.getElementById("comment-form");
    if (!form) return;
    var parent = form.querySelector("[data-reply-parent]");
    var note = form.querySelector("[data-reply-note]");
    var target = form.querySelector("[data-reply-target]");
    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-reply]");
      if (link) {
        event.preventDefault();
        parent.value = link.getAttribute("data-reply");
        target.textContent = link.getAttribute("data-reply-name");
        note.hidden = false;
        form.scrollIntoView({ block: "start" });
        form.querySelector("textarea").focus();
        return;
      }
      if (event.target.closest("[data-reply-cancel]")) {
        event.preventDefault();
        parent.value = "";
        note.hidden = true;
      }
    });
  }

  if (media) {
    media.addEventListener("timeupdate", highlight);
    media.addEventListener("seeked", highlight);
    var offset = startOffset();
    if (offset) {
      var jump = function () { if (media.currentTime < offset - 0.5) media.currentTime = offset; highlight(); };
      if (media.readyState >= 1) jump(); else media.addEventListener("loadedmetadata", jump, { once: true });
    }
  }
  bindSegments();
  bindTranscriptForm();
  bindShare();
  bindReplies();
})();
