// The offline queue: commands said or typed while the server cannot be reached,
// kept in IndexedDB (so they survive closing the page) and sent in order when the
// device is back online. Each entry has a visible state:
// queued → sending → (removed when answered) | failed.

const DB_NAME = "ralex";
const STORE = "outbox";

let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Queues `entry` ({command, session_id, project}); its id. */
export function add(entry) {
  return run("readwrite", (store) =>
    store.add({ ...entry, state: "queued", queued_ms: Date.now() }),
  );
}

/** Changes fields of entry `id`. */
export async function update(id, patch) {
  const entry = await get(id);
  if (!entry) return;
  await run("readwrite", (store) => store.put({ ...entry, ...patch }));
}

export function get(id) {
  return run("readonly", (store) => store.get(id));
}

export function remove(id) {
  return run("readwrite", (store) => store.delete(id));
}

/** Every entry, oldest first. */
export async function all() {
  const entries = (await run("readonly", (store) => store.getAll())) ?? [];
  return entries.sort((a, b) => a.id - b.id);
}
