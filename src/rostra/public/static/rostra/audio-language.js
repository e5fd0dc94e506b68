/* Audio-language menu: the reader hears the speaker or an interpreter. Swapping the source
   keeps the playback position (and whether it was playing), and turns the transcript to the
   language now heard when the page has one, so what is read stays what is heard.
   Self-contained: it needs only #player and select[data-audio-language]. */
(function () {
  "use strict";
  var media = document.getElementById("player");
  var menu = document.querySelector("[data-audio-language]");
  if (!media || !menu) return;

  function followTranscript(language) {
    var transcript = document.querySelector("[data-transcript-language]");
    if (!transcript || transcript.value === language) return;
    var option = transcript.querySelector('option[value="' + language + '"]');
    if (!option) return;
    transcript.value = language;
    transcript.dispatchEvent(new Event("change", { bubbles: true }));
  }

  menu.addEventListener("change", function () {
    var option = menu.options[menu.selectedIndex];
    var src = option && option.getAttribute("data-src");
    if (!src) return;
    var position = media.currentTime, wasPlaying = !media.paused, rate = media.playbackRate;
    media.src = src;
    media.addEventListener("loadedmetadata", function restore() {
      media.currentTime = Math.min(position, media.duration || position);
      media.playbackRate = rate;
      if (wasPlaying) {
        var promise = media.play();
        if (promise && promise.catch) promise.catch(function () { /* autoplay refused */ });
      }
      media.dispatchEvent(new Event("rostra:audio-language", { bubbles: true }));
    }, { once: true });
    media.load();
    menu.setAttribute("data-current", option.value);
    followTranscript(option.value);
  });
})();
