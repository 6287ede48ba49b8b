// What the views share: the signed-in delegation and the planner's current route.

import { api } from "./api.js";

export const shared = {
  /** GET /api/me: {state, name, state_party, on}. */
  me: null,
  /** The planner's current route: {route, observed, airfield, date, check} or null. */
  plan: null,
};

const partiesCache = new Map();

/** GET /api/treaty/parties?on=DAY, cached per day. */
export function partiesOn(day) {
  if (!partiesCache.has(day)) {
    const request = api("/api/treaty/parties", { query: { on: day } });
    partiesCache.set(day, request);
    request.catch(() => partiesCache.delete(day));
  }
  return partiesCache.get(day);
}

/** Tell other views that something changed ("plan"). */
export function announce(what) {
  window.dispatchEvent(new CustomEvent(`openskies:${what}`));
}
