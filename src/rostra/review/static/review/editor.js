// The transcript editor: keyboard shortcuts, segment playback, nudging, unsaved-work guard.
// The form works without this script (edit, split, merge, save); the script adds speed.
(function () {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  const player = document.getElementById("player");
  const segments = Array.from(form.querySelectorAll(".segment"));
  let active = segments[0] || null;
  let dirty = false;
  let stopAt = null;

  function seconds(input) {
    const parts = input.value.trim().split(":").map(Number);
    return parts.reduce((total, part) => total * 60 + part, 0);
  }
  function activate(segment, focusText) {
    if (!segment) return;
    segments.forEach((s) => s.classList.toggle("active", s === segment));
    active = segment;
    document.getElementById("focus").value = segment.dataset.index;
    if (focusText) segment.querySelector("textarea").focus();
  }
  function play(segment) {
    if (!player || !segment) return;
    const start = seconds(segment.querySelector(".start"));
    stopAt = seconds(segment.querySelector(".end"));
    player.currentTime = start;
    player.play();
  }
  function nudge(segment, field, deltaMs) {
    const input = segment.querySelector("." + field);
    const value = Math.max(0, seconds(input) + deltaMs / 1000);
    input.value = value.toFixed(3);
    dirty = true;
  }
  function submitOp(op) {
    const button = document.createElement("button");
    button.type = "submit"; button.name = "op"; button.value = op; button.hidden = true;
    form.appendChild(button);
    dirty = false;
    button.click();
  }
  function split(segment) {
    const text = segment.querySelector("textarea");
    document.getElementById("split_at").value = String(text.selectionStart || "");
    submitOp("split:" + segment.dataset.index);
  }

  if (player) {
    player.addEventListener("timeupdate", () => {
      if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); stopAt = null; }
    });
  }
  segments.forEach((segment) => {
    segment.addEventListener("focusin", () => activate(segment, false));
    segment.querySelector(".play").addEventListener("click", () => play(segment));
    segment.querySelectorAll(".nudge").forEach((button) => button.addEventListener("click",
      () => nudge(segment, button.dataset.field, Number(button.dataset.delta))));
    segment.querySelector(".split").addEventListener("click", (event) => {
      event.preventDefault(); split(segment);
    });
  });
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault(); dirty = false; document.getElementById("save").click(); return;
    }
    if (!event.altKey || !active) return;
    const index = segments.indexOf(active);
    const key = event.key;
    let handled = true;
    if (key === "ArrowDown") activate(segments[index + 1], true);
    else if (key === "ArrowUp") activate(segments[index - 1], true);
    else if (event.code === "KeyP") play(active);
    else if (event.code === "KeyS") split(active);
    else if (event.code === "KeyM" && index < segments.length - 1) submitOp("merge:" + index);
    else if (event.code === "KeyR") {
      const box = active.querySelector(".reviewed"); box.checked = !box.checked; dirty = true;
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      nudge(active, event.shiftKey ? "end" : "start", key === "ArrowLeft" ? -100 : 100);
    } else handled = false;
    if (handled) event.preventDefault();
  });
  const target = window.location.hash.match(/^#seg-(\d+)$/);
  activate(target ? segments[Number(target[1])] : active, Boolean(target));
})();
