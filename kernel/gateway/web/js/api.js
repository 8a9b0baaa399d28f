// Talking to the gateway over HTTP: the bearer token on every call, errors in the
// API's `{"error": {"code", "message"}}` shape turned into ApiError, and "the
// network is not there" (offline, or fetch's TypeError) turned into OfflineError
// so callers can queue instead of failing.

import { settings } from "./settings.js";

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** The request never reached the server. */
export class OfflineError extends Error {}

let unauthorized = () => {};
let reachability = () => {};

/** Called with false when a request could not reach the server, true when one did. */
export function whenReachability(handler) {
  reachability = handler;
}

/** Called with the server's message when a token is refused (401). */
export function whenUnauthorized(handler) {
  unauthorized = handler;
}

/**
 * A request to `path`: `json` is sent as JSON, `form` (FormData) as multipart.
 * Resolves to the JSON body of a 2xx answer; rejects with ApiError or OfflineError.
 * `token` overrides the stored token (used to check a new one).
 */
export async function request(path, { method = "GET", json, form, token } = {}) {
  if (navigator.onLine === false) {
    reachability(false);
    throw new OfflineError("the device is offline");
  }
  const headers = { Accept: "application/json" };
  const bearer = token ?? settings.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: "no-store" });
  } catch (error) {
    if (error instanceof TypeError) {
      reachability(false);
      throw new OfflineError(error.message);
    }
    throw error;
  }
  reachability(true);
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (response.ok) return parsed;
  const code = parsed?.error?.code ?? `http_${response.status}`;
  const message =
    parsed?.error?.message ?? `the server answered ${response.status} ${response.statusText}`;
  const error = new ApiError(response.status, code, message, parsed);
  if (response.status === 401 && token === undefined) unauthorized(message);
  throw error;
}

/** One line a person can read for any failure. */
export function describe(error) {
  if (error instanceof OfflineError) return "The server cannot be reached.";
  if (error instanceof ApiError) {
    if (error.status === 429) return `Slow down: ${error.message}`;
    return error.message;
  }
  return String(error?.message ?? error);
}
