// A command's live progress from /v4/events: the pipeline's stages as they start
// (the finished ones ticked), the latest message, and a bar (the stage's own share
// when it reports one, else moving through the known stages).

import { h } from "./dom.js";

/** The pipeline's stages in order. */
const ORDER = ["parse", "policy", "context", "enhance", "route", "agent", "snapshot", "tests", "undo", "done"];

export class Progress {
  constructor() {
    this.stages = h("ol", { class: "stages", "aria-label": "Progress" });
    this.message = h("p", { class: "stage-message" });
    this.bar = h("progress", { max: "100", "aria-label": "Progress of this command" });
    this.el = h("div", { class: "progress", hidden: true }, this.stages, this.bar, this.message);
    this.seen = new Map();
  }

  /** One event from the socket. */
  event({ stage, message, fraction }) {
    this.el.hidden = false;
    let item = this.seen.get(stage);
    if (!item) {
      item = h("li", { "data-stage": stage }, stage);
      this.seen.set(stage, item);
      this.stages.append(item);
    }
    for (const other of this.seen.values()) other.classList.toggle("current", other === item);
    for (const [name, li] of this.seen) if (name !== stage) li.classList.add("done");
    this.message.textContent = message ?? "";
    if (stage === "done") {
      item.classList.add("done");
      this.finish();
    } else if (typeof fraction === "number") {
      this.bar.value = Math.round(fraction * 100);
    } else {
      const at = ORDER.indexOf(stage);
      if (at >= 0) this.bar.value = Math.round(((at + 0.5) / ORDER.length) * 100);
    }
  }

  /** The command ended: the bar goes, the stage list stays. */
  finish() {
    for (const li of this.seen.values()) {
      li.classList.add("done");
      li.classList.remove("current");
    }
    this.bar.hidden = true;
    // The answer says the last word; the stage list stays as the record.
    this.message.hidden = true;
  }
}
