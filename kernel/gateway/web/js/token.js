// Pairing a device: the first visit asks for a token (made with `ralex token
// create`), checks it against the server and keeps it on this device.

import { byId } from "./dom.js";
import { ApiError, describe, request } from "./api.js";
import { settings } from "./settings.js";

/** Asks until a token works; resolves with the server's status. */
export function askForToken(message = "") {
  const dialog = byId("token-dialog");
  const form = byId("token-form");
  const input = byId("token-input");
  const note = byId("token-note");
  note.textContent = message;
  input.value = "";
  // Without a token nothing works: Escape does not close the pairing dialog.
  dialog.oncancel = (event) => event.preventDefault();
  if (!dialog.open) dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) {
        note.textContent = "Paste the token that `ralex token create` printed.";
        return;
      }
      note.textContent = "Checking…";
      try {
        const query = new URLSearchParams({ session_id: settings.session });
        const status = await request(`/v4/status?${query}`, { token });
        settings.token = token;
        dialog.close();
        form.onsubmit = null;
        resolve(status);
      } catch (error) {
        note.textContent =
          error instanceof ApiError && error.status === 401
            ? "That token was not accepted. Check it, or make a new one with `ralex token create`."
            : `The token could not be checked: ${describe(error)}`;
        input.select();
      }
    };
  });
}
