// Node tests of plan-model.js: budget use, observed sites, campaign request and summary.
import assert from "node:assert/strict";
import { test } from "node:test";

import { budgetUse, campaignRequest, campaignSummary, flightColour, observedFeatures } from "../src/plan-model.js";

test("the distance counted is the observation legs' (transit to a region does not count)", () => {
  const greenland = budgetUse({ length_km: 10611.7, observation_km: 5590, budget_km: 5600 });
  assert.equal(greenland.counted, 5590);
  assert.ok(Math.abs(greenland.transit - 5021.7) < 1e-6);
  assert.ok(Math.abs(greenland.pct - 99.82142857) < 1e-6);
  const plain = budgetUse({ length_km: 1395, budget_km: 1400 });
  assert.equal(plain.counted, 1395);
  assert.equal(plain.transit, 0);
  assert.equal(budgetUse({ length_km: 10 }).pct, null);
});

test("observed sites of an account become point features; the others are left out", () => {
  const features = observedFeatures([
    { id: "a", lon: 21, lat: 52, value: 2, status: "observed" },
    { id: "b", lon: 19, lat: 50, status: "not_covered" },
    { id: "c", lon: 13, lat: 52, status: "excluded" },
  ]);
  assert.deepEqual(features.map((f) => f.properties.id), ["a"]);
  assert.deepEqual(features[0].geometry.coordinates, [21, 52]);
  assert.deepEqual(observedFeatures(undefined), []);
});

test("a campaign request needs an observed Party and at least one flight with an airfield", () => {
  const base = { observed: "POL", date: "2026-12-01", hagl_m: 6520, time_limit: 2, sites: null };
  assert.match(campaignRequest({ ...base, flights: [] }).error, /at least one flight/);
  assert.match(campaignRequest({ ...base, observed: "", flights: [{ airfield: "x" }] }).error, /observed/);
  assert.match(campaignRequest({ ...base, flights: [{ airfield: "a" }, { airfield: " " }] }).error, /^Flight 2/);
  const { body } = campaignRequest({
    ...base,
    flights: [{ airfield: "pol-warszawa-okecie" }, { airfield: "dnk-vaerloese", region: "dnk-greenland" }],
  });
  assert.deepEqual(body.flights, ["pol-warszawa-okecie", { airfield: "dnk-vaerloese", region: "dnk-greenland" }]);
});

test("the campaign summary counts each site once and compares with sequential planning", () => {
  const route = (observation_km) => ({ features: [{ properties: { kind: "route", observation_km, violations: [] } }] });
  const summary = campaignSummary({
    value: 12,
    sequential_value: 10,
    sites_observed: 3,
    flights: [
      { airfield: "A", valid: true, budget_km: 100, length_km: 90, value_new: 8, sites_new: ["s1", "s2"], plan: route(90) },
      { airfield: "B", valid: true, budget_km: 100, length_km: 50, value_new: 4, sites_new: ["s3"], plan: route(50) },
    ],
  });
  assert.equal(summary.each_once, true);
  assert.equal(summary.gain, 2);
  assert.equal(summary.gain_pct, 20);
  assert.equal(summary.flights[1].use.pct, 50);
  assert.notEqual(summary.flights[0].colour, summary.flights[1].colour);
  assert.equal(flightColour(0), flightColour(8));
  assert.equal(campaignSummary({ value: 1, flights: [] }).sequential, null);
});

test("a group's members are observed together; a Party alone is itself", async () => {
  const { observedTerritories } = await import("../src/plan-model.js");
  const byCode = new Map([
    ["BLR", { code: "BLR", quota_holder: "BLR-RUS" }],
    ["RUS", { code: "RUS", quota_holder: "BLR-RUS" }],
    ["POL", { code: "POL", quota_holder: "POL" }],
    ["DNK", { code: "DNK" }],
  ]);
  assert.deepEqual([...observedTerritories(byCode, "RUS")].sort(), ["BLR", "RUS"]);
  assert.deepEqual([...observedTerritories(byCode, "DNK")], ["DNK"]);
  assert.deepEqual([...observedTerritories(byCode, "")], []);
});
