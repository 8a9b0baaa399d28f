// One command in the feed, from the moment it is said to its answer: what was
// said, its state (queued → sending → working → answered, or failed), its live
// progress, and the answers (the first, and those of a confirmation or an undo).

import { h } from "./dom.js";
import { Progress } from "./progress.js";

const STATE_WORDS = {
  queued: "Queued: sends when back online",
  sending: "Sending…",
  working: "Working…",
  done: "Answered",
  failed: "Failed",
  interrupted: "Interrupted",
};

export class Card {
  constructor(feed, command, { audio = false } = {}) {
    this.command = command;
    this.badge = h("span", { class: "badge", role: "status" });
    this.body = h("div", { class: "card-body" });
    this.said = h("p", { class: "said" }, audio && h("span", { class: "voice-mark" }, "Spoken "), h("q", {}, command));
    this.el = h(
      "article",
      { class: "card", tabindex: "-1", "aria-label": `Command: ${command}` },
      h("header", {}, this.said, this.badge),
      this.body,
    );
    this.newRun();
    feed.querySelector(".welcome")?.remove();
    feed.append(this.el);
    this.scroll();
  }

  /** A new run of this command (confirmed, undone): its own progress. */
  newRun() {
    this.progress?.finish();
    this.progress = new Progress();
    this.body.append(this.progress.el);
  }

  /** The command text, once a recording has been transcribed. */
  heard(text) {
    this.command = text;
    this.said.querySelector("q").textContent = text;
  }

  setState(state, text) {
    this.el.dataset.state = state;
    this.badge.textContent = text ?? STATE_WORDS[state] ?? state;
  }

  event(event) {
    if (this.el.dataset.state === "sending") this.setState("working");
    this.progress.event(event);
  }

  /** Adds a block (an answer, a panel, a message) under the command. */
  add(block) {
    if (block) this.body.append(block);
    this.scroll();
    return block;
  }

  fail(message, extra) {
    this.setState("failed");
    this.progress.finish();
    return this.add(h("div", { class: "answer", "data-status": "failed" }, h("p", { class: "response", role: "alert" }, message), extra));
  }

  remove() {
    this.el.remove();
  }

  scroll() {
    const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.el.scrollIntoView({ block: "end", behavior: reduce ? "auto" : "smooth" });
  }
}
