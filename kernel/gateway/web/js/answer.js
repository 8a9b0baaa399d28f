// One answer on screen: the speakable response, the heard transcript, what the
// pipeline noted, the file or search output, the tests, the diffs, the model and
// cost, and the actions (Undo; picking a file when the target was unclear).

import { append, dollars, h } from "./dom.js";
import { renderChange } from "./diff.js";
import { renderChoices } from "./ambiguity.js";

const STATUS_WORDS = {
  completed: "Done",
  needs_confirmation: "Waiting for your confirmation",
  denied: "Refused",
  failed: "Failed",
};

function seconds(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function renderTests(tests) {
  const verdict = tests.timed_out ? "timed out" : tests.passed ? "passed" : `failed (exit ${tests.exit_code ?? "killed"})`;
  return h(
    "details",
    { class: `tests ${tests.passed ? "passed" : "failed"}`, open: !tests.passed },
    h("summary", {}, `Tests ${verdict}: `, h("code", {}, tests.command), ` in ${seconds(tests.duration_ms)}`),
    tests.output_tail && h("pre", { tabindex: "0" }, tests.output_tail),
  );
}

/**
 * The answer's block. `command` is what was sent; handlers: `onUndo(undoId,
 * button, block)`, `onPick(newCommand)`; `heading` heads it (default: the status
 * when it is not plain success).
 */
export function renderAnswer(answer, command, { onUndo, onPick, heading = null }) {
  const status = answer.status ?? "failed";
  const cost = answer.model || answer.cost_usd ? `cost ${dollars(answer.cost_usd ?? 0)}` : null;
  const meta = [answer.model && `Model ${answer.model}`, cost, answer.dry_run && "dry run"].filter(Boolean).join(" · ");
  // The confirmation panel says what would happen; the card's badge says "done".
  const waiting = status === "needs_confirmation" && answer.confirmation_id;
  const label = heading ?? (status === "completed" || waiting ? null : STATUS_WORDS[status] ?? status);
  const block = h("div", { class: "answer", "data-status": status });
  const undo =
    answer.undo_id &&
    h("button", { type: "button", class: "undo", onclick: (event) => onUndo(answer.undo_id, event.currentTarget, block) }, "Undo");
  append(block, [
    label && h("p", { class: "status" }, label),
    answer.transcript && h("p", { class: "heard" }, "Heard: ", h("q", {}, answer.transcript)),
    !waiting && h("p", { class: "response" }, answer.response ?? ""),
    answer.notes?.length > 0 && h("ul", { class: "notes" }, answer.notes.map((n) => h("li", {}, n))),
    renderChoices(answer, command, onPick),
    answer.output && h("pre", { class: "output", tabindex: "0", "aria-label": "Output" }, answer.output),
    answer.tests && renderTests(answer.tests),
    (answer.changes ?? []).map(renderChange),
    meta && h("p", { class: "meta" }, meta),
    undo && h("div", { class: "actions" }, undo),
  ]);
  return block;
}
