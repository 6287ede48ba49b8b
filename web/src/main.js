// The app shell: sign-in with a delegation token, then four views chosen by the URL hash
// (#treaty, #planner, #campaign, #plans, #flights, #messages, #custody). Each view is created the first time it shows.

import { ApiError, api, session } from "./api.js";
import { clockKnown, clockLine, noteClock } from "./clock.js";
import { forgetTerritories } from "./map.js";
import { shared } from "./state.js";
import { fill, problemBox } from "./ui.js";

const VIEWS = {
  treaty: () => import("./treaty.js"),
  planner: () => import("./planner.js"),
  campaign: () => import("./campaign.js"),
  plans: () => import("./plans.js"),
  flights: () => import("./flights.js"),
  messages: () => import("./messages.js"),
  custody: () => import("./custody.js"),
};
const started = new Map();
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);

function showOnly(name) {
  for (const section of /** @type {NodeListOf<HTMLElement>} */ (
    document.querySelectorAll("main > .view")
  )) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const link of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("#nav a"))) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  if (!shared.me) {
    showOnly("signin");
    $("token").focus();
    return;
  }
  const name = location.hash.slice(1) in VIEWS ? location.hash.slice(1) : "treaty";
  showOnly(name);
  document.title = `openskies — ${name[0].toUpperCase()}${name.slice(1)}`;
  if (!started.has(name)) {
    started.set(
      name,
      VIEWS[name]().then((module) => module.start($(`view-${name}`))),
    );
  }
  const view = await started.get(name);
  view?.shown?.();
}

async function signIn(token) {
  session.token = token;
  shared.me = await api("/api/me");
  await clockKnown; // the views count deadlines on the service's clock
  const me = shared.me;
  // Only what the API returns: the delegation's State, its name, whether it is a Party.
  fill(
    $("who-text"),
    `${me.name} (${me.state}) · `,
    me.state_party ? "State Party" : "not a State Party",
    ` on ${me.on}`,
  );
  $("who").hidden = false;
  $("nav").hidden = false;
}

function signOut() {
  session.token = null;
  shared.me = null;
  shared.plan = null;
  forgetTerritories();
  // Views hold the previous delegation's data: start afresh.
  location.replace(location.pathname);
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("signin-error");
  fill(box);
  const token = $("token").value.trim();
  if (!token) return;
  try {
    await signIn(token);
    $("token").value = "";
    if (!location.hash) location.hash = "#treaty";
    else route();
  } catch (error) {
    session.token = null;
    shared.me = null;
    const shown =
      error instanceof ApiError
        ? error
        : { title: "Cannot reach the openskies API", detail: String(error.message || error) };
    fill(box, problemBox(shown));
  }
});

// The service's clock: exercise time (`openskies serve --clock …`) is shown in the header,
// moving every second; /api/health is asked again every 30 s (the controller may move it on).
let health = { clock: null, readAt: 0 };

async function readHealth() {
  try {
    const answer = await api("/api/health");
    health = { clock: answer.clock || null, readAt: Date.now() };
  } catch {
    /* keep what was last read */
  }
  noteClock(health.clock, health.readAt);
  showClock();
}

function showClock() {
  const line = clockLine(health.clock, health.readAt, Date.now());
  const box = $("clock");
  box.hidden = !line;
  box.dataset.mode = line ? "exercise" : "real";
  if (line) {
    $("clock-exercise").textContent = line.exercise;
    $("clock-real").textContent = `(${line.real})`;
    box.title = "The service runs on an exercise clock (a training exercise or a replay), not real time";
  }
}

readHealth();
setInterval(showClock, 1000);
setInterval(readHealth, 30_000);

$("sign-out").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
window.addEventListener("openskies:unauthorised", () => {
  if (!shared.me) return;
  session.token = null;
  shared.me = null;
  $("who").hidden = true;
  $("nav").hidden = true;
  fill(
    $("signin-error"),
    problemBox({ title: "Signed out", detail: "The token was refused (unknown or revoked)." }),
  );
  route();
});

(async () => {
  if (session.token) {
    try {
      await signIn(session.token);
    } catch {
      session.token = null;
      shared.me = null;
    }
  }
  route();
})();
