// The settings dialog: read answers aloud on or off, start a new session, forget
// this device's token, and what the server and voice setup are.

import { byId } from "./dom.js";
import { newSessionId, settings } from "./settings.js";
import { hush } from "./speak.js";

/** Wires the dialog; `onForget()` and `onNewSession()` restart what depends on them. */
export function wireSettings({ onForget, onNewSession, voiceMode }) {
  const dialog = byId("settings-dialog");
  const speak = byId("speak-toggle");
  byId("open-settings").addEventListener("click", () => {
    speak.checked = settings.speak;
    byId("session-id").textContent = settings.session;
    byId("voice-mode").textContent = {
      speech: "Voice: the browser's speech recognition.",
      record: "Voice: recorded here, transcribed by the server.",
      none: "Voice: not available (no speech recognition in this browser and no speech-to-text model on the server).",
    }[voiceMode()];
    dialog.showModal();
  });
  speak.addEventListener("change", () => {
    settings.speak = speak.checked;
    if (!speak.checked) hush();
  });
  byId("new-session").addEventListener("click", () => {
    settings.session = newSessionId();
    byId("session-id").textContent = settings.session;
    onNewSession();
  });
  byId("forget-token").addEventListener("click", () => {
    settings.token = null;
    dialog.close();
    onForget();
  });
  byId("close-settings").addEventListener("click", () => dialog.close());
}
