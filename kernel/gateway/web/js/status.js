// The header's facts from GET /v4/status: what this session and today cost, the
// budget left, the projects to switch between, and whether the server can
// transcribe audio. Refreshed at start and after every answer.

import { byId, clear, dollars, h } from "./dom.js";
import { request } from "./api.js";
import { settings } from "./settings.js";
import { setConfirmationSeconds } from "./confirm.js";

/** The status, or null when it cannot be read right now. */
export async function fetchStatus() {
  const query = new URLSearchParams({ session_id: settings.session });
  return request(`/v4/status?${query}`);
}

function left(remaining) {
  if (!remaining) return "budget unknown";
  if (remaining.day_usd !== null && remaining.day_usd !== undefined) return `${dollars(remaining.day_usd)} left today`;
  if (remaining.month_usd !== null && remaining.month_usd !== undefined) return `${dollars(remaining.month_usd)} left this month`;
  if (remaining.session_usd !== null && remaining.session_usd !== undefined) return `${dollars(remaining.session_usd)} left this session`;
  return "no budget limit";
}

/** Shows `status` in the header. */
export function showStatus(status) {
  setConfirmationSeconds(status.confirmation_seconds);
  const spent = status.spent ?? {};
  byId("cost-session").textContent = `${dollars(spent.session_usd ?? 0)} this session`;
  byId("cost-today").textContent = `${dollars(spent.day_usd ?? 0)} today`;
  byId("cost-left").textContent = left(status.remaining);
  byId("cost-left").classList.toggle("low", isLow(status));
  showProjects(status.projects ?? []);
  byId("version").textContent = status.version ? `Ralex ${status.version}` : "";
  byId("who").textContent = status.actor ?? "";
}

function isLow(status) {
  const r = status.remaining?.day_usd;
  const l = status.limits?.day_usd;
  return typeof r === "number" && typeof l === "number" && l > 0 && r / l < 0.1;
}

function showProjects(projects) {
  const select = byId("project");
  const names = projects.map((p) => p.name);
  if (!names.includes(settings.project)) settings.project = (projects.find((p) => p.default) ?? projects[0])?.name ?? null;
  clear(select);
  for (const name of names) select.append(h("option", { value: name, selected: name === settings.project }, name));
  select.disabled = names.length < 2;
}
