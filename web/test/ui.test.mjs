// Node tests of the pure helpers of ui.js (no DOM needed).
import assert from "node:assert/strict";
import { test } from "node:test";

import { groupViolations } from "../src/ui.js";

test("identical findings are grouped once, with their count", () => {
  const low = { rule: "hagl_min", citation: "Ann. D §I", message: "leg below the minimum height" };
  const grouped = groupViolations([...Array(40)].map(() => ({ ...low })).concat([{ ...low, rule: "other" }]));
  assert.equal(grouped.length, 2);
  assert.equal(grouped[0].count, 40);
  assert.equal(grouped[1].count, 1);
});

test("no violations, no groups", () => {
  assert.deepEqual(groupViolations(undefined), []);
});
