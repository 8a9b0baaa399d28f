// The session's history (GET /v4/context/{session}), newest first: what was said,
// how it ended, what changed and cost, and Undo for what can still be undone.

import { byId, clear, dollars, h } from "./dom.js";
import { describe, request } from "./api.js";
import { settings } from "./settings.js";

const WHEN = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Reloads the history list; `onUndo(undoId, button)` undoes an entry. */
export async function loadHistory({ onUndo }) {
  const list = byId("history-list");
  let context;
  try {
    context = await request(`/v4/context/${encodeURIComponent(settings.session)}`);
  } catch (error) {
    byId("history-note").textContent = `History unavailable: ${describe(error)}`;
    return;
  }
  const commands = context?.commands ?? [];
  byId("history-note").textContent = commands.length ? "" : "Nothing said in this session yet.";
  clear(list);
  for (const c of commands) {
    const undo =
      c.undo_id &&
      h("button", { type: "button", class: "undo small", onclick: (e) => onUndo(c.undo_id, e.currentTarget) }, "Undo");
    list.append(
      h(
        "li",
        { "data-state": c.state },
        h(
          "p",
          { class: "h-head" },
          h("time", { datetime: new Date(c.started_ms).toISOString() }, WHEN.format(new Date(c.started_ms))),
          " ",
          h("span", { class: "h-state" }, c.state.replace("_", " ")),
          c.undone && h("span", { class: "h-undone" }, " · undone"),
        ),
        h("p", { class: "h-said" }, c.transcript),
        c.response && h("p", { class: "h-response" }, c.response),
        c.changed?.length > 0 && h("p", { class: "h-files" }, c.changed.join(", ")),
        h("p", { class: "h-meta" }, [c.model, c.cost_usd ? dollars(c.cost_usd) : null].filter(Boolean).join(" · ")),
        undo,
      ),
    );
  }
}
