// A changed file on screen: the unified diff's hunks with added and removed lines
// marked (colour and the +/− sign, so it reads without colour too) and the code
// highlighted. Git's header lines are dropped; the path is the heading.

import { h } from "./dom.js";
import { tokens } from "./highlight.js";

/** Counts of added and removed lines. */
export function stat(diff) {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) added++;
    else if (line.startsWith("-") && !line.startsWith("---")) removed++;
  }
  return { added, removed };
}

function isHeader(line) {
  return /^(diff --git |index |--- |\+\+\+ |new file mode|deleted file mode|similarity index|rename (from|to) |old mode|new mode|Binary files)/.test(line);
}

function codeLine(kind, sign, text, path) {
  return h(
    "span",
    { class: `line ${kind}` },
    h("span", { class: "sign", "aria-hidden": "true" }, sign),
    tokens(text, path).map(([cls, piece]) => (cls ? h("span", { class: cls }, piece) : piece)),
    "\n",
  );
}

/** The diff of one file as a collapsible block. */
export function renderChange({ path, diff }) {
  const { added, removed } = stat(diff);
  const body = h("code");
  const lines = diff.replace(/\n$/, "").split("\n");
  for (const line of lines) {
    if (isHeader(line)) continue;
    if (line.startsWith("@@")) {
      body.append(h("span", { class: "line hunk" }, line, "\n"));
    } else if (line.startsWith("+")) {
      body.append(codeLine("add", "+", line.slice(1), path));
    } else if (line.startsWith("-")) {
      body.append(codeLine("del", "−", line.slice(1), path));
    } else if (line.startsWith("\\")) {
      body.append(h("span", { class: "line meta" }, line, "\n"));
    } else {
      body.append(codeLine("ctx", " ", line.slice(1), path));
    }
  }
  return h(
    "details",
    { class: "diff", open: true },
    h(
      "summary",
      {},
      h("span", { class: "path" }, path),
      h("span", { class: "stat", "aria-label": `${added} added, ${removed} removed` }, ` +${added} −${removed}`),
    ),
    h("pre", { tabindex: "0", "aria-label": `Changes to ${path}` }, body),
  );
}
