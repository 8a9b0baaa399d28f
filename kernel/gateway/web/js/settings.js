// What this device remembers (localStorage): the token, the session, the chosen
// project and whether answers are read aloud. Nothing else is stored here; the
// offline queue lives in IndexedDB (outbox.js).

const KEYS = {
  token: "ralex.token",
  session: "ralex.session",
  project: "ralex.project",
  speak: "ralex.speak",
};

function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode without storage: the setting lasts for this page only.
  }
}

/** A fresh session id: letters, digits and `-` (what the API accepts). */
export function newSessionId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const settings = {
  get token() {
    return read(KEYS.token);
  },
  set token(value) {
    write(KEYS.token, value);
  },
  get session() {
    let id = read(KEYS.session);
    if (!id) {
      id = newSessionId();
      write(KEYS.session, id);
    }
    return id;
  },
  set session(value) {
    write(KEYS.session, value);
  },
  get project() {
    return read(KEYS.project);
  },
  set project(value) {
    write(KEYS.project, value);
  },
  /** Read answers aloud: on unless turned off. */
  get speak() {
    return read(KEYS.speak) !== "off";
  },
  set speak(on) {
    write(KEYS.speak, on ? "on" : "off");
  },
};
