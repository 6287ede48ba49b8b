// What the views share: the signed-in delegation and the planner's current route.

import { api } from "./api.js";
import { fill, h } from "./ui.js";

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

/**
 * The States Parties a delegation may plan over on a day: not its own quota holder's
 * members (nor itself), sorted by name; and every party of the day by code.
 * @param {string} day
 * @param {{state: string}} me
 */
export async function observableParties(day, me) {
  const list = await partiesOn(day);
  const mine = list.find((p) => p.code === me.state)?.quota_holder;
  return {
    byCode: new Map(list.map((p) => [p.code, p])),
    choices: list
      .filter((p) => p.quota_holder !== mine && p.code !== me.state)
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * The Open Skies airfields of `code` on `day` with their distances, and the rows of
 * Ann. A §III that name a region; an airfield without a row of its own (Denmark's) is
 * listed with `distance_km: null` (a region's row applies).
 * @param {string} code
 * @param {string} day
 */
export async function airfieldChoices(code, day) {
  const [listed, rows] = await Promise.all([
    api("/api/treaty/airfields", { query: { observed: code, on: day } }),
    api("/api/plan/regions", { query: { observed: code, on: day } }),
  ]);
  const regional = (rows.airfields || [])
    .filter((a) => !listed.some((x) => x.id === a.id))
    .map((a) => ({ ...a, distance_km: null, citation: "Ann. A §III (the row of a region)" }));
  return { airfields: listed.concat(regional), regions: rows.regions || [] };
}

/**
 * Fill `select` with the States Parties the delegation may plan over on `day`, keeping the
 * one chosen if it is still one; returns every party of the day by code.
 * @param {HTMLSelectElement} select
 * @param {string} day
 * @param {{state: string}} me
 */
export async function fillObservable(select, day, me) {
  const { byCode, choices } = await observableParties(day, me);
  const keep = select.value;
  fill(
    select,
    h("option", { value: "" }, "Choose a State Party…"),
    choices.map((p) => h("option", { value: p.code }, `${p.name} (${p.code})`)),
  );
  select.value = choices.some((p) => p.code === keep) ? keep : "";
  return byCode;
}
