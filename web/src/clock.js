// The service's clock in the header: GET /api/health says whether the service runs on real
// time or on an exercise clock (`openskies serve --clock …`: a training exercise or a replay).
// The header shows exercise time as such, moving at real speed between two polls.

/**
 * Parse the server's ISO 8601 instant (any number of fraction digits); NaN when not one.
 * @param {string} iso
 */
export function parseInstant(iso) {
  if (typeof iso !== "string") return Number.NaN;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso.trim());
  if (!m) return Number.NaN;
  const millis = (m[2] || "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${m[1]}.${millis}${m[3]}`);
}

/**
 * The service's time at `nowMs` (this browser's clock) from a /api/health `clock`
 * ({mode, now}) read at `readAtMs`: it moves at real speed from what the server said.
 * @param {{mode?: string, now?: string} | null | undefined} clock
 * @param {number} readAtMs
 * @param {number} nowMs
 */
export function serviceTime(clock, readAtMs, nowMs) {
  const at = parseInstant(clock?.now);
  if (Number.isNaN(at)) return null;
  return new Date(at + (nowMs - readAtMs));
}

/** "2002-03-01 08:00:05 UTC" @param {Date} date */
export function fmtInstant(date) {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * What the header shows: null on real time (nothing to say), else the exercise time and,
 * apart, the real time of this browser.
 * @param {{mode?: string, now?: string} | null | undefined} clock
 * @param {number} readAtMs
 * @param {number} nowMs
 */
export function clockLine(clock, readAtMs, nowMs) {
  if (clock?.mode !== "exercise") return null;
  const time = serviceTime(clock, readAtMs, nowMs);
  if (!time) return { exercise: "Exercise time: unknown", real: `real time ${fmtInstant(new Date(nowMs))}` };
  return {
    exercise: `Exercise time: ${fmtInstant(time)}`,
    real: `real time ${fmtInstant(new Date(nowMs))}`,
  };
}

/** @type {{clock: {mode?: string, now?: string} | null, readAt: number}} */
const reading = { clock: null, readAt: 0 };
/** @type {() => void} */
let firstReading = () => {};
/** Resolves once /api/health has been asked (answered or not): views wait for it. */
export const clockKnown = new Promise((resolve) => {
  firstReading = () => resolve(undefined);
});

/**
 * Note what /api/health said of the clock (`readAtMs`: this browser's clock then).
 * @param {{mode?: string, now?: string} | null} clock
 * @param {number} readAtMs
 */
export function noteClock(clock, readAtMs) {
  reading.clock = clock;
  reading.readAt = readAtMs;
  firstReading();
}

/**
 * Now on the service's clock, in ms: during an exercise the exercise time (moving at real
 * speed from the last reading), else this browser's clock. Deadlines, defaults and the
 * times of signed custody events use it, so they agree with the service.
 * @param {number} [nowMs]
 */
export function serviceNow(nowMs = Date.now()) {
  if (reading.clock?.mode !== "exercise") return nowMs;
  const time = serviceTime(reading.clock, reading.readAt, nowMs);
  return time ? time.getTime() : nowMs;
}
