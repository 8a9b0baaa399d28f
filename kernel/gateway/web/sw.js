// The offline shell: the page's own files come from the cache first (and are
// refreshed in the background, so the next visit has the newest), everything of
// the API (/v4, /v1 and the rest below) only from the network — commands are
// never answered from a cache; the page queues them while offline.

const VERSION = "ralex-shell-1";

const SHELL = [
  "/",
  "/app.css",
  "/app.js",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/js/ambiguity.js",
  "/js/answer.js",
  "/js/api.js",
  "/js/card.js",
  "/js/commands.js",
  "/js/confirm.js",
  "/js/diff.js",
  "/js/dom.js",
  "/js/highlight.js",
  "/js/history.js",
  "/js/listen.js",
  "/js/outbox.js",
  "/js/progress.js",
  "/js/settings-panel.js",
  "/js/settings.js",
  "/js/socket.js",
  "/js/speak.js",
  "/js/status.js",
  "/js/talk.js",
  "/js/token.js",
];

/** Paths that are the API, not the shell: never cached. */
const NETWORK_ONLY = [/^\/v\d+\//, /^\/health$/, /^\/metrics$/, /^\/openapi\.json$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((pattern) => pattern.test(url.pathname))) return;
  const key = request.mode === "navigate" ? "/" : url.pathname;
  event.respondWith(
    caches.open(VERSION).then(async (cache) => {
      const cached = await cache.match(key);
      const fresh = fetch(key, { cache: "no-cache" })
        .then((response) => {
          if (response.ok && response.type === "basic") cache.put(key, response.clone());
          return response;
        })
        .catch(() => null);
      if (cached) {
        event.waitUntil(fresh);
        return cached;
      }
      return (await fresh) ?? new Response("Offline, and this file is not cached.", { status: 503, headers: { "Content-Type": "text/plain" } });
    }),
  );
});
