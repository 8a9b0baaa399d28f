// The confirmation panel of a destructive command: what exactly will happen (the
// server's words, the kind of change, the files), Confirm and Cancel, and a
// countdown after which the confirmation has expired and nothing can run.

import { h } from "./dom.js";

/** Seconds a confirmation lives on the server (`[agent] confirmation_seconds`). */
export const CONFIRMATION_SECONDS = 120;

/** How long the server keeps a confirmation open (from GET /v4/status). */
let confirmationSeconds = CONFIRMATION_SECONDS;

/** Takes the server's confirmation lifetime, in seconds. */
export function setConfirmationSeconds(seconds) {
  if (Number.isFinite(seconds) && seconds > 0) confirmationSeconds = seconds;
}

function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export class ConfirmPanel {
  /** `onConfirm(panel)` / `onCancel(panel)` do the work; the panel shows the outcome. */
  constructor(answer, { onConfirm, onCancel, onExpire = () => {}, seconds = confirmationSeconds }) {
    this.onExpire = onExpire;
    this.answer = answer;
    this.id = answer.confirmation_id;
    this.deadline = Date.now() + seconds * 1000;
    this.state = "open";
    const intent = answer.intent ?? {};
    const action = intent.params?.action;
    const paths = (intent.targets ?? []).map((t) => t.path ?? t.symbol ?? t.phrase).filter(Boolean);
    this.countdown = h("span", { class: "countdown" });
    this.outcome = h("p", { class: "outcome", role: "status" });
    this.confirmButton = h("button", { type: "button", class: "danger", onclick: () => onConfirm(this) }, "Confirm");
    this.cancelButton = h("button", { type: "button", class: "quiet", onclick: () => onCancel(this) }, "Cancel");
    const titleId = `confirm-${this.id}`;
    this.el = h(
      "section",
      { class: "confirm", "aria-labelledby": titleId, "data-state": "open", "data-id": this.id },
      h("h3", { id: titleId }, "Confirm before anything changes"),
      h("p", { class: "what" }, answer.response),
      h(
        "dl",
        {},
        h("dt", {}, "Action"),
        h("dd", {}, [intent.kind, action && `(${action})`].filter(Boolean).join(" ") || "unknown"),
        h("dt", {}, "Files"),
        h("dd", {}, paths.length ? paths.join(", ") : "none named"),
        intent.risk && [h("dt", {}, "Risk"), h("dd", {}, intent.risk.replace("_", " "))],
      ),
      h("p", { class: "expiry" }, "Expires in ", this.countdown, ". Say “confirm” or “cancel”, or press a button."),
      h("div", { class: "actions" }, this.confirmButton, this.cancelButton),
      this.outcome,
    );
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  get open() {
    return this.state === "open";
  }

  tick() {
    const left = (this.deadline - Date.now()) / 1000;
    this.countdown.textContent = clock(left);
    if (left <= 0 && this.state === "open") {
      this.finish("expired", "Expired: nothing was changed. Say the command again to start over.");
      this.onExpire();
    }
  }

  /** Working on it: buttons off until `finish` or `reopen`. */
  busy(text) {
    this.state = "busy";
    this.el.dataset.state = "busy";
    this.confirmButton.disabled = true;
    this.cancelButton.disabled = true;
    this.outcome.textContent = text;
  }

  /** Back to open after a failure that left the confirmation usable. */
  reopen(text) {
    if (Date.now() >= this.deadline) return this.finish("expired", text);
    this.state = "open";
    this.el.dataset.state = "open";
    this.confirmButton.disabled = false;
    this.cancelButton.disabled = false;
    this.outcome.textContent = text;
  }

  /** Settled: "confirmed", "cancelled", "expired" or "failed". */
  finish(state, text) {
    clearInterval(this.timer);
    this.state = state;
    this.el.dataset.state = state;
    this.confirmButton.disabled = true;
    this.cancelButton.disabled = true;
    this.outcome.textContent = text;
    if (state !== "confirmed") this.countdown.textContent = "0:00";
  }
}

/** "confirm" / "cancel" when `text` is one of those words (for voice), else null. */
export function confirmWord(text) {
  const word = text.toLowerCase().replace(/[^a-z ]/g, "").trim();
  if (/^(confirm|confirmed|yes|yes do it|do it|go ahead)$/.test(word)) return "confirm";
  if (/^(cancel|no|stop|dont|never mind|nevermind)$/.test(word)) return "cancel";
  return null;
}
