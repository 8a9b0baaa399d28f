// Sending commands and showing what comes back: a card per command, progress
// events routed to it, the answer, confirmations (over the live link, HTTP when it
// is down), undo, picks of an unclear file, and the offline queue (commands made
// while the server cannot be reached wait in the outbox and go out in order).

import { h } from "./dom.js";
import { ApiError, OfflineError, describe, request } from "./api.js";
import { renderAnswer } from "./answer.js";
import { Card } from "./card.js";
import { ConfirmPanel, confirmWord } from "./confirm.js";
import { SocketClosed } from "./socket.js";
import { settings } from "./settings.js";
import { hush, say } from "./speak.js";
import * as outbox from "./outbox.js";

const STATUS_BADGES = {
  completed: "Done",
  needs_confirmation: "Needs confirmation",
  denied: "Refused",
  failed: "Failed",
};

export class Commands {
  /** `afterAnswer()` refreshes what answers change (budget, history); `notice(text)` tells the person. */
  constructor({ feed, socket, afterAnswer, notice }) {
    this.feed = feed;
    this.socket = socket;
    this.afterAnswer = afterAnswer;
    this.notice = notice;
    this.byCommand = new Map();
    this.awaiting = [];
    this.queued = new Map();
    this.active = null;
    this.flushing = false;
  }

  /** A typed or spoken command; "confirm"/"cancel" answer an open confirmation. */
  submit(text, card = null) {
    text = text.trim();
    if (!text) return;
    const word = this.active?.panel.open ? confirmWord(text) : null;
    if (word) {
      card?.remove();
      const { panel, card: owner, entry } = this.active;
      if (word === "confirm") this.confirm(panel, owner, entry);
      else this.cancel(panel, owner);
      return;
    }
    hush();
    card ??= new Card(this.feed, text);
    card.heard(text);
    const entry = { command: text, session_id: settings.session, project: settings.project };
    if (navigator.onLine === false) this.queue(card, entry);
    else this.dispatch(card, entry);
  }

  /** A recording, for the server to transcribe. */
  async submitAudio(blob) {
    hush();
    const card = new Card(this.feed, "recording…", { audio: true });
    const entry = { audio: blob, session_id: settings.session, project: settings.project };
    if (navigator.onLine === false) return this.queue(card, entry);
    if (this.active?.panel.open) {
      // It may be "confirm" or "cancel": transcribe without acting first.
      card.setState("sending", "Listening to the recording…");
      try {
        const heard = await this.post({ ...entry, dry_run: true });
        return this.submit(heard.transcript ?? "", card);
      } catch (error) {
        if (!(error instanceof OfflineError)) return card.fail(describe(error));
        return this.queue(card, entry);
      }
    }
    this.dispatch(card, entry);
  }

  /** POST /v4/voice-command of `entry`: its answer (a denied answer too). */
  async post(entry) {
    const fields = { session_id: entry.session_id };
    if (entry.project) fields.project = entry.project;
    if (entry.dry_run) fields.dry_run = true;
    if (entry.confirmation_id) fields.confirmation_id = entry.confirmation_id;
    try {
      if (entry.audio) {
        const form = new FormData();
        const type = entry.audio.type || "audio/webm";
        const ext = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
        form.append("audio", entry.audio, `command.${ext}`);
        for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
        return await request("/v4/voice-command", { method: "POST", form });
      }
      return await request("/v4/voice-command", { method: "POST", json: { command: entry.command, ...fields } });
    } catch (error) {
      if (error instanceof ApiError && error.body?.status) return error.body;
      throw error;
    }
  }

  /** Sends `entry` for `card`; false when the server could not be reached (queued again). */
  async dispatch(card, entry, outboxId = null) {
    card.setState("sending");
    this.awaiting.push(card);
    let answer;
    try {
      answer = await this.post(entry);
    } catch (error) {
      this.unclaim(card);
      if (error instanceof OfflineError || (outboxId && error instanceof ApiError && error.status === 401)) {
        if (outboxId) {
          await outbox.update(outboxId, { state: "queued" });
          card.setState("queued");
        } else {
          await this.queue(card, entry);
        }
        return false;
      }
      if (outboxId) await outbox.remove(outboxId);
      card.fail(describe(error));
      return true;
    }
    this.unclaim(card);
    if (outboxId) {
      await outbox.remove(outboxId);
      this.queued.delete(outboxId);
    }
    this.present(card, answer, entry);
    return true;
  }

  /** Shows an answer in its card and acts on it. */
  present(card, answer, entry) {
    if (answer.transcript) card.heard(answer.transcript);
    const command = card.command;
    card.setState(answer.status, STATUS_BADGES[answer.status]);
    card.progress.finish();
    if (answer.undo_id) this.byCommand.set(answer.undo_id, card);
    card.add(
      renderAnswer(answer, command, {
        onUndo: (undoId, button) => this.undo(undoId, button, card),
        onPick: (text) => this.submit(text),
      }),
    );
    if (answer.status === "needs_confirmation" && answer.confirmation_id) {
      const textEntry = { ...entry, command, audio: undefined };
      const panel = new ConfirmPanel(answer, {
        onConfirm: (p) => this.confirm(p, card, textEntry),
        onCancel: (p) => this.cancel(p, card),
        onExpire: () => card.setState("expired", "Expired"),
      });
      card.add(panel.el);
      this.active = { panel, card, entry: textEntry };
      panel.el.setAttribute("tabindex", "-1");
      panel.el.focus({ preventScroll: true });
    }
    say(answer.response);
    this.afterAnswer();
  }

