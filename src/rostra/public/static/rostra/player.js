/* rostra speech page: our player around the native <audio>/<video>. The transcript follows the
   player and a click seeks; captions follow the transcript language; speed, keyboard shortcuts,
   search inside the transcript, links to each sentence; the transcript is one tab stop (arrow
   keys move inside it). The page works without this file: every sentence is a ?t= link and
   forms submit normally. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var media = document.getElementById("player");
  var layout = document.querySelector("[data-player]");
  var captionLine = document.getElementById("caption-line");
  var captionSelect = document.querySelector("[data-caption-language]");
  var rateSelect = document.querySelector("[data-playback-rate]");
  var list, segments = [], starts = [], current = -1, userScrolledAt = 0;
  var captionsOn = true;

  function bindSegments() {
    list = document.querySelector("[data-segments]");
    segments = list ? Array.prototype.slice.call(list.querySelectorAll(".segment")) : [];
    starts = segments.map(function (s) { return parseInt(s.getAttribute("data-start"), 10) || 0; });
    current = -1;
    if (!list) return;
    list.addEventListener("click", onSegmentClick);
    list.addEventListener("keydown", onSegmentKey);
    list.addEventListener("wheel", function () { userScrolledAt = Date.now(); }, { passive: true });
    list.addEventListener("touchmove", function () { userScrolledAt = Date.now(); }, { passive: true });
    // One tab stop for the whole transcript: only one sentence link is reachable with Tab.
    segments.forEach(function (segment, index) {
      var link = segment.querySelector(".segment-time");
      if (link) link.tabIndex = index === 0 ? 0 : -1;
    });
    bindSearch();
    if (media) highlight();
  }

  function linkOf(index) { return segments[index] && segments[index].querySelector(".segment-time"); }

  function moveFocus(index) {
    if (index < 0 || index >= segments.length) return;
    segments.forEach(function (segment, i) {
      var link = linkOf(i);
      if (link) link.tabIndex = i === index ? 0 : -1;
    });
    var link = linkOf(index);
    if (link) { link.focus(); userScrolledAt = Date.now(); }
  }

  function focusedIndex() {
    var segment = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".segment");
    return segment ? segments.indexOf(segment) : -1;
  }

  function onSegmentKey(event) {
    var index = focusedIndex();
    if (index < 0) return;
    var target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: segments.length - 1,
                   PageDown: index + 10, PageUp: index - 10 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveFocus(Math.max(0, Math.min(segments.length - 1, target)));
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
    showCaption(segment);
    // Follow the speech unless the reader scrolled the transcript in the last few seconds.
    if (Date.now() - userScrolledAt > 4000) {
      var top = segment.offsetTop - list.clientHeight / 3;
      if (Math.abs(list.scrollTop - top) > list.clientHeight / 3) list.scrollTop = top;
    }
  }

  /* The caption line under an audio player: the sentence's direction is the one the server
     computed from its dominant script (a Persian cue that opens with a Latin word stays RTL). */
  function showCaption(segment) {
    if (!captionLine) return;
    var text = segment && segment.querySelector(".segment-text");
    captionLine.textContent = text ? text.textContent : "";
    captionLine.lang = list.lang;
    captionLine.dir = (text && text.getAttribute("dir")) || list.dir;
    captionLine.hidden = !captionsOn || !text;
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
    media.currentTime = Math.max(0, seconds);
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

  /* Search inside this speech's transcript: matching sentences are marked, Enter goes to the next. */
  function fold(text) {
    return text.toLowerCase()
      .replace(/[\u064B-\u065F\u0670\u0640\u200C]/g, "")  // harakat, tatweel, ZWNJ
      .replace(/[يى]/g, "ی").replace(/ك/g, "ک").replace(/[أإآ]/g, "ا").replace(/ة/g, "ه");
  }

  function bindSearch() {
    var box = document.querySelector("[data-transcript-find]");
    var input = document.querySelector("[data-transcript-search]");
    var status = document.querySelector("[data-transcript-search-status]");
    if (!box || !input || !segments.length) return;
    box.hidden = false;
    var folded = segments.map(function (s) {
      var text = s.querySelector(".segment-text");
      return fold(text ? text.textContent : "");
    });
    var matches = [], at = -1;
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      matches = [];
      at = -1;
      segments.forEach(function (segment, index) {
        var hit = query && folded[index].indexOf(query) >= 0;
        segment.classList.toggle("is-match", !!hit);
        if (hit) matches.push(index);
      });
      status.textContent = query ? countText(matches.length) : "";
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !matches.length) return;
      event.preventDefault();
      at = (at + (event.shiftKey ? matches.length - 1 : 1)) % matches.length;
      var segment = segments[matches[at]];
      userScrolledAt = Date.now();
      list.scrollTop = segment.offsetTop - list.clientHeight / 3;
      if (event.altKey || event.ctrlKey) seek(starts[matches[at]] / 1000, true);
    });
    // The label and the reader's digits come from the page, so the count reads like the rest.
    function countText(count) {
      var digits = box.getAttribute("data-digits") || "0123456789";
      var shown = String(count).replace(/[0-9]/g, function (d) { return digits.charAt(+d); });
      return (box.getAttribute("data-count-label") || "{count}").replace("{count}", shown);
    }
  }

  /* Change the transcript language (or the side-by-side language) without reloading the player. */
  function bindTranscriptForm() {
    var form = document.querySelector("[data-transcript-form]");
    if (!form) return;
    form.addEventListener("change", function () { swapTranscript(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); swapTranscript(form); });
  }

  function transcriptLanguage() {
    var select = document.querySelector("[data-transcript-language]");
    return select ? select.value : "";
  }

  function swapTranscript(form, keepFocus) {
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
        syncCaptions();
        if (!keepFocus) {
          var select = document.querySelector("[data-transcript-language]");
          if (select) select.focus();
        }
      })
      .catch(function () { window.location.href = url; });
  }

  /* Captions are the transcript's language: one menu for both, "Off" hides them. */
  function showTrack(language) {
    if (!media || !media.textTracks) return;
    for (var i = 0; i < media.textTracks.length; i++) {
      var track = media.textTracks[i];
      track.mode = captionsOn && track.language === language && media.tagName === "VIDEO" ? "showing" : "disabled";
    }
  }

  function syncCaptions() {
    var language = transcriptLanguage();
    if (captionSelect) captionSelect.value = captionsOn ? language : "";
    showTrack(language);
    if (current >= 0) showCaption(segments[current]); else if (captionLine) captionLine.hidden = true;
  }

  function setCaptions(language) {
    captionsOn = !!language;
    var select = document.querySelector("[data-transcript-language]");
    if (language && select && select.value !== language) {
      select.value = language;
      swapTranscript(select.form, true);
      return;
    }
    syncCaptions();
  }

  function bindCaptions() {
    if (!captionSelect) return;
    captionSelect.addEventListener("change", function () { setCaptions(captionSelect.value); });
    syncCaptions();
  }

  function bindRate() {
    if (!rateSelect || !media) return;
    rateSelect.addEventListener("change", function () { media.playbackRate = parseFloat(rateSelect.value) || 1; });
    media.addEventListener("ratechange", function () {
      var value = String(media.playbackRate);
      if (Array.prototype.some.call(rateSelect.options, function (o) { return o.value === value; })) rateSelect.value = value;
    });
  }

  function stepRate(step) {
    if (!rateSelect) return;
    var index = Math.max(0, Math.min(rateSelect.options.length - 1, rateSelect.selectedIndex + step));
    rateSelect.selectedIndex = index;
    media.playbackRate = parseFloat(rateSelect.value) || 1;
  }

  /* The hook for an audio-language choice (interpretation tracks): a <select data-audio-track>
     whose values are media URLs. The time, speed and captions carry over. */
  function bindAudioTracks() {
    var select = document.querySelector("[data-audio-track]");
    if (!select || !media) return;
    select.addEventListener("change", function () {
      var at = media.currentTime, playing = !media.paused, rate = media.playbackRate;
      media.src = select.value;
      media.addEventListener("loadedmetadata", function () {
        media.currentTime = at;
        media.playbackRate = rate;
        if (playing) media.play();
      }, { once: true });
    });
  }

  function typingIn(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function bindShortcuts() {
    if (!media) return;
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      var key = event.key;
      if (key === "k" || (key === " " && event.target === document.body)) {
        event.preventDefault();
        if (media.paused) media.play(); else media.pause();
      } else if (key === "j" || key === "l") {
        seek(media.currentTime + (key === "j" ? -10 : 10), false);
      } else if (key === "," || key === ".") {
        var index = Math.max(0, indexAt(Math.round(media.currentTime * 1000)) + (key === "," ? -1 : 1));
        if (index < starts.length) seek(starts[index] / 1000, false);
      } else if (key === "[" || key === "]") {
        stepRate(key === "[" ? -1 : 1);
      } else if (key === "c" && captionSelect) {
        setCaptions(captionsOn ? "" : transcriptLanguage());
      } else if (key === "/") {
        var input = document.querySelector("[data-transcript-search]");
        if (input) { event.preventDefault(); input.focus(); }
      }
    });
  }

  /* A link to the sentence playing now (in the transcript's language), with ?s= so the
     shared link previews that sentence. */
  function bindShare() {
    var button = document.querySelector("[data-share]");
    var status = document.querySelector("[data-share-status]");
    if (!button || !media) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var params = new URLSearchParams(window.location.search);
      params.set("t", String(Math.floor(media.currentTime)));
      var index = indexAt(Math.round(media.currentTime * 1000));
      if (index >= 0) params.set("s", String(index)); else params.delete("s");
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

  // The cached page's comment form has no CSRF token (comments/form.html): fetch the reader's
  // own when the form is first used, then post to the comment itself. Until then, or if the
  // fetch fails, the form goes to the confirmation step that works without this script.
  function bindCommentToken() {
    var form = document.getElementById("comment-form");
    var field = form && form.querySelector("[data-comment-token]");
    if (!field) return;
    var pending = null;
    function fetchToken() {
      if (!pending) {
        pending = fetch(form.getAttribute("data-token-url"), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (response) {
          if (!response.ok) throw new Error("token " + response.status);
          return response.json();
        }).then(function (body) {
          field.value = body.token;
          form.action = form.getAttribute("data-post-action");
        }).catch(function () { pending = null; });
      }
      return pending;
    }
    form.addEventListener("focusin", fetchToken);
    form.addEventListener("submit", function (event) {
      if (field.value) return;
      event.preventDefault();
      fetchToken().then(function () { form.submit(); });
    });
  }

  // "1:05 / 12:30" (h:mm:ss past an hour) in the reader's digits, from the page's data-digits.
  function clock(seconds, digits) {
    var total = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
    var text = (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
    return text.replace(/[0-9]/g, function (d) { return digits.charAt(+d); });
  }

  function bindTimeDisplay() {
    var output = document.querySelector("[data-player-time]");
    if (!output) return;
    var digits = output.getAttribute("data-digits") || "0123456789";
    // One time display in every language (ours), rather than two in English.
    media.classList.add("own-time");
    function show() {
      var whole = isFinite(media.duration) ? clock(media.duration, digits) : "";
      output.textContent = clock(media.currentTime, digits) + (whole ? " / " + whole : "");
    }
    ["timeupdate", "seeked", "loadedmetadata", "durationchange"].forEach(function (name) {
      media.addEventListener(name, show);
    });
    show();
  }

  if (media) {
    bindTimeDisplay();
    media.addEventListener("timeupdate", highlight);
    media.addEventListener("seeked", highlight);
    var offset = startOffset();
    if (offset) {
      var jump = function () { if (media.currentTime < offset - 0.5) media.currentTime = offset; highlight(); };
      if (media.readyState >= 1) jump(); else media.addEventListener("loadedmetadata", jump, { once: true });
    }
    var controls = document.querySelector("[data-player-controls]");
    if (controls) controls.hidden = false;
  }
  bindSegments();
  bindTranscriptForm();
  bindCaptions();
  bindRate();
  bindAudioTracks();
  bindShortcuts();
  bindShare();
  bindReplies();
  bindCommentToken();
})();
