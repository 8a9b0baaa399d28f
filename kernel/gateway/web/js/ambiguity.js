// When a phrase matched several files or symbols, the answer lists them ("a/b.py",
// or "parse_config in a/b.py"); one tap sends the command again with the phrase
// replaced by the chosen one (the parser reads a
// path as written: "delete the file config dot py" + scripts/config.py →
// "delete the file scripts/config.py").

import { h } from "./dom.js";

/** The targets that need a choice: [{phrase, candidates}]. */
export function unsure(intent) {
  return (intent?.targets ?? []).filter((t) => Array.isArray(t.candidates) && t.candidates.length > 0);
}

/** `command` with the words of `target` replaced by `path`. */
export function rewrite(command, normalized, target, path) {
  for (const [text, words] of [
    [command, target.phrase],
    [normalized, target.phrase],
    [normalized, target.path],
  ]) {
    if (!text || !words) continue;
    const at = text.toLowerCase().indexOf(words.toLowerCase());
    if (at >= 0) return text.slice(0, at) + path + text.slice(at + words.length);
  }
  return `${command} ${path}`;
}

/** The choice buttons; `onPick(newCommand)` sends it. */
export function renderChoices(answer, command, onPick) {
  const targets = unsure(answer.intent);
  if (!targets.length) return null;
  return h(
    "div",
    { class: "choices", role: "group", "aria-label": "Which one did you mean?" },
    targets.map((target) =>
      h(
        "div",
        {},
        h("p", { class: "choices-q" }, `Which “${target.phrase ?? target.path}” did you mean?`),
        h(
          "ul",
          {},
          target.candidates.map((path) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "choice",
                  onclick: (event) => {
                    for (const b of event.target.closest(".choices").querySelectorAll("button")) b.disabled = true;
                    event.target.classList.add("picked");
                    onPick(rewrite(command, answer.normalized, target, path));
                  },
                },
                path,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
