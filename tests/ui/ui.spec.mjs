// The web UI in a real browser (Debian's Chromium driven by playwright-core)
// against a real `ralex serve`, at a phone viewport and a desktop viewport:
// pairing, a typed edit with its diff and live progress, Undo, a destructive
// command confirmed (by voice on the phone, by button on the desktop) and one
// cancelled, an unclear file picked with one tap, the offline queue, the offline
// shell, history, settings. A screenshot of each state goes to SCREENSHOT_DIR.
//
// Run by tests/e2e/gateway/ui.rs, which starts the server and talks with this
// script over stdio: at each `@@ralex-step NAME [JSON]` line it scripts the model
// or checks the project's files, then answers `ok` (or `fail: why`) on stdin.
//
// Env: RALEX_URL, RALEX_TOKEN, RALEX_PROJECT (the served project's folder),
// SCREENSHOT_DIR, NODE_PATH or PLAYWRIGHT_MODULE_DIR (where playwright-core is),
// CHROMIUM (default /usr/bin/chromium).

import {
  chromium,
  BASE_URL,
  TOKEN,
  PROJECT,
  SHOTS,
  ADD_DOCSTRING,
  DOCSTRING,
  DELETE_CONFIG,
  SHOW_CONFIG,
  SHOW_PRICING,
  UNCLEAR,
  file,
  step,
  until,
  assert,
  textOf,
  shot,
  card,
  stateOf,
  typeCommand,
  fakeVoice,
} from "./support.mjs";

let failures = 0;

// --- The scenario ----------------------------------------------------------

