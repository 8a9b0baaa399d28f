// Reading answers aloud with the browser's speechSynthesis: only when the person
// has not turned it off, and silenced the moment they start talking.

import { settings } from "./settings.js";

const synth = globalThis.speechSynthesis;

export function canSpeak() {
  return Boolean(synth && globalThis.SpeechSynthesisUtterance);
}

/** Says `text` (replacing whatever was being said), if reading aloud is on. */
export function say(text) {
  if (!settings.speak || !canSpeak() || !text) return;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = document.documentElement.lang || "en";
  synth.speak(utterance);
}

/** Stops talking at once. */
export function hush() {
  if (canSpeak()) synth.cancel();
}
