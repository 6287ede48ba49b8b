// Pure helpers of the planner and campaign views (no DOM): what the API answered, put in the
// shape the views draw. Rules stay on the server: nothing here decides what a route may do.

/**
 * The distance counted against the maximum flight distance: the observation legs' length
 * (transit legs to and from a region do not count, Ann. A §III), else the route's length.
 * @param {{length_km?: number, observation_km?: number, budget_km?: number}} check
 */
export function budgetUse(check) {
  const total = typeof check.length_km === "number" ? check.length_km : null;
  const counted = typeof check.observation_km === "number" ? check.observation_km : total;
  const budget = typeof check.budget_km === "number" && check.budget_km > 0 ? check.budget_km : null;
  return {
    counted,
    total,
    budget,
    pct: budget && counted !== null ? (100 * counted) / budget : null,
    transit: total !== null && counted !== null && total - counted > 0.05 ? total - counted : 0,
  };
}

/**
 * The observed sites of a per-site account (`sites` of a route or of a coverage answer) as
 * GeoJSON point features `{kind: "observed_site", id, value}`.
 * @param {Array<{id: string, lon: number, lat: number, value?: number, status: string}>} accounts
 */
export function observedFeatures(accounts) {
  return (accounts || [])
    .filter((a) => a.status === "observed")
    .map((a) => ({
      type: "Feature",
      geometry: { type: "Point", coordinates: [a.lon, a.lat] },
      properties: { kind: "observed_site", id: a.id, value: a.value ?? 1 },
    }));
}

/** Distinct colours for the flights of a campaign (colour-blind safe, Okabe–Ito). */
export const FLIGHT_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

/** The colour of flight `k` (0-based). @param {number} k */
export const flightColour = (k) => FLIGHT_COLOURS[k % FLIGHT_COLOURS.length];

/**
 * The campaign request from the form's rows, or an error naming what is missing.
 * @param {{observed: string, date: string, hagl_m: number, time_limit: number, sites: any,
 *          flights: Array<{airfield: string, region?: string}>}} form
 * @returns {{body?: object, error?: string}}
 */
export function campaignRequest(form) {
  if (!form.observed) return { error: "Choose the observed State Party." };
  if (!form.flights.length) return { error: "Add at least one flight: a campaign of no flight plans nothing." };
  const empty = form.flights.findIndex((f) => !f.airfield || !f.airfield.trim());
  if (empty >= 0) return { error: `Flight ${empty + 1}: choose its Open Skies airfield.` };
  if (form.flights.length > 12) return { error: "At most 12 flights in one campaign." };
  return {
    body: {
      observed: form.observed,
      date: form.date,
      hagl_m: form.hagl_m,
      time_limit: form.time_limit,
      sites: form.sites,
      flights: form.flights.map((f) =>
        f.region ? { airfield: f.airfield.trim(), region: f.region } : f.airfield.trim(),
      ),
    },
  };
}

/**
 * The campaign answer, summed: per flight its colour and new sites; the joint value against
 * the sequential one (null when the API does not give it).
 * @param {any} answer POST /api/plan/campaign
 */
export function campaignSummary(answer) {
  const flights = (answer.flights || []).map((f, k) => {
    const route = (f.plan?.features || []).find((x) => x.properties?.kind === "route");
    const p = route?.properties || {};
    return {
      index: k,
      colour: flightColour(k),
      airfield: f.airfield,
      valid: Boolean(f.valid),
      budget_km: f.budget_km,
      budget_citation: f.budget_citation,
      use: budgetUse({ length_km: f.length_km, observation_km: p.observation_km, budget_km: f.budget_km }),
      value_new: f.value_new,
      sites_new: f.sites_new || [],
      violations: p.violations || [],
      region: p.region || null,
    };
  });
  const counted = flights.flatMap((f) => f.sites_new);
  const sequential = typeof answer.sequential_value === "number" ? answer.sequential_value : null;
  return {
    flights,
    value: answer.value,
    sites_observed: answer.sites_observed,
    candidates: answer.candidates,
    each_once: new Set(counted).size === counted.length,
    sequential,
    gain: sequential === null ? null : answer.value - sequential,
    gain_pct: sequential ? (100 * (answer.value - sequential)) / sequential : null,
  };
}

/**
 * The territories observed over `code`: a group's common quota covers its members'
 * (Art. III §II ¶3). `byCode` is the parties of the day by code.
 * @param {Map<string, {code: string, quota_holder?: string}>} byCode
 * @param {string} code
 */
export function observedTerritories(byCode, code) {
  const holder = byCode.get(code)?.quota_holder;
  if (!holder) return new Set(code ? [code] : []);
  return new Set([...byCode.values()].filter((p) => p.quota_holder === holder).map((p) => p.code));
}