  /** Runs the confirmed command: over the live link, else over HTTP. */
  async confirm(panel, card, entry) {
    if (!panel.open) return;
    hush();
    panel.busy("Confirmed: working…");
    card.newRun();
    card.setState("working", "Working…");
    this.awaiting.push(card);
    let answer;
    try {
      answer = await this.socket.confirm(panel.id);
    } catch (error) {
      if (!(error instanceof SocketClosed)) {
        this.unclaim(card);
        panel.finish("failed", `Not confirmed: ${error.message}`);
        card.setState("failed", "Failed");
        return;
      }
      try {
        answer = await this.post({ ...entry, confirmation_id: panel.id });
      } catch (httpError) {
        this.unclaim(card);
        panel.reopen(`Could not confirm: ${describe(httpError)}`);
        card.setState("needs_confirmation", STATUS_BADGES.needs_confirmation);
        return;
      }
    }
    this.unclaim(card);
    panel.finish("confirmed", "Confirmed.");
    this.present(card, answer, entry);
  }

  /** Drops a pending confirmation. */
  async cancel(panel, card) {
    if (!panel.open) return;
    panel.busy("Cancelling…");
    let note = "";
    try {
      await this.socket.cancel(panel.id);
    } catch (error) {
      // Down link: the server's confirmation simply expires unused.
      if (!(error instanceof SocketClosed)) note = ` (the server said: ${error.message})`;
    }
    panel.finish("cancelled", `Cancelled: nothing was changed.${note}`);
    card.setState("cancelled", "Cancelled");
    say("Cancelled.");
  }

  /** POST /v4/undo; the result shown in `card` (or as a notice from the history). */
  async undo(undoId, button, card = null) {
    hush();
    button.disabled = true;
    button.textContent = "Undoing…";
    if (card) {
      card.newRun();
      this.awaiting.push(card);
    }
    try {
      const answer = await request("/v4/undo", { method: "POST", json: { undo_id: undoId } });
      button.textContent = "Undone";
      if (card) {
        const heading = answer.status === "completed" ? "Undone" : `Undo: ${answer.status}`;
        const block = renderAnswer(answer, "undo", { onUndo: () => {}, onPick: () => {}, heading });
        block.classList.add("undo-answer");
        card.add(block);
      } else {
        this.notice(answer.response);
      }
      say(answer.response);
    } catch (error) {
      button.disabled = false;
      button.textContent = "Undo";
      const message = `Undo failed: ${describe(error)}`;
      if (card) card.add(h("p", { class: "error", role: "alert" }, message));
      else this.notice(message);
    } finally {
      if (card) {
        this.unclaim(card);
        card.progress.finish();
      }
    }
    this.afterAnswer();
  }

  /** A progress event from the live link, to the card of its command. */
  event(event) {
    if (!event.command_id) return;
    let card = this.byCommand.get(event.command_id);
    if (!card) {
      card = this.awaiting.shift();
      if (!card) return;
      this.byCommand.set(event.command_id, card);
    }
    card.event(event);
  }

  unclaim(card) {
    const at = this.awaiting.indexOf(card);
    if (at >= 0) this.awaiting.splice(at, 1);
  }

  /** Keeps `entry` in the outbox until the server can be reached. */
  async queue(card, entry) {
    const id = await outbox.add(entry);
    this.queued.set(id, card);
    card.setState("queued");
    this.notice("Offline: the command is queued and will be sent when the connection is back.");
  }

  /** Shows what the outbox held when the page opened; then sends what is queued. */
  async restore() {
    for (const entry of await outbox.all()) {
      const card = new Card(this.feed, entry.command ?? "recording…", { audio: Boolean(entry.audio) });
      this.queued.set(entry.id, card);
      if (entry.state === "sending") {
        // The page closed mid-send: it may or may not have run. Ask, do not repeat.
        await outbox.update(entry.id, { state: "interrupted" });
        entry.state = "interrupted";
      }
      if (entry.state === "interrupted") this.showInterrupted(card, entry);
      else card.setState("queued");
    }
    await this.flush();
  }

  showInterrupted(card, entry) {
    card.setState("interrupted");
    card.fail(
      "The page closed while this was being sent, so it may have run. Check the history before sending it again.",
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: async () => {
          await outbox.update(entry.id, { state: "queued" });
          card.setState("queued");
          this.flush();
        } }, "Send again"),
        h("button", { type: "button", class: "quiet", onclick: async () => {
          await outbox.remove(entry.id);
          card.remove();
        } }, "Discard"),
      ),
    );
  }

  /** Sends the queued commands in order, until done or offline again. */
  async flush() {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.flushAgain = false;
        for (const entry of await outbox.all()) {
          if (entry.state !== "queued") continue;
          if (navigator.onLine === false || !settings.token) return;
          let card = this.queued.get(entry.id);
          if (!card) {
            card = new Card(this.feed, entry.command ?? "recording…", { audio: Boolean(entry.audio) });
            this.queued.set(entry.id, card);
          }
          await outbox.update(entry.id, { state: "sending" });
          if (!(await this.dispatch(card, entry, entry.id))) return;
        }
      } while (this.flushAgain);
    } finally {
      this.flushing = false;
    }
  }
}
