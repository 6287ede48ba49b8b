// Small DOM and formatting helpers shared by the views.

/**
 * Build an element: h("button", {type: "button", onclick}, "Text", child…).
 * Attributes starting with "on" become listeners; `dataset`/`style` objects are merged;
 * false/null/undefined attributes and children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "dataset" || key === "style") {
      Object.assign(node[key], value);
    } else if (key === "class") {
      node.className = value;
    } else if (key in node && typeof value !== "string") {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? "" : value);
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A unique id for label/control pairs. */
let counter = 0;
export function uid(prefix = "f") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled form control: field("Label", input, "hint"). */
export function field(label, control, hint) {
  if (!control.id) control.id = uid();
  const hintNode = hint ? h("span", { class: "hint", id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hintNode);
}

/** An element showing an API error: title, detail, every violation with its citation. */
export function problemBox(error) {
  const violations = groupViolations(error.violations);
  const errors = error.errors || [];
  // The detail repeats the violations' sentences: show them once, in the list.
  const detail = violations.length ? null : error.detail;
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("p", { class: "problem-title" }, error.title || "Error"),
    detail ? h("p", { class: "problem-detail" }, detail) : null,
    violations.length
      ? h(
          "ul",
          { class: "violations" },
          violations.map((v) => violationItem(v)),
        )
      : null,
    errors.length
      ? h(
          "ul",
          { class: "field-errors" },
          errors.map((e) => h("li", {}, h("code", {}, e.field), ": ", e.message)),
        )
      : null,
  );
}

/** One violation: citation first, then the rule and the message. */
export function violationItem(v, extra) {
  return h(
    "li",
    { class: `violation severity-${v.severity || "violation"}` },
    h("span", { class: "citation" }, v.citation || "no citation"),
    " ",
    h("code", { class: "rule" }, v.rule),
    h("span", { class: "message" }, v.message),
    v.count > 1 ? h("span", { class: "count" }, ` (×${v.count})`) : null,
    extra || null,
  );
}

/** A tooltip's content as text, never HTML (Leaflet reads a string as HTML). */
export function textTip(text) {
  const span = document.createElement("span");
  span.textContent = String(text);
  return span;
}

/** Violations with the same rule and message, once each, with how many times. */
export function groupViolations(violations) {
  const groups = new Map();
  for (const v of violations || []) {
    const key = `${v.rule}|${v.citation}|${v.message}`;
    if (groups.has(key)) groups.get(key).count += 1;
    else groups.set(key, { ...v, count: 1 });
  }
  return [...groups.values()];
}

/** Show a status line in `node`: kind is "info", "busy", "ok" or "error". */
export function status(node, kind, text) {
  node.dataset.kind = kind;
  node.textContent = text;
}

// --- formatting ---------------------------------------------------------------------

const km = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
const num = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

export const fmtKm = (value) =>
  value === null || value === undefined ? "—" : `${km.format(value)} km`;
export const fmtNum = (value) => (value === null || value === undefined ? "—" : num.format(value));

/** "2026-12-03 09:00 UTC" from an ISO 8601 string. */
export function fmtUtc(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "in 2 d 04 h", "3 h 10 min ago": time from `now` to `iso`. */
export function fmtLeft(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  let text;
  if (days > 0) text = `${days} d ${String(hours).padStart(2, "0")} h`;
  else if (hours > 0) text = `${hours} h ${String(mins).padStart(2, "0")} min`;
  else text = `${mins} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** YYYY-MM-DD of a Date, in UTC. */
export const isoDay = (date) => date.toISOString().slice(0, 10);

/** The UTC Date of a YYYY-MM-DD string. */
export const parseDay = (text) => new Date(`${text}T00:00:00Z`);

/** Whole days from a to b (UTC dates). */
export const daysBetween = (a, b) => Math.round((b.getTime() - a.getTime()) / 86400000);

/** A date `days` after a UTC Date. */
export const addDays = (date, days) => new Date(date.getTime() + days * 86400000);

/** "2026-12-03T09:00" (datetime-local value, read as UTC) -> ISO 8601 with Z. */
export function localInputToUtc(value) {
  if (!value) return "";
  return value.length === 16 ? `${value}:00Z` : `${value}Z`;
}

/** ISO 8601 -> "2026-12-03T09:00" for a datetime-local input showing UTC. */
export const utcToLocalInput = (date) => date.toISOString().slice(0, 16);

/** Offer `text` as a file download. */
export function download(filename, text, type = "text/plain") {
  const blob = new Blob([text], { type });
  const link = h("a", { href: URL.createObjectURL(blob), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
