// What the web UI's browser test stands on: where playwright-core is, the
// environment the Rust driver (tests/e2e/gateway/ui.rs) sets, the step protocol
// with that driver, waiting and asserting, and a fake speech recogniser.

import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const require = createRequire(
  join(process.env.PLAYWRIGHT_MODULE_DIR ?? process.env.NODE_PATH?.split(":")[0] ?? process.cwd(), "noop.js"),
);
export const { chromium } = require("playwright-core");

export const BASE_URL = need("RALEX_URL");
export const TOKEN = need("RALEX_TOKEN");
export const PROJECT = need("RALEX_PROJECT");
export const SHOTS = need("SCREENSHOT_DIR");
mkdirSync(SHOTS, { recursive: true });

export const ADD_DOCSTRING = "add a docstring to parse config dot py";
export const DOCSTRING = "Read the JSON settings file at `path` and return them as a dict.";
export const DELETE_CONFIG = "delete inventory slash config dot py";
export const SHOW_CONFIG = "show me inventory slash config dot py";
export const SHOW_PRICING = "show me inventory slash pricing dot py";
export const UNCLEAR = "show me the file config dot py";

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through tests/e2e/gateway/ui.rs)`);
  return value;
}

export function file(path) {
  return readFileSync(join(PROJECT, path), "utf8");
}

// --- The conversation with the Rust driver ---------------------------------

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Asks the driver to do or check `name`; throws with its reason when it fails. */
export async function step(name, data) {
  console.log(`@@ralex-step ${name}${data ? " " + JSON.stringify(data) : ""}`);
  const { value, done } = await lines.next();
  if (done) throw new Error(`the driver hung up at step ${name}`);
  if (value.trim() !== "ok") throw new Error(`step ${name}: ${value.trim()}`);
}

// --- Small helpers ---------------------------------------------------------


export async function until(what, check, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const result = await check();
      if (result) return result;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ""}`);
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export async function textOf(locator) {
  return (await locator.textContent({ timeout: 5_000 })) ?? "";
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  console.log(`  screenshot ${name}.png`);
}

/** The newest card whose command contains `text`. */
export function card(page, text) {
  return page.locator("#feed .card", { has: page.locator(".said q", { hasText: text }) }).last();
}

export async function stateOf(locator) {
  return locator.getAttribute("data-state", { timeout: 5_000 });
}

export async function typeCommand(page, text) {
  const box = page.locator("#command-text");
  await box.fill(text);
  await box.press("Enter");
}

/** A fake SpeechRecognition (the real one needs Google's servers) and a recorder
 * of what speechSynthesis is asked to say; installed before the page's scripts. */
export function fakeVoice() {
  window.__ralexSpoken = [];
  const synth = window.speechSynthesis;
  if (synth) {
    synth.speak = (utterance) => window.__ralexSpoken.push(utterance.text);
    synth.cancel = () => window.__ralexSpoken.push("<hush>");
  }
  const result = (text, isFinal) => {
    const r = [{ transcript: text, confidence: 0.9 }];
    r.isFinal = isFinal;
    return r;
  };
  class FakeRecognition {
    start() {
      const words = window.__ralexSay ?? "";
      window.__ralexListening = true;
      this.timers = [
        setTimeout(() => this.onresult?.({ resultIndex: 0, results: [result(words.split(" ")[0], false)] }), 60),
        setTimeout(() => this.onresult?.({ resultIndex: 0, results: [result(words, true)] }), 160),
        setTimeout(() => this.stop(), 8000),
      ];
    }
    stop() {
      if (!window.__ralexListening) return;
      window.__ralexListening = false;
      this.timers.forEach(clearTimeout);
      // As a real recogniser does, what was heard is finalised before the end.
      const words = window.__ralexSay ?? "";
      setTimeout(() => {
        this.onresult?.({ resultIndex: 0, results: [result(words, true)] });
        this.onend?.();
      }, 30);
    }
    abort() {
      this.stop();
    }
  }
  window.SpeechRecognition = FakeRecognition;
  window.webkitSpeechRecognition = FakeRecognition;
}
