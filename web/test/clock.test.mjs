// Node tests of clock.js: the exercise time shown in the header (no DOM needed).
import assert from "node:assert/strict";
import { test } from "node:test";

import { clockLine, noteClock, parseInstant, serviceNow, serviceTime } from "../src/clock.js";

const EXERCISE = { mode: "exercise", now: "2002-03-01T08:00:00.123456+00:00" };

test("the server's instant is read with microseconds and an offset", () => {
  assert.equal(parseInstant("2002-03-01T08:00:00.123456+00:00"), Date.UTC(2002, 2, 1, 8, 0, 0, 123));
  assert.equal(parseInstant("2002-03-01T09:00:00+01:00"), Date.UTC(2002, 2, 1, 8));
  assert.equal(parseInstant("2002-03-01T08:00:00Z"), Date.UTC(2002, 2, 1, 8));
  assert.ok(Number.isNaN(parseInstant("yesterday")));
  assert.ok(Number.isNaN(parseInstant(undefined)));
});

test("exercise time moves at real speed from what the server said", () => {
  const read = Date.UTC(2026, 11, 1, 17, 0);
  const later = read + 65_000;
  assert.equal(serviceTime(EXERCISE, read, later).toISOString(), "2002-03-01T08:01:05.123Z");
  assert.equal(serviceTime({ mode: "exercise", now: "nonsense" }, read, later), null);
});

test("the header says exercise time, apart from real time; nothing on real time", () => {
  const read = Date.UTC(2026, 11, 1, 17, 0);
  const line = clockLine(EXERCISE, read, read + 5_000);
  assert.equal(line.exercise, "Exercise time: 2002-03-01 08:00:05 UTC");
  assert.equal(line.real, "real time 2026-12-01 17:00:05 UTC");
  assert.equal(clockLine({ mode: "real", now: "2026-12-01T17:00:00+00:00" }, read, read), null);
  assert.equal(clockLine(undefined, read, read), null);
  assert.equal(clockLine({ mode: "exercise" }, read, read).exercise, "Exercise time: unknown");
});

test("the views' now is exercise time during an exercise, this browser's clock otherwise", () => {
  const read = Date.UTC(2026, 11, 1, 17, 0);
  noteClock({ mode: "real", now: "2026-12-01T17:00:00Z" }, read);
  assert.equal(serviceNow(read + 5_000), read + 5_000);
  noteClock(EXERCISE, read);
  assert.equal(new Date(serviceNow(read + 5_000)).toISOString(), "2002-03-01T08:00:05.123Z");
  noteClock(null, read); // /api/health not answered: this browser's clock
  assert.equal(serviceNow(read), read);
});
