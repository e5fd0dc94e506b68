/* Live captions: one EventSource per reader; committed lines never change, tentative words
   are shown apart and replaced on every status event. */
(function () {
  "use strict";
  var root = document.querySelector("article.live");
  if (!root) return;
  var CAPTION_CHARS = 160;
  var spoken = root.dataset.spokenLanguage;
  var select = document.getElementById("caption-language");
  var list = document.getElementById("live-lines");
  var caption = document.getElementById("live-caption");
  var committedSpan = caption.querySelector(".committed");
  var tentativeSpan = caption.querySelector(".tentative");
  var statusBox = document.getElementById("live-status");
  var sentences = JSON.parse(document.getElementById("live-initial-lines").textContent);
  var committedWords = "";
  var lastSentence = null;
  var ended = false;

  function language() { return select.value; }
  function shown(line) {
    var translated = line.translations && line.translations[language()];
    return { text: translated || line.text, lang: translated ? language() : spoken };
  }

  function renderLine(line) {
    var item = document.createElement("li");
    item.dataset.id = line.id;
    if (line.kind === "gap") {
      item.className = "live-gap";
      item.textContent = root.dataset.textGap;
    } else {
      var view = shown(line);
      item.className = "live-line";
      item.lang = view.lang;
      item.dir = "auto";
      item.textContent = view.text;
    }
    return item;
  }

  function renderCaption() {
    if (language() === spoken || !lastSentence) {
      committedSpan.textContent = committedWords.slice(-CAPTION_CHARS).replace(/^\S*\s/, "");
      committedSpan.lang = spoken;
      if (language() !== spoken) tentativeSpan.textContent = "";
    } else {
      var view = shown(lastSentence);
      committedSpan.textContent = view.text;
      committedSpan.lang = view.lang;
      tentativeSpan.textContent = "";
    }
  }

  function rerender() {
    list.textContent = "";
    sentences.forEach(function (line) { list.appendChild(renderLine(line)); });
    document.querySelectorAll("a.live-vtt").forEach(function (link) {
      link.hidden = link.dataset.language !== language();
    });
    var url = new URL(window.location.href);
    url.searchParams.set("captions", language());
    window.history.replaceState(null, "", url);
    renderCaption();
  }

  function showStatus(status) {
    var messages = [];
    if (status.state === "reconnecting") messages.push(root.dataset.textReconnecting);
    if (status.behind) messages.push(root.dataset.textBehind);
    if (status.state === "ended") messages.push(root.dataset.textEnded);
    statusBox.textContent = messages.join(" ");
    root.dataset.state = status.state;
    if (status.language) spoken = status.language;
    tentativeSpan.textContent = language() === spoken ? (status.tentative || "") : "";
    tentativeSpan.lang = spoken;
  }

  select.addEventListener("change", rerender);
  if (sentences.length) lastSentence = sentences[sentences.length - 1];
  showStatus(JSON.parse(root.dataset.initialStatus));
  rerender();

  var source = new EventSource(root.dataset.eventsUrl + "?after=" + root.dataset.lastId);
  source.addEventListener("line", function (message) {
    var line = JSON.parse(message.data);
    if (line.kind === "words") {
      committedWords += line.text;
    } else {
      if (list.querySelector('[data-id="' + line.id + '"]')) return;
      sentences.push(line);
      list.appendChild(renderLine(line));
      if (line.kind === "sentence") lastSentence = line;
    }
    renderCaption();
  });
  source.addEventListener("status", function (message) {
    showStatus(JSON.parse(message.data));
  });
  source.addEventListener("end", function () {
    ended = true;
    source.close();
    showStatus({ state: "ended", behind: false, tentative: "" });
  });
  source.addEventListener("open", function () {
    if (statusBox.textContent === root.dataset.textOffline) statusBox.textContent = "";
  });
  source.addEventListener("error", function () {
    if (!ended) statusBox.textContent = root.dataset.textOffline;
  });
})();
