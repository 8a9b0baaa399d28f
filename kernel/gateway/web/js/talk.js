// The push-to-talk button and the keyboard: hold the button (or Space, when the
// focus is not in a field) while speaking and let go to send; a short tap starts
// listening until the next tap. Ctrl+K (or /) jumps to the text box; Escape stops.

import { byId } from "./dom.js";
import { hush } from "./speak.js";

/** Presses shorter than this are taps (toggle); longer ones are holds. */
const HOLD_MS = 350;

const FIELDS = new Set(["INPUT", "TEXTAREA", "SELECT", "BUTTON", "SUMMARY", "A"]);

function typingSomewhere() {
  const el = document.activeElement;
  return Boolean(el && (FIELDS.has(el.tagName) || el.isContentEditable || el.closest("dialog[open]")));
}

export function wireTalk(listener) {
  const button = byId("talk");
  const label = byId("talk-label");
  const box = byId("command-text");
  let pressedAt = 0;
  let stopOnRelease = false;

  const begin = () => {
    hush();
    return listener.start();
  };

  listener.onState = (listening) => {
    button.setAttribute("aria-pressed", String(listening));
    button.classList.toggle("listening", listening);
    label.textContent = listening ? "Listening… release to send" : "Hold to talk";
  };

  button.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    button.setPointerCapture?.(event.pointerId);
    pressedAt = performance.now();
    if (listener.active) {
      stopOnRelease = false;
      listener.stop();
    } else {
      stopOnRelease = begin();
    }
  });
  const release = () => {
    if (stopOnRelease && listener.active && performance.now() - pressedAt >= HOLD_MS) listener.stop();
    stopOnRelease = false;
  };
  button.addEventListener("pointerup", release);
  button.addEventListener("pointercancel", release);
  button.addEventListener("contextmenu", (event) => event.preventDefault());
  // Keyboard and assistive technology press the button with a click (no pointer).
  button.addEventListener("click", (event) => {
    if (event.detail !== 0) return;
    if (listener.active) listener.stop();
    else begin();
  });

  let spaceHeld = false;
  addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "/" && !typingSomewhere()) {
      event.preventDefault();
      box.focus();
    } else if (event.key === "Escape" && listener.active) {
      listener.stop();
    } else if (event.code === "Space" && !event.repeat && !typingSomewhere()) {
      event.preventDefault();
      spaceHeld = true;
      if (!listener.active) begin();
    }
  });
  addEventListener("keyup", (event) => {
    if (event.code === "Space" && spaceHeld) {
      spaceHeld = false;
      if (listener.active) listener.stop();
    }
  });
}