async function run(name, options, { voiceConfirm }) {
  console.log(`# ${name}`);
  const context = await browser.newContext({ ...options, serviceWorkers: "allow" });
  await context.addInitScript(fakeVoice);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && /Content Security Policy|Refused to/.test(text)) problems.push(`CSP: ${text}`);
  });
  const check = async (label, work) => {
    try {
      await work();
      console.log(`ok - ${name}: ${label}`);
    } catch (error) {
      failures++;
      console.log(`not ok - ${name}: ${label}\n  ${error.stack ?? error}`);
      await shot(page, `${name}-FAILED-${label.replace(/\W+/g, "-")}`).catch(() => {});
      throw error;
    }
  };

  try {
    await check("pairing asks for a token and refuses a wrong one", async () => {
      await page.goto(BASE_URL);
      await page.locator("#token-dialog").waitFor({ state: "visible" });
      await page.locator("#token-input").fill("rlx_wrong_nottherealsecret");
      await page.locator("#token-form button[type=submit]").click();
      await until("the refusal", async () => (await textOf(page.locator("#token-note"))).includes("not accepted"));
      await shot(page, `${name}-token`);
      await page.locator("#token-input").fill(TOKEN);
      await page.locator("#token-form button[type=submit]").click();
      await page.locator("#token-dialog").waitFor({ state: "hidden" });
      assert((await page.evaluate(() => localStorage.getItem("ralex.token"))) === TOKEN, "the token is stored");
      await until("the live link", async () => (await page.locator("#link").getAttribute("data-state")) === "open");
      await until("the project list", async () => (await page.locator("#project option").allTextContents()).includes("inventory"));
      const budget = await textOf(page.locator("#budget"));
      assert(budget.includes("$0.00 this session"), `budget line: ${budget}`);
    });

    await check("the talk button is large and at the bottom", async () => {
      const box = await page.locator("#talk").boundingBox();
      const viewport = page.viewportSize();
      assert(box.height >= 44 && box.width >= 44, `talk button ${box.width}×${box.height}`);
      assert(box.y + box.height > viewport.height * 0.8, `talk button bottom at ${box.y + box.height} of ${viewport.height}`);
      const input = await page.locator("#command-text").boundingBox();
      assert(input.height >= 44, `text box height ${input.height}`);
    });

    const original = file("inventory/parse_config.py");
    await check("a typed edit shows progress, the diff, model and cost", async () => {
      await step(`${name}:script-edit`);
      await page.waitForTimeout(300); // the socket subscribes just after it opens
      await typeCommand(page, ADD_DOCSTRING);
      const c = card(page, ADD_DOCSTRING);
      await until("the edit's answer", async () => (await stateOf(c)) === "completed", 60_000);
      const added = await c.locator(".diff .line.add").allTextContents();
      assert(added.some((l) => l.includes(DOCSTRING)), `added lines: ${JSON.stringify(added)}`);
      assert((await textOf(c.locator(".diff .path"))).includes("inventory/parse_config.py"), "the diff names the file");
      await c.locator(".diff .line.add .str").first().waitFor();
      await until("the done stage", async () => (await c.locator(".stages li").allTextContents()).includes("done"));
      const stages = await c.locator(".stages li").allTextContents();
      for (const s of ["parse", "agent", "done"]) assert(stages.includes(s), `stage ${s} in ${stages}`);
      assert((await textOf(c.locator(".meta"))).includes("lab-small"), "the model is named");
      await until("the session's cost", async () => (await textOf(page.locator("#cost-session"))) !== "$0.00 this session");
      const response = await textOf(c.locator(".response"));
      const spoken = await page.evaluate(() => window.__ralexSpoken);
      assert(response && spoken.includes(response), `read aloud: ${JSON.stringify(spoken)}, shown: ${response}`);
      await step(`${name}:edited`);
      await c.scrollIntoViewIfNeeded();
      await shot(page, `${name}-answer`);
    });

    await check("Undo restores the file", async () => {
      const c = card(page, ADD_DOCSTRING);
      await c.locator("button.undo").first().click();
      await until("the undo", async () => (await textOf(c.locator("button.undo").first())) === "Undone");
      await c.locator(".undo-answer").waitFor();
      assert(file("inventory/parse_config.py") === original, "parse_config.py is back");
      await step(`${name}:undone`);
      await shot(page, `${name}-undone`);
    });

    const config = file("inventory/config.py");
    await check("a destructive command waits for a clear confirmation", async () => {
      await typeCommand(page, DELETE_CONFIG);
      const c = card(page, DELETE_CONFIG);
      await until("the confirmation", async () => (await stateOf(c)) === "needs_confirmation");
      const panel = c.locator(".confirm");
      const text = await textOf(panel);
      for (const words of ["inventory/config.py", "edit (delete)", "destructive", "Expires in"]) {
        assert(text.includes(words), `the panel says ${words}: ${text}`);
      }
      const left = await textOf(panel.locator(".countdown"));
      assert(/^(2:00|1:[0-5]\d)$/.test(left), `countdown ${left}`);
      await page.waitForTimeout(1100);
      assert((await textOf(panel.locator(".countdown"))) !== "2:00", "the countdown runs");
      await step(`${name}:asked-delete`);
      await shot(page, `${name}-confirmation`);
    });

    await check(voiceConfirm ? "saying “confirm” runs it" : "the Confirm button runs it", async () => {
      const c = card(page, DELETE_CONFIG);
      await step(`${name}:script-delete`);
      if (voiceConfirm) {
        await page.evaluate(() => (window.__ralexSay = "confirm"));
        await page.locator("#talk").tap();
        await until("the live transcript", async () => (await textOf(page.locator("#transcript"))).includes("confirm"));
        // A tap keeps listening until the next tap (a slow machine may have
        // made the tap a hold, which stopped at the release).
        if ((await page.locator("#talk").getAttribute("aria-pressed")) === "true") await page.locator("#talk").tap();
      } else {
        await c.locator(".confirm button.danger").click();
      }
      await until("the confirmed answer", async () => (await c.locator(".confirm").getAttribute("data-state")) === "confirmed", 60_000);
      await until("completed", async () => (await stateOf(c)) === "completed", 60_000);
      const removed = await c.locator(".diff .line.del").allTextContents();
      assert(removed.some((l) => l.includes("LOW_STOCK_THRESHOLD")), `removed lines: ${removed}`);
      assert((await page.locator("#feed .card", { has: page.locator(".said q", { hasText: /^confirm$/ }) }).count()) === 0, "“confirm” was not sent as a command");
      await step(`${name}:deleted`);
      await shot(page, `${name}-confirmed`);
      await c.locator("button.undo").last().click();
      await until("the undo", async () => (await textOf(c.locator("button.undo").last())) === "Undone");
      assert(file("inventory/config.py") === config, "config.py is back");
      await step(`${name}:restored`);
    });

    await check("Cancel drops a waiting confirmation on the server", async () => {
      await typeCommand(page, DELETE_CONFIG);
      const c = card(page, DELETE_CONFIG);
      await until("a new confirmation", async () => (await stateOf(c)) === "needs_confirmation");
      const session = await page.evaluate(() => localStorage.getItem("ralex.session"));
      const id = await c.locator(".confirm").getAttribute("data-id");
      assert(id, "the panel carries its confirmation id");
      if (voiceConfirm) {
        await c.locator(".confirm button.quiet").click();
      } else {
        await typeCommand(page, "cancel");
      }
      await until("cancelled", async () => (await c.locator(".confirm").getAttribute("data-state")) === "cancelled");
      assert((await textOf(c.locator(".confirm .outcome"))).includes("nothing was changed"), "the outcome is said");
      await step(`${name}:cancelled`, { confirmation_id: id, session_id: session });
      await shot(page, `${name}-cancelled`);
    });

    await check("an unclear file offers its candidates; one tap picks", async () => {
      await typeCommand(page, UNCLEAR);
      const c = card(page, UNCLEAR);
      await c.locator(".choices button").first().waitFor();
      const choices = await c.locator(".choices button").allTextContents();
      assert(JSON.stringify(choices) === JSON.stringify(["inventory/config.py", "scripts/config.py"]), `choices ${choices}`);
      await shot(page, `${name}-ambiguous`);
      await c.locator(".choices button", { hasText: "scripts/config.py" }).click();
      const picked = card(page, "show me the file scripts/config.py");
      await until("the picked file", async () => (await stateOf(picked)) === "completed");
      assert((await textOf(picked.locator(".output"))) === file("scripts/config.py"), "the output is scripts/config.py");
    });

    await check("offline commands are queued, then sent in order", async () => {
      await context.setOffline(true);
      await until("the offline state", () => page.evaluate(() => document.body.classList.contains("offline")));
      await typeCommand(page, SHOW_CONFIG);
      await typeCommand(page, SHOW_PRICING);
      for (const command of [SHOW_CONFIG, SHOW_PRICING]) {
        const c = card(page, command);
        await until(`${command} queued`, async () => (await stateOf(c)) === "queued");
        assert((await textOf(c.locator(".badge"))).startsWith("Queued"), "the badge says queued");
      }
      const stored = await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const open = indexedDB.open("ralex");
            open.onsuccess = () => {
              const get = open.result.transaction("outbox").objectStore("outbox").getAll();
              get.onsuccess = () => resolve(get.result.map((e) => `${e.state}:${e.command}`));
              get.onerror = () => reject(get.error);
            };
            open.onerror = () => reject(open.error);
          }),
      );
      assert(JSON.stringify(stored) === JSON.stringify([`queued:${SHOW_CONFIG}`, `queued:${SHOW_PRICING}`]), `outbox ${stored}`);
      await shot(page, `${name}-offline-queued`);
      await context.setOffline(false);
      for (const [command, path] of [[SHOW_CONFIG, "inventory/config.py"], [SHOW_PRICING, "inventory/pricing.py"]]) {
        const c = card(page, command);
        await until(`${command} answered`, async () => (await stateOf(c)) === "completed");
        assert((await textOf(c.locator(".output"))) === file(path), `${path} shown`);
      }
      // The history (newest first) holds the commands as understood.
      const at = (said, path) => said.findIndex((s) => s.startsWith("show me") && s.includes(path));
      const history = await until("the history", async () => {
        const said = await page.locator("#history-list .h-said").allTextContents();
        return at(said, "inventory/pricing.py") >= 0 && said;
      });
      const [pricing, shown] = [at(history, "inventory/pricing.py"), at(history, "inventory/config.py")];
      assert(shown >= 0 && pricing < shown, `sent in order (newest first): ${history}`);
      await shot(page, `${name}-offline-sent`);
    });

    await check("the history lists the session with what was undone", async () => {
      if (name === "phone") {
        await page.locator("#open-history").click();
        await page.locator("#history.open").waitFor();
      }
      const entry = page.locator("#history-list li", { has: page.locator(".h-said", { hasText: "docstring" }) }).last();
      await until("the edit in the history", async () => (await textOf(entry)).includes("undone"));
      assert((await textOf(entry)).includes("inventory/parse_config.py"), "the changed file is listed");
      await shot(page, `${name}-history`);
      if (name === "phone") {
        await page.locator("#close-history").click();
        await page.locator("#history").waitFor({ state: "hidden" });
      }
    });

    await check("every control has a name; dark, landscape and reduced motion hold up", async () => {
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll("button, input, select, textarea")]
          .filter((el) => el.offsetParent !== null || el.closest("dialog[open]"))
          .filter((el) => {
            const named = el.getAttribute("aria-label") || el.labels?.length || el.textContent.trim() || el.getAttribute("aria-labelledby");
            return !named;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert(unnamed.length === 0, `controls without a name: ${unnamed}`);
      await page.emulateMedia({ colorScheme: "dark" });
      const [bg, fg] = await page.evaluate(() => {
        const style = getComputedStyle(document.body);
        return [style.backgroundColor, style.color];
      });
      assert(bg === "rgb(15, 18, 22)" && fg === "rgb(232, 234, 237)", `dark colours ${bg} / ${fg}`);
      await shot(page, `${name}-dark`);
      const size = page.viewportSize();
      await page.setViewportSize({ width: size.height, height: size.width });
      const talk = await page.locator("#talk").boundingBox();
      const turned = page.viewportSize();
      assert(talk.height >= 44 && talk.y + talk.height <= turned.height, `talk button, rotated: ${JSON.stringify(talk)}`);
      await shot(page, `${name}-rotated`);
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });
      await page.evaluate(() => (window.__ralexSay = ""));
      await page.locator("#talk").click();
      await until("listening", async () => (await page.locator("#talk").getAttribute("aria-pressed")) === "true");
      const still = await page.locator("#talk").evaluate((el) => getComputedStyle(el).animationName);
      await page.emulateMedia({ reducedMotion: "no-preference" });
      const moving = await page.locator("#talk").evaluate((el) => getComputedStyle(el).animationName);
      await page.keyboard.press("Escape");
      await until("stopped", async () => (await page.locator("#talk").getAttribute("aria-pressed")) === "false");
      assert(still === "none" && moving === "pulse", `animation with reduced motion: ${still}, without: ${moving}`);
    });

    await check("the shell loads offline from the service worker", async () => {
      await until("the service worker", () =>
        page.evaluate(async () => {
          await navigator.serviceWorker.ready;
          return Boolean(navigator.serviceWorker.controller);
        }),
      );
      await context.setOffline(true);
      await page.reload();
      await page.locator("#talk").waitFor();
      await until("the offline notice", async () => (await textOf(page.locator("#notice"))).includes("Offline"));
      assert(await page.evaluate(() => document.body.classList.contains("offline")), "the page knows it is offline");
      await shot(page, `${name}-offline-shell`);
      await context.setOffline(false);
      await until("back online", async () => (await page.locator("#link").getAttribute("data-state")) === "open");
    });

    if (name === "desktop") {
      await check("keyboard: Ctrl+K focuses the box, holding Space talks", async () => {
        await page.locator("#feed").click({ position: { x: 5, y: 5 } });
        await page.keyboard.press("Control+K");
        assert(await page.evaluate(() => document.activeElement.id === "command-text"), "the box has the focus");
        await page.locator("#feed").click({ position: { x: 5, y: 5 } });
        await page.evaluate((words) => (window.__ralexSay = words), SHOW_CONFIG);
        const cards = page.locator("#feed .card", { has: page.locator(".said q", { hasText: SHOW_CONFIG }) });
        const earlier = await cards.count();
        await page.keyboard.down("Space");
        await until("the live transcript", async () => (await textOf(page.locator("#transcript"))) === SHOW_CONFIG);
        assert((await page.locator("#talk").getAttribute("aria-pressed")) === "true", "listening while Space is held");
        await page.keyboard.up("Space");
        await until("a card for the spoken command", async () => (await cards.count()) === earlier + 1);
        await until("the spoken command's answer", async () => (await stateOf(cards.last())) === "completed");
      });

      await check("read aloud can be turned off and stays off", async () => {
        await page.locator("#open-settings").click();
        await page.locator("#speak-toggle").uncheck();
        await page.locator("#close-settings").click();
        await page.reload();
        await until("the live link", async () => (await page.locator("#link").getAttribute("data-state")) === "open");
        await page.evaluate(() => (window.__ralexSpoken = []));
        await typeCommand(page, SHOW_PRICING);
        await until("the answer", async () => (await stateOf(card(page, SHOW_PRICING))) === "completed");
        const spoken = await page.evaluate(() => window.__ralexSpoken.filter((s) => s !== "<hush>"));
        assert(spoken.length === 0, `nothing read aloud: ${spoken}`);
        await page.locator("#open-settings").click();
        assert(!(await page.locator("#speak-toggle").isChecked()), "the switch stayed off");
        await shot(page, `${name}-settings`);
        await page.locator("#forget-token").click();
        await page.locator("#token-dialog").waitFor({ state: "visible" });
        assert((await page.evaluate(() => localStorage.getItem("ralex.token"))) === null, "the token is gone");
      });

      await check("voice without speech recognition: explained, or recorded for the server; confirmations expire", async () => {
        const bare = await browser.newContext({ ...options });
        await bare.addInitScript(() => {
          delete window.SpeechRecognition;
          delete window.webkitSpeechRecognition;
        });
        const other = await bare.newPage();
        await other.goto(BASE_URL);
        await other.locator("#token-input").fill(TOKEN);
        await other.locator("#token-form button[type=submit]").click();
        await other.locator("#token-dialog").waitFor({ state: "hidden" });
        await other.locator("#talk").click();
        await until("the explanation", async () => (await textOf(other.locator("#notice"))).includes("speech-to-text model"));

        // With a speech-to-text model (the status is rewritten here: this test's
        // server has none), a held button records and sends the audio as
        // multipart; the server's refusal (422, no model) is shown.
        await bare.route("**/v4/status?*", async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, json: { ...(await response.json()), speech_to_text: true } });
        });
        await other.clock.install();
        await other.reload();
        await until("the live link", async () => (await other.locator("#link").getAttribute("data-state")) === "open");
        const sent = other.waitForRequest((r) => r.url().endsWith("/v4/voice-command") && r.method() === "POST");
        await other.locator("#talk").hover();
        await other.mouse.down();
        await until("recording", async () => (await textOf(other.locator("#transcript"))).startsWith("Recording"));
        await other.waitForTimeout(700);
        await other.mouse.up();
        const request = await sent;
        assert((request.headers()["content-type"] ?? "").startsWith("multipart/form-data"), "sent as multipart");
        const body = request.postDataBuffer()?.toString("latin1") ?? "";
        assert(body.includes('name="audio"') && body.includes('name="session_id"'), "with the audio and the session");
        const recorded = other.locator("#feed .card").last();
        await until("the refusal", async () => (await stateOf(recorded)) === "failed");
        assert((await textOf(recorded)).includes("no speech-to-text model is configured"), await textOf(recorded));

        // A confirmation nobody answers expires after two minutes.
        await typeCommand(other, DELETE_CONFIG);
        const waiting = card(other, DELETE_CONFIG);
        await until("the confirmation", async () => (await stateOf(waiting)) === "needs_confirmation");
        await other.clock.fastForward("02:01");
        await until("expired", async () => (await waiting.locator(".confirm").getAttribute("data-state")) === "expired");
        assert((await textOf(waiting.locator(".confirm .outcome"))).includes("Expired"), "it says so");
        assert(await waiting.locator(".confirm button.danger").isDisabled(), "Confirm is off");
        assert((await stateOf(waiting)) === "expired", "the card says expired");
        await shot(other, `${name}-expired`);
        await bare.close();
      });
    }

    assert(problems.length === 0, problems.join("\n"));
    console.log(`ok - ${name}: no page errors or CSP violations`);
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // A fake microphone, allowed without asking, for the recording path.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
  ],
});

// A hung browser must not hang the test run.
setTimeout(() => {
  console.log("not ok - the UI checks took longer than 10 minutes");
  process.exit(2);
}, 10 * 60_000).unref();

let exitCode = 0;
try {
  await run("phone", { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, { voiceConfirm: true });
  await run("desktop", { viewport: { width: 1280, height: 800 } }, { voiceConfirm: false });
} catch (error) {
  exitCode = 1;
  if (!failures) console.log(`not ok - ${error.stack ?? error}`);
} finally {
  await browser.close();
}
console.log(exitCode === 0 ? "# all UI checks passed" : "# UI checks failed");
process.exit(exitCode);
