// Ralex in the browser: wires the page's parts together and starts them. Each
// part lives in its own module under js/ (one idea per file); this file only
// connects them: token → status → live link → queued commands → history.

import { byId } from "./js/dom.js";
import { ApiError, OfflineError, describe, whenReachability, whenUnauthorized } from "./js/api.js";
import { Commands } from "./js/commands.js";
import { loadHistory } from "./js/history.js";
import { Listener } from "./js/listen.js";
import { settings } from "./js/settings.js";
import { wireSettings } from "./js/settings-panel.js";
import { EventSocket } from "./js/socket.js";
import { fetchStatus, showStatus } from "./js/status.js";
import { wireTalk } from "./js/talk.js";
import { askForToken } from "./js/token.js";

const feed = byId("feed");
const box = byId("command-text");
const transcript = byId("transcript");
const noticeLine = byId("notice");

function notice(text) {
  noticeLine.textContent = text;
}

const LINK_WORDS = { open: "Live", connecting: "Connecting…", closed: "Not live" };
const socket = new EventSocket({
  onEvent: (event) => commands.event(event),
  onState: (state) => {
    const link = byId("link");
    link.dataset.state = state;
    link.title = state === "open" ? "Live progress is on" : "Live progress is off; answers still arrive";
    byId("link-label").textContent = LINK_WORDS[state];
    // The server is reachable again: send what waited (no "online" event comes
    // when the device was online but the server was not).
    if (state === "open") reachable(true);
  },
});

const commands = new Commands({ feed, socket, afterAnswer: refresh, notice });

const listener = new Listener({
  onInterim: (text) => {
    transcript.textContent = text;
  },
  onFinal: (text) => {
    transcript.textContent = "";
    commands.submit(text);
  },
  onAudio: (blob) => commands.submitAudio(blob),
  onState: () => {}, // set by wireTalk: the button shows it
  onError: (message) => {
    transcript.textContent = "";
    notice(message);
  },
});
wireTalk(listener);

byId("command-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = box.value;
  box.value = "";
  commands.submit(text);
});

byId("project").addEventListener("change", (event) => {
  settings.project = event.target.value;
  notice(`Commands now go to ${settings.project}.`);
});

const historyPanel = byId("history");
const historyButton = byId("open-history");
historyButton.addEventListener("click", () => {
  const open = !historyPanel.classList.contains("open");
  historyPanel.classList.toggle("open", open);
  historyButton.setAttribute("aria-expanded", String(open));
  if (open) {
    showHistory();
    byId("history-title").focus();
  }
});
byId("close-history").addEventListener("click", () => {
  historyPanel.classList.remove("open");
  historyButton.setAttribute("aria-expanded", "false");
  historyButton.focus();
});

function showHistory() {
  return loadHistory({ onUndo: (undoId, button) => commands.undo(undoId, button) });
}

/** Budget and history again, after an answer or reconnecting. */
async function refresh() {
  try {
    const status = await fetchStatus();
    showStatus(status);
    listener.speechToText = Boolean(status.speech_to_text);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) byId("cost-left").textContent = "budget unknown";
  }
  showHistory();
}

let started = false;
function start(status) {
  if (status) {
    showStatus(status);
    listener.speechToText = Boolean(status.speech_to_text);
  }
  socket.connect(settings.token, settings.session);
  showHistory();
  if (!started) {
    started = true;
    commands.restore();
  } else {
    commands.flush();
  }
}

let asking = false;
async function pair(message) {
  if (asking) return;
  asking = true;
  socket.close();
  const status = await askForToken(message);
  asking = false;
  start(status);
}

whenUnauthorized((message) => {
  settings.token = null;
  pair(`This device's token is no longer accepted (${message}). Enter a new one.`);
});

wireSettings({
  voiceMode: () => listener.mode,
  onForget: () => pair("The token was forgotten on this device. Enter one to continue."),
  onNewSession: () => {
    socket.connect(settings.token, settings.session);
    showHistory();
    notice("A new session started: “undo that” and the history now start afresh.");
  },
});

/** Whether the server can be reached, as last seen; shown, and a reason to send the queue. */
let offline = false;
function reachable(yes) {
  if (offline === !yes) return;
  offline = !yes;
  document.body.classList.toggle("offline", offline);
  if (offline) {
    notice("Offline: commands are queued and sent when the connection is back.");
  } else {
    notice("Back online.");
    if (settings.token) {
      commands.flush();
      refresh();
    }
  }
}
whenReachability(reachable);
addEventListener("online", () => reachable(true));
addEventListener("offline", () => reachable(false));

async function boot() {
  if (navigator.onLine === false) reachable(false);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch((error) => console.warn("no offline shell:", error));
  }
  if (!settings.token) return pair("");
  try {
    start(await fetchStatus());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // pairing asks
    if (!(error instanceof OfflineError)) notice(`The server's status could not be read: ${describe(error)}`);
    start(null);
  }
}

boot();
