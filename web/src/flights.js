// Flights view: the delegation's observation flights, kept current by polling GET /api/live
// (ETag / If-None-Match: 304 when nothing changed). Everything a card offers comes from the
// server: the steps of the delegation's role and their citations and grounds (`steps`), the
// rules that may be agreed otherwise (`agreeable`), the deadlines and whether they were met.
// This file holds no rule table. Refusals are problem+json, shown with their citations.

import { api, apiAll, apiLive } from "./api.js";
import { serviceNow } from "./clock.js";
import { L, LAND, createMap, loadTerritories, territoriesLayer } from "./map.js";
import { partiesOn, shared } from "./state.js";
import {
  field,
  fill,
  fmtKm,
  fmtLeft,
  fmtUtc,
  h,
  localInputToUtc,
  problemBox,
  status,
  uid,
  utcToLocalInput,
  violationItem,
} from "./ui.js";

const POLL_MS = 2000;
const FUNCTIONS = ["mission commander", "pilot", "sensor operator", "flight monitor", "interpreter", "crew"];

export function start(section) {
  const $ = (id) => section.querySelector(`#${id}`);
  const list = $("flights-list");
  const notifyPanel = $("notify-panel");
  const notifyOpen = $("notify-open");
  let flights = [];
  let unread = {};
  let etag = null;
  let timer = null;
  let polling = false;
  const cards = new Map(); // flight id -> {key, node, formBox, errorBox}

  /** Poll the live view; `force` asks again without the ETag. */
  async function load({ force = false } = {}) {
    if (polling) return;
    polling = true;
    const started = performance.now();
    try {
      const answer = await apiLive("/api/live", force ? null : etag);
      if (answer.status !== 304) {
        etag = answer.etag;
        flights = answer.body.flights;
        unread = answer.body.unread || {};
        render();
        section.dataset.updatedAt = new Date().toISOString();
        section.dataset.loadMs = String(Math.round(performance.now() - started));
      }
      fill($("flights-error"));
      const line = $("flights-status");
      // The last step's "done" stays until the list changes; then the count.
      if (answer.status !== 304 || line.dataset.kind !== "ok") {
        status(line, "ok", flights.length ? `${flights.length} flight${flights.length === 1 ? "" : "s"} · live` : "");
      }
    } catch (error) {
      status($("flights-status"), "error", "");
      fill($("flights-error"), problemBox(error));
    } finally {
      polling = false;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!section.hidden && !document.hidden) await load();
      schedule();
    }, POLL_MS);
  }

  function render() {
    if (!flights.length) {
      cards.clear();
      fill(list, h("p", { class: "empty" }, "No observation flight that your delegation may see."));
      return;
    }
    const nodes = flights.map((f) => {
      const key = JSON.stringify([f, unread[f.id] || 0]);
      const old = cards.get(f.id);
      if (old && old.key === key) return old.node;
      const card = flightCard(f, old);
      cards.set(f.id, { key, ...card });
      return card.node;
    });
    fill(list, nodes);
  }

  function flightCard(f, old) {
    const titleId = uid("flight");
    const count = unread[f.id] || 0;
    const node = h(
      "article",
      { class: "card flight", "data-flight-id": f.id, "data-state": f.state || "", "aria-labelledby": titleId },
      h(
        "header",
        { class: "flight-head" },
        h(
          "h2",
          { id: titleId },
          `${f.observing_party} observes ${f.observed_party}`,
          h("span", { class: "muted small" }, ` · ETA ${fmtUtc(f.eta)}`),
        ),
        h(
          "div",
          { class: "badges" },
          h("span", { class: "badge role" }, `your role: ${f.role.replaceAll("_", " ")}`),
          f.state ? h("span", { class: `badge state state-${f.state}`, "data-testid": "flight-state" }, f.state.replaceAll("_", " ")) : null,
          h(
            "button",
            {
              type: "button",
              class: "quiet messages-button",
              "data-testid": "unread",
              "data-unread": String(count),
              "aria-label": `Messages of this flight, ${count} unread`,
              onclick: () => toggleMessages(f, node),
            },
            "Messages",
            count ? h("span", { class: "badge unread" }, String(count)) : null,
          ),
        ),
      ),
      h("p", { class: "muted small" }, "Flight ", h("code", {}, f.id)),
      f.aircraft_by
        ? h(
            "p",
            { class: "small", "data-testid": "aircraft-by" },
            `Aircraft provided by the ${f.aircraft_by} Party`,
            f.inspecting ? `; the ${f.inspecting} Party inspects and may ask for a demonstration flight` : "",
            " ",
            h("span", { class: "cite" }, "Art. VI §I ¶1, ¶6, ¶11"),
          )
        : null,
      h("div", { class: "flight-messages", hidden: true }),
    );
    if (f.notification) node.append(notificationSummary(f.notification));
    if (f.mission_plan) node.append(planPanel(f));
    if (f.deadlines) node.append(timeline(f));
    if (f.breaches?.length) {
      node.append(h("h3", {}, "Breaches"), h("ul", { class: "violations" }, f.breaches.map((b) => violationItem(b))));
    }
    const errorBox = old?.errorBox || h("div", { class: "flight-error", "aria-live": "polite" });
    const formBox = old?.formBox || h("div", { class: "action-form" });
    const steps = f.steps || [];
    if (steps.length) {
      node.append(
        h("h3", {}, "Steps"),
        h(
          "div",
          { class: "step-buttons" },
          steps.map((s) =>
            h(
              "button",
              {
                type: "button",
                class: s.danger ? "danger" : s.next ? "primary" : "",
                "data-step": s.path,
                "data-next": s.next ? "true" : "false",
                title: s.next ? `${s.label} (${s.citation})` : `${s.label}: follows ${s.from.join(", ").replaceAll("_", " ")}`,
                onclick: () => {
                  fill(errorBox);
                  const form = FORMS[s.form];
                  if (form) fill(formBox, form(f, s, (body) => act(f, s, body, errorBox, formBox), () => fill(formBox)));
                  else act(f, s, undefined, errorBox, formBox);
                },
              },
              s.label,
              h("span", { class: "cite" }, s.citation),
            ),
          ),
        ),
        formBox,
        errorBox,
      );
    }
    if (f.agreeable?.length) node.append(agreements(f));
    if (f.report) node.append(reportView(f.report));
    return { node, formBox, errorBox };
  }

  async function act(f, s, body, errorBox, formBox) {
    fill(errorBox);
    try {
      await api(`/api/flights/${encodeURIComponent(f.id)}/${s.path}`, { method: "POST", body });
      fill(formBox);
      await load({ force: true });
      status($("flights-status"), "ok", `${s.label}: done.`);
    } catch (error) {
      fill(errorBox, problemBox(error));
      const form = formBox.querySelector("form");
      if (form) {
        clearInvalid(form);
        markInvalid(form, error);
      }
    }
  }

  async function toggleMessages(f, node) {
    const box = node.querySelector(".flight-messages");
    box.hidden = !box.hidden;
    if (box.hidden) return;
    try {
      const messages = (await apiAll("/api/messages", { query: { box: "inbox" } })).filter((m) => m.flight_id === f.id);
      fill(
        box,
        messages.length
          ? messages.map((m) => h("details", { class: "message", "data-kind": m.kind }, h("summary", {}, `${m.kind.replaceAll("_", " ")} from ${m.from} · ${fmtUtc(m.created_at)}`), h("pre", { class: "mono" }, m.text)))
          : h("p", { class: "muted" }, "No message to your delegation in this flight."),
      );
      await api(`/api/flights/${encodeURIComponent(f.id)}/read`, { method: "POST" });
      unread[f.id] = 0;
      const badge = node.querySelector("[data-testid=unread]");
      badge.dataset.unread = "0";
      badge.querySelector(".unread")?.remove();
    } catch (error) {
      fill(box, problemBox(error));
    }
  }

  // --- agreements ("unless otherwise agreed") -----------------------------------------
  function agreements(f) {
    const box = h("div", { class: "agreements" });
    const error = h("div", { "aria-live": "polite" });
    const mine = shared.me.state;
    const rows = (f.agreements || []).map((a) => {
      const rule = f.agreeable.find((r) => r.rule === a.rule);
      return h(
        "li",
        { "data-rule": a.rule },
        h("span", { class: "citation" }, rule?.citation || ""),
        " ",
        rule?.label || a.rule,
        a.terms ? ` — ${a.terms}` : "",
        ` · proposed by ${a.proposed_by}`,
        a.accepted_by
          ? h("strong", { class: "ok" }, ` · agreed by ${a.accepted_by}`)
          : a.proposed_by !== mine
            ? h(
                "button",
                {
                  type: "button",
                  class: "primary",
                  "data-accept-agreement": a.rule,
                  onclick: async () => {
                    try {
                      await api(`/api/flights/${encodeURIComponent(f.id)}/agreements/${a.id}/accept`, { method: "POST" });
                      await load({ force: true });
                    } catch (err) {
                      fill(error, problemBox(err));
                    }
                  },
                },
                "Accept",
              )
            : h("span", { class: "muted" }, " · awaiting the other Party"),
      );
    });
    const rule = h(
      "select",
      { name: "rule" },
      f.agreeable.map((r) => h("option", { value: r.rule }, `${r.label} (${r.citation})`)),
    );
    const terms = h("input", { name: "terms", maxlength: "2000" });
    const form = h(
      "form",
      { class: "agree-form" },
      field("Rule to set aside", rule),
      field("Terms", terms),
      h("button", { type: "submit" }, "Propose agreement"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/api/flights/${encodeURIComponent(f.id)}/agreements`, {
          method: "POST",
          body: { rule: rule.value, terms: terms.value.trim() },
        });
        await load({ force: true });
      } catch (err) {
        fill(error, problemBox(err));
      }
    });
    fill(
      box,
      h("h3", {}, "Unless otherwise agreed"),
      rows.length ? h("ul", { class: "agreement-list" }, rows) : h("p", { class: "muted small" }, "No agreement yet."),
      h("details", {}, h("summary", {}, "Propose an agreement…"), form),
      error,
    );
    return box;
  }

  // --- notification form ----------------------------------------------------------
  notifyOpen.addEventListener("click", async () => {
    if (!notifyPanel.hidden) {
      closeNotify();
      return;
    }
    notifyPanel.hidden = false;
    notifyOpen.setAttribute("aria-expanded", "true");
    fill(notifyPanel, await notifyForm());
    notifyPanel.querySelector("select, input")?.focus();
  });

  function closeNotify() {
    notifyPanel.hidden = true;
    notifyOpen.setAttribute("aria-expanded", "false");
    fill(notifyPanel);
    notifyOpen.focus();
  }

  async function notifyForm() {
    const me = shared.me;
    const observed = h("select", { name: "observed", required: true });
    try {
      const parties = await partiesOn(me.on);
      const mine = parties.find((p) => p.code === me.state)?.quota_holder;
      fill(
        observed,
        h("option", { value: "" }, "Choose a State Party…"),
        parties
          .filter((p) => p.quota_holder !== mine && p.code !== me.state)
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((p) => h("option", { value: p.code }, `${p.name} (${p.code})`)),
      );
    } catch {
      /* leave the list empty; the service explains on submit */
    }
    if (shared.plan) observed.value = shared.plan.observed;

    const entryList = h("datalist", { id: uid("entry") });
    const pointOfEntry = h("input", { name: "point_of_entry", required: true, list: entryList.id, spellcheck: "false" });
    const eta = h("input", { type: "datetime-local", name: "eta", required: true });
    const hour = 3600000;
    const etaDefault = new Date(Math.ceil((serviceNow() + 96 * hour) / hour) * hour);
    eta.value = utcToLocalInput(etaDefault);
    const place = h("input", { name: "pre_flight_inspection.place", required: true });
    const inspection = h("input", { type: "datetime-local", name: "pre_flight_inspection.start", required: true });
    inspection.value = utcToLocalInput(new Date(etaDefault.getTime() + 2 * hour));
    const accommodation = h("input", { name: "accommodation", maxlength: "500" });
    const transport = h("input", { name: "transport", maxlength: "200" });
    const clearance = h("input", { name: "diplomatic_clearance", required: true, maxlength: "40" });
    const aircraft = h("input", { name: "aircraft", required: true, maxlength: "200" });
    const distance = h("input", { type: "number", name: "approximate_distance_km", required: true, min: "1", max: "20000", step: "1" });
    if (shared.plan?.check?.length_km) distance.value = String(Math.round(shared.plan.check.length_km));
    const people = h("div", { class: "people" });
    const error = h("div", { "aria-live": "polite" });

    async function entrySuggestions() {
      fill(entryList);
      if (!observed.value) return;
      try {
        const airfields = await api("/api/treaty/airfields", { query: { observed: observed.value, on: me.on } });
        fill(entryList, airfields.map((a) => h("option", { value: a.id }, a.name)));
        if (!pointOfEntry.value && airfields[0]) {
          pointOfEntry.value = (shared.plan?.observed === observed.value && shared.plan.airfield) || airfields[0].id;
        }
        if (!place.value) place.value = airfields.find((a) => a.id === pointOfEntry.value)?.name || "";
      } catch {
        /* suggestions only */
      }
    }
    observed.addEventListener("change", () => {
      pointOfEntry.value = "";
      place.value = "";
      entrySuggestions();
    });
    entrySuggestions();

    function person(index) {
      const row = h("fieldset", { class: "person" });
      const input = (name, attrs = {}) => h("input", { name: `personnel.${index}.${name}`, required: true, ...attrs });
      const fnList = h("datalist", { id: uid("fn") }, FUNCTIONS.map((f) => h("option", { value: f })));
      const issued = input("passport_issued_by", { maxlength: "3", minlength: "3", pattern: "[A-Za-z]{3}", autocapitalize: "characters" });
      issued.value = me.state;
      const remove = h("button", { type: "button", class: "quiet", onclick: () => { row.remove(); renumber(); } }, "Remove");
      fill(
        row,
        h("legend", {}, `Person ${index + 1}`),
        h(
          "div",
          { class: "grid-3" },
          field("Name", input("name", { autocomplete: "off" })),
          field("Gender", input("gender", { maxlength: "20" })),
          field("Date of birth", input("date_of_birth", { type: "date" })),
          field("Place of birth", input("place_of_birth")),
          field("Passport number", input("passport_number", { maxlength: "40" })),
          field("Passport issued by (alpha-3)", issued),
          field("Function", input("function", { list: fnList.id })),
        ),
        fnList,
        remove,
      );
      return row;
    }
    function renumber() {
      [...people.querySelectorAll("fieldset.person")].forEach((row, i) => {
        row.querySelector("legend").textContent = `Person ${i + 1}`;
        for (const el of row.querySelectorAll("input")) {
          el.name = el.name.replace(/^personnel\.\d+\./, `personnel.${i}.`);
        }
        row.querySelector("button").disabled = people.children.length === 1;
      });
    }
    people.append(person(0));
    renumber();
    const add = h("button", { type: "button", onclick: () => { people.append(person(people.children.length)); renumber(); people.lastElementChild.querySelector("input").focus(); } }, "Add a person");

    const submit = h("button", { type: "submit", class: "primary" }, "Send notification");
    const form = h(
      "form",
      { class: "card notify", "aria-labelledby": "notify-title", novalidate: false },
      h("h2", { id: "notify-title" }, "Notification of an observation flight"),
      h("p", { class: "muted small" }, "Art. VI §I ¶5(A)–(H): at least 72 hours before the ETA at the point of entry. All times are UTC."),
      h(
        "div",
        { class: "grid-2" },
        field("Observed State Party", observed),
        field("Point of entry (Ann. E App. 1 site id)", pointOfEntry, "¶5(A), e.g. pol-warszawa-okecie"),
        entryList,
        field("ETA at the point of entry (UTC)", eta, "¶5(B)"),
        field("Accommodation needs", accommodation, "¶5(B), if any"),
        field("Pre-flight inspection: place", place, "¶5(C)"),
        field("Pre-flight inspection: start (UTC)", inspection, "¶5(C): not before the arrival"),
        field("Mode of transport", transport, "¶5(D), if the observed Party provides the aircraft"),
        field("Diplomatic clearance number", clearance, "¶5(E)"),
        field("Aircraft (type and registration, per Ann. C)", aircraft, "¶5(F)"),
        field("Approximate distance of the flight (km)", distance, "¶5(G)"),
      ),
      h("h3", {}, "Personnel ", h("span", { class: "muted small" }, "¶5(H)")),
      people,
      h("div", { class: "buttons" }, add),
      error,
      h("div", { class: "buttons" }, submit, h("button", { type: "button", class: "quiet", onclick: closeNotify }, "Cancel")),
    );

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      fill(error);
      clearInvalid(form);
      if (!form.reportValidity()) return;
      const personnel = [...people.querySelectorAll("fieldset.person")].map((row) => {
        const value = (name) => row.querySelector(`[name$=".${name}"]`).value.trim();
        return {
          name: value("name"),
          gender: value("gender"),
          date_of_birth: value("date_of_birth"),
          place_of_birth: value("place_of_birth"),
          passport_number: value("passport_number"),
          passport_issued_by: value("passport_issued_by").toUpperCase(),
          function: value("function"),
        };
      });
      const body = {
        observed: observed.value,
        point_of_entry: pointOfEntry.value.trim(),
        eta: localInputToUtc(eta.value),
        accommodation: accommodation.value.trim(),
        transport: transport.value.trim(),
        pre_flight_inspection: { place: place.value.trim(), start: localInputToUtc(inspection.value) },
        diplomatic_clearance: clearance.value.trim(),
        aircraft: aircraft.value.trim(),
        approximate_distance_km: Number(distance.value),
        personnel,
      };
      submit.disabled = true;
      try {
        const flight = await api("/api/flights", { method: "POST", body });
        closeNotify();
        await load({ force: true });
        section.dataset.notified = flight.id;
        status($("flights-status"), "ok", `Notified: flight ${flight.id} over ${flight.observed_party}.`);
      } catch (err) {
        fill(error, problemBox(err));
        markInvalid(form, err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  $("flights-refresh").addEventListener("click", () => load({ force: true }));

  // Keep "time left" current while the page is open.
  setInterval(() => {
    if (section.hidden) return;
    for (const el of section.querySelectorAll("[data-at]")) el.textContent = fmtLeft(el.dataset.at, serviceNow());
  }, 30000);

  window.addEventListener("openskies:plan", () => {
    for (const el of section.querySelectorAll("[data-plan-summary]")) fill(el, planSummary());
  });

  return {
    shown() {
      load({ force: true });
      schedule();
    },
  };
}

// --- pieces of a flight card -------------------------------------------------------------

function notificationSummary(n) {
  const none = "none stated";
  const rows = [
    ["Point of entry", n.point_of_entry, "¶5(A)"],
    ["Open Skies airfield", n.open_skies_airfield || "the point of entry", "¶5(A)"],
    ["ETA at the point of entry", fmtUtc(n.eta), "¶5(B)"],
    ["Departure to the Open Skies airfield", n.departure_to_airfield ? fmtUtc(n.departure_to_airfield) : "not applicable", "¶5(B)"],
    ["Accommodation needs", n.accommodation || none, "¶5(B)"],
    ["Pre-flight inspection", n.pre_flight_inspection ? `${n.pre_flight_inspection.place}, ${fmtUtc(n.pre_flight_inspection.start)}` : none, "¶5(C)"],
    ["Mode of transport", n.transport || "not applicable (own observation aircraft)", "¶5(D)"],
    ["Diplomatic clearance", n.diplomatic_clearance, "¶5(E)"],
    ["Aircraft", n.aircraft, "¶5(F)"],
    ["Approximate distance", n.approximate_distance_km ? fmtKm(n.approximate_distance_km) : none, "¶5(G)"],
    ["Personnel", Array.isArray(n.personnel) ? n.personnel.map((p) => `${p.name} (${p.function})`).join("; ") : none, "¶5(H)"],
  ];
  return h(
    "details",
    { class: "notification", "data-testid": "notification" },
    h("summary", {}, "Notification (Art. VI §I ¶5)"),
    h("dl", { class: "facts" }, rows.map(([k, v, c]) => [h("dt", {}, `${k} `, h("span", { class: "cite" }, c)), h("dd", {}, v)])),
  );
}

/** The deadlines and events of a flight; a deadline met shows when, and no countdown. */
function timeline(f) {
  const deadlines = [...(f.deadlines || [])].sort((a, b) => a.at.localeCompare(b.at));
  const events = (f.events || []).map((e) => ({
    at: e.at,
    node: h(
      "li",
      { class: "tl-item done" },
      h("span", { class: "tl-when" }, fmtUtc(e.at)),
      h("span", { class: "tl-what" }, h("strong", {}, `✓ ${e.step.replaceAll("_", " ")}`), e.actor ? ` by ${e.actor}` : ""),
      e.breaches?.length ? h("ul", { class: "violations" }, e.breaches.map((b) => violationItem(typeof b === "string" ? { rule: b } : b))) : null,
    ),
  }));
  const now = serviceNow();
  const items = [...deadlines.map((d) => ({ at: d.at, node: deadlineItem(d) })), ...events].sort((a, b) => a.at.localeCompare(b.at));
  const nowIndex = items.findIndex((i) => new Date(i.at).getTime() > now);
  const nowItem = h("li", { class: "tl-now", "aria-label": "now" }, h("span", {}, `now · ${fmtUtc(new Date(now).toISOString())}`));
  const nodes = items.map((i) => i.node);
  if (nowIndex === -1) nodes.push(nowItem);
  else nodes.splice(nowIndex, 0, nowItem);
  return h("div", { class: "timeline" }, h("h3", {}, "Deadlines"), h("ol", { class: "tl-list", "data-testid": "deadlines" }, nodes));
}

function deadlineItem(d) {
  const past = new Date(d.at).getTime() < serviceNow();
  let left;
  if (d.waived) left = h("span", { class: "tl-met" }, "set aside by agreement");
  else if (d.met_at) left = h("span", { class: `tl-met ${d.late ? "bad" : "ok"}`, "data-met-at": d.met_at }, `${d.late ? "✗ late" : "✓ met"} ${fmtUtc(d.met_at)}`);
  else left = h("span", { class: "tl-left", "data-at": d.at }, fmtLeft(d.at, serviceNow()));
  return h(
    "li",
    { class: `tl-item ${d.met_at ? "met" : past ? "past" : "future"} kind-${d.kind}`, "data-rule": d.rule },
    h("span", { class: "tl-when" }, fmtUtc(d.at)),
    h("span", { class: "tl-what" }, h("span", { class: "tl-kind" }, d.kind === "not_before" ? "not before" : "at the latest"), " ", d.text, " ", h("span", { class: "citation" }, d.citation)),
    left,
  );
}

function reportView(report) {
  const rows = Object.entries(report).filter(([k]) => k !== "signed_by");
  const show = (v) => (typeof v === "string" ? v || "—" : JSON.stringify(v));
  return h(
    "section",
    { class: "report", "data-testid": "report" },
    h("h3", {}, "Mission report ", h("span", { class: "cite" }, "Art. VI §I ¶21")),
    h("p", {}, `Signed by ${(report.signed_by || []).join(" and ") || "no one yet"}.`),
    h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k.replaceAll("_", " ")), h("dd", {}, show(v))])),
  );
}

// --- the plan: versions, the two routes on a map, the diff as a table -----------------------

function coordsOf(route) {
  const line = (route?.features || []).find((f) => f.geometry?.type === "LineString");
  return line ? line.geometry.coordinates : [];
}

function planPanel(f) {
  const box = h("section", { class: "plan-panel", "data-testid": "plan-panel" }, h("h3", {}, "Mission plan ", h("span", { class: "cite" }, "Art. VI §II")));
  const mapEl = h("div", { class: "plan-map", role: "region", "aria-label": "The mission plan and proposed route" });
  const body = h("div", {});
  const key = h("p", { class: "muted small" }, "Blue: the mission plan · dashed orange: the route the observed Party proposes.");
  box.append(mapEl, key, body);
  (async () => {
    try {
      const plan = await api(`/api/flights/${encodeURIComponent(f.id)}/plan`);
      const versions = await Promise.all(
        plan.versions.map((v) => api(`/api/plans/${encodeURIComponent(plan.id)}/versions/${v.number}`)),
      );
      const mission = [...versions].reverse().find((v) => v.kind === "mission_plan");
      const change = [...versions].reverse().find((v) => v.kind === "proposed_change" && v.number > (mission?.number || 0));
      const agreed = [...versions].reverse().find((v) => v.kind === "agreed");
      fill(
        body,
        h(
          "table",
          { class: "data compact", "data-testid": "plan-versions" },
          h("thead", {}, h("tr", {}, ["Version", "Kind", "By", "Saved", ""].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            versions.map((v) =>
              h(
                "tr",
                { "data-kind": v.kind },
                h("td", {}, String(v.number)),
                h("td", {}, v.kind.replaceAll("_", " ")),
                h("td", {}, v.author),
                h("td", {}, fmtUtc(v.created_at)),
                h("td", {}, h("button", { type: "button", class: "link", onclick: () => openInPlanner(f, v) }, "Open in planner")),
              ),
            ),
          ),
        ),
        change ? diffTable(change) : null,
        agreed ? h("p", { class: "ok", "data-testid": "agreed-version" }, `Agreed: version ${agreed.number}, signed by ${(agreed.details.signed_by || []).join(" and ")}.`) : null,
      );
      drawRoutes(mapEl, mission, change, f.observed_party);
    } catch (error) {
      fill(body, problemBox(error));
    }
  })();
  return box;
}

function diffTable(change) {
  const rows = change.details.changes || [];
  const at = (fix) => (fix ? `${fix.lat.toFixed(4)}, ${fix.lon.toFixed(4)}${fix.hagl_m ? ` · ${fix.hagl_m} m` : ""}` : "—");
  return h(
    "div",
    { class: "diff" },
    h("h4", {}, `Changes proposed by ${change.author} (version ${change.number} against version ${change.details.answers})`),
    h(
      "table",
      { class: "data compact", "data-testid": "plan-diff" },
      h("thead", {}, h("tr", {}, ["Change", "Fix", "Was", "Now", "Ground (Art. VIII §I ¶4)"].map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        rows.map((c) =>
          h(
            "tr",
            { "data-change": c.change },
            h("td", {}, c.change.replaceAll("_", " ")),
            h("td", {}, String((c.new || c.old).index)),
            h("td", {}, at(c.old)),
            h("td", {}, at(c.new), c.distance_m ? ` (${Math.round(c.distance_m)} m)` : ""),
            h("td", {}, (c.ground || "").replaceAll("_", " ")),
          ),
        ),
      ),
    ),
  );
}

async function drawRoutes(el, mission, change, observed) {
  const map = createMap(el, { center: [52, 19], zoom: 5 });
  const bounds = [];
  const draw = (v, style, label) => {
    if (!v) return;
    const points = coordsOf(v.route).map(([lon, lat]) => [lat, lon]);
    if (!points.length) return;
    const line = L.polyline(points, style).addTo(map);
    const tip = document.createElement("span");
    tip.textContent = label;
    line.bindTooltip(tip);
    bounds.push(...points);
  };
  draw(mission, { color: "#1d4ed8", weight: 3 }, mission ? `Mission plan (version ${mission.number})` : "");
  draw(change, { color: "#c2410c", weight: 3, dashArray: "8 6" }, change ? `Proposed change (version ${change.number})` : "");
  if (bounds.length) map.fitBounds(L.latLngBounds(bounds), { padding: [20, 20] });
  try {
    // Only the observed State's territory: a light layer, rebuilt with the card.
    const all = await loadTerritories();
    const mine = { type: "FeatureCollection", features: all.features.filter((t) => t.properties?.code === observed) };
    const land = territoriesLayer(mine, () => LAND);
    land.addTo(map);
    land.bringToBack();
  } catch {
    /* the routes without the land */
  }
}

function openInPlanner(f, v) {
  shared.openVersion = {
    route: v.route,
    observed: f.observed_holder || f.observed_party,
    airfield: v.details.open_skies_airfield || f.notification?.open_skies_airfield || f.notification?.point_of_entry,
    date: (v.details.planned_start || "").slice(0, 10) || shared.me.on,
    label: `version ${v.number} (${v.kind.replaceAll("_", " ")})`,
  };
  location.hash = "#planner";
}

// --- step forms --------------------------------------------------------------------

function stepForm(title, controls, submitLabel, onSubmit, onCancel) {
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h(
    "form",
    { class: "step-form" },
    h("h4", {}, title),
    controls,
    h("div", { class: "buttons" }, submit, h("button", { type: "button", class: "quiet", onclick: onCancel }, "Cancel")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    submit.disabled = true;
    try {
      await onSubmit();
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => form.querySelector("input, select, textarea")?.focus());
  return form;
}

function planSummary() {
  const p = shared.plan;
  if (!p) return ["No route in the planner yet. ", h("a", { href: "#planner" }, "Plan a route"), " and come back."];
  const bad = p.check.violations.filter((v) => (v.severity || "violation") === "violation").length;
  return [
    `Planner route over ${p.observed} from ${p.airfield} on ${p.date}: `,
    `${coordsOf(p.route).length} waypoints, ${fmtKm(p.check.length_km)} of ${fmtKm(p.check.budget_km)}, `,
    p.check.valid ? h("strong", { class: "ok" }, "valid") : h("strong", { class: "bad" }, `${bad} violation(s)`),
    ".",
  ];
}

function missionPlanForm(f, s, send, cancel) {
  const start = h("input", { type: "datetime-local", required: true, name: "planned_start" });
  const base = Math.max(serviceNow(), new Date(f.eta).getTime()) + 24 * 3600000;
  start.value = utcToLocalInput(new Date(Math.ceil(base / 3600000) * 3600000));
  const summary = h("p", { "data-plan-summary": "" }, planSummary());
  const refusal = h("div", { "aria-live": "polite" });
  const requires = s.requires || {};
  return stepForm(
    "Submit the planner's route as the mission plan",
    [summary, field("Planned start of the observation flight (UTC)", start, "Art. VI §II ¶1"), refusal],
    "Submit mission plan",
    () => {
      fill(refusal);
      const p = shared.plan;
      if (!p) return Promise.resolve(fill(summary, planSummary()));
      // Before anything is sent: the server's own statement of whom the plan must cover.
      const refuse = (rule, citation, message) => {
        fill(refusal, problemBox({ title: "Refused by the treaty", violations: [{ rule, citation, message }] }));
        return Promise.resolve();
      };
      if (requires.observed && !requires.observed.includes(p.observed)) {
        return refuse("mission_plan_observed", requires.citation, `this route is planned over ${p.observed}; the flight observes ${f.observed_party}`);
      }
      const day = localInputToUtc(start.value).slice(0, 10);
      if (requires.same_day_as_start && p.date !== day) {
        return refuse("mission_plan_date", requires.date_citation, `this route was checked for ${p.date}; the flight starts on ${day}: check it for that day in the planner`);
      }
      return send({
        route: p.route,
        planned_start: localInputToUtc(start.value),
        open_skies_airfield: p.airfield,
        observed: p.observed,
        date: p.date,
      });
    },
    cancel,
  );
}

function changesForm(f, s, send, cancel) {
  const grounds = s.grounds || [];
  const overall = h("select", { required: true, name: "grounds" }, grounds.map((g) => h("option", { value: g.value }, `${g.label} (${g.citation})`)));
  const text = h("textarea", { rows: 2, name: "changes" });
  const table = h("div", { "data-testid": "proposed-diff" });
  const perChange = [];
  async function preview() {
    perChange.length = 0;
    if (!shared.plan || !f.mission_plan) {
      fill(table, h("p", { class: "muted" }, "Open the mission plan in the planner, move its fixes, and come back."));
      return;
    }
    try {
      const diff = await api("/api/plans/diff", { method: "POST", body: { old: f.mission_plan.route, new: shared.plan.route } });
      fill(
        table,
        diff.changes.length
          ? h(
              "table",
              { class: "data compact" },
              h("thead", {}, h("tr", {}, ["Change", "Fix", "Ground"].map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                diff.changes.map((c) => {
                  const select = h("select", { name: "change_ground" }, grounds.map((g) => h("option", { value: g.value }, g.label)));
                  select.value = overall.value;
                  perChange.push(select);
                  return h("tr", {}, h("td", {}, c.change.replaceAll("_", " ")), h("td", {}, String((c.new || c.old).index)), h("td", {}, select));
                }),
              ),
            )
          : h("p", { class: "bad" }, "The planner's route is the mission plan's route: nothing changed."),
      );
    } catch (error) {
      fill(table, problemBox(error));
    }
  }
  preview();
  return stepForm(
    "Propose a changed route (Art. VI §II ¶6)",
    [field("Ground for all changes (Art. VIII §I ¶4)", overall), table, field("Note", text)],
    "Propose the changed route",
    () => {
      const body = { grounds: overall.value, changes: { description: text.value.trim() } };
      if (shared.plan) {
        body.route = shared.plan.route;
        body.change_grounds = perChange.map((el) => el.value);
      }
      return send(body);
    },
    cancel,
  );
}

function prohibitForm(f, s, send, cancel) {
  const grounds = groundsSelect(s, "grounds");
  const facts = h("textarea", { rows: 4, name: "facts", required: true, maxlength: "4000" });
  return stepForm(
    "Prohibit the observation flight",
    [field("Grounds", grounds), field("Facts", facts, "Art. VIII §I ¶3: the facts are stated at once.")],
    "Prohibit",
    () => send({ grounds: grounds.value, facts: facts.value.trim() }),
    cancel,
  );
}

function declineForm(f, s, send, cancel) {
  const reason = h("textarea", { rows: 3, name: "reason", required: true, maxlength: "2000" });
  return stepForm("Decline to conduct the observation flight", [field("Reason", reason, s.citation)], "Decline", () => send({ reason: reason.value.trim() }), cancel);
}

function reportForm(f, s, send, cancel) {
  const weather = h("textarea", { rows: 2, name: "weather", required: true });
  const data = h("input", { name: "data_collected", required: true });
  const covers = h("input", { name: "covers_inspection", required: true });
  const flown = h("input", { type: "number", name: "flown_distance_km", min: "0", step: "any" });
  const deviations = deviationsList(s);
  const drafted = h("div", { class: "muted small" }, "Drafting from the flight…");
  let draft = {};
  api(`/api/flights/${encodeURIComponent(f.id)}/report-draft`)
    .then((d) => {
      draft = d;
      fill(
        drafted,
        `Flight ${fmtUtc(d.flight_date_and_time.started)} – ${fmtUtc(d.flight_date_and_time.completed)}; `,
        `${d.route_and_profile.length} fixes flown; `,
        `observation periods: ${d.observation_periods.map((p) => p.sensor).join(", ")}.`,
      );
    })
    .catch((error) => fill(drafted, problemBox(error)));
  return stepForm(
    "Mission report, drafted from the flight (Art. VI §I ¶21)",
    [
      drafted,
      field("Weather conditions", weather),
      field("Approximate amount of data collected", data),
      field("Result of the inspection of the covers for sensor apertures", covers),
      field("Distance flown (km), optional", flown, "Art. VIII §II ¶7: deviations' additional distance does not count against the maximum"),
      deviations.node,
    ],
    s.label,
    () =>
      send({
        report: {
          ...draft,
          weather: weather.value.trim(),
          data_collected: data.value.trim(),
          covers_inspection: covers.value.trim(),
          ...(flown.value !== "" ? { flown_distance_km: Number(flown.value) } : {}),
          ...(deviations.value().length ? { deviations: deviations.value() } : {}),
        },
      }),
    cancel,
  );
}

/** The deviations from the flight plan a mission report records (Art. VIII §II ¶1–3, ¶7):
 * rows of a ground (from the server's `s.grounds`), the additional distance and, optionally,
 * how far off the flight plan's path. `value()`: the list the API takes. */
function deviationsList(s) {
  const rows = [];
  const list = h("div", { class: "deviations" });
  const add = h("button", { type: "button", "data-testid": "add-deviation" }, "Add a deviation");
  add.addEventListener("click", () => {
    const i = rows.length;
    const reason = groundsSelect(s, `deviations[${i}].reason`);
    const extra = h("input", { type: "number", name: `deviations[${i}].additional_km`, min: "0", step: "any", required: true });
    const off = h("input", { type: "number", name: `deviations[${i}].off_path_km`, min: "0", step: "any" });
    rows.push({ reason, extra, off });
    list.append(
      h(
        "fieldset",
        { class: "deviation" },
        h("legend", {}, `Deviation ${i + 1}`),
        field("Reason", reason),
        field("Additional distance (km)", extra, "Art. VIII §II ¶7"),
        field("Farthest from the flight plan's path (km), optional", off, "Art. VIII §II ¶3"),
      ),
    );
    reason.focus();
  });
  const value = () =>
    rows.map((r) => ({
      reason: r.reason.value,
      additional_km: Number(r.extra.value),
      ...(r.off.value !== "" ? { off_path_km: Number(r.off.value) } : {}),
    }));
  return { node: h("div", {}, h("h5", {}, "Deviations from the flight plan ", h("span", { class: "cite" }, "Art. VIII §II ¶1–2")), list, add), value };
}

function acknowledgeForm(f, s, send, cancel) {
  const provides = h("input", { type: "checkbox", name: "observed_provides_aircraft" });
  return stepForm(
    "Acknowledge the notification",
    [field("The observed Party provides the aircraft (Art. VI §I ¶1, ¶6)", provides, s.citation)],
    s.label,
    () => send(provides.checked ? { observed_provides_aircraft: true } : undefined),
    cancel,
  );
}

function demonstrationForm(f, s, send, cancel) {
  const hours = h("input", { type: "number", name: "delay_hours", min: "0", step: "any" });
  const cause = h("select", { name: "delay_cause" }, h("option", { value: "" }, "No delay"), (s.grounds || []).map((g) => h("option", { value: g.value }, `${g.label} (${g.citation})`)));
  const body = () => ({
    ...(hours.value !== "" ? { delay_hours: Number(hours.value) } : {}),
    ...(cause.value ? { delay_cause: cause.value } : {}),
  });
  return stepForm(
    s.label,
    [
      field("Delay in carrying out the request (hours), optional", hours, "Ann. F §III ¶3(D): not counted against the time allocated"),
      field("Cause of the delay", cause, "Ann. F §III ¶3(D)"),
    ],
    s.label,
    () => {
      const b = body();
      return send(Object.keys(b).length ? b : undefined);
    },
    cancel,
  );
}

// --- the rest of the flight: Ann. F, Art. VIII --------------------------------------

/** A select of the step's grounds (value, label, citation) from the server. */
function groundsSelect(s, name) {
  return h("select", { required: true, name }, (s.grounds || []).map((g) => h("option", { value: g.value }, `${g.label} (${g.citation})`)));
}

/** A yes/no select; `value` "true" or "false". */
function yesNo(name, yes, no) {
  return h("select", { required: true, name }, h("option", { value: "true" }, yes), h("option", { value: "false" }, no));
}

function findingForm(f, s, send, cancel) {
  const conforms = yesNo("conforms", "Conforms to the certified aircraft and sensors", "Does not conform");
  return stepForm(s.label, [field("Finding", conforms, s.citation)], s.label, () => send({ conforms: conforms.value === "true" }), cancel);
}

function cancelForm(f, s, send, cancel) {
  const causedBy = groundsSelect(s, "caused_by");
  return stepForm("Cancel the observation flight (not counted)", [field("After", causedBy, s.citation)], "Cancel the flight", () => send({ caused_by: causedBy.value }), cancel);
}

function curtailForm(f, s, send, cancel) {
  const cause = groundsSelect(s, "cause");
  const crew = h("input", { type: "checkbox", name: "emergency_of_observed_party_crew" });
  const counts = h("select", { name: "observing_counts" }, h("option", { value: "" }, "As the treaty says"), h("option", { value: "true" }, "Count it"), h("option", { value: "false" }, "Do not count it (the data are not kept)"));
  const body = () => ({
    cause: cause.value,
    emergency_of_observed_party_crew: crew.checked,
    ...(counts.value ? { observing_counts: counts.value === "true" } : {}),
  });
  return stepForm(
    "Curtail the observation flight",
    [
      field("Cause", cause, "Art. VIII §II ¶1, ¶4"),
      field("Medical emergency of the observed Party's crew or monitors", crew, "Art. VIII §II ¶5(C)"),
      field("Whether it counts, where the observing Party decides", counts, "Art. VIII §II ¶5–6"),
    ],
    "Curtail",
    () => send(body()),
    cancel,
  );
}

function explanationForm(f, s, send, cancel) {
  const text = h("textarea", { rows: 4, name: "text", required: true, maxlength: "4000" });
  return stepForm(s.label, [field("Written explanation, to all States Parties", text, s.citation)], "Send", () => send({ text: text.value.trim() }), cancel);
}

const FORMS = {
  acknowledge: acknowledgeForm,
  demonstration: demonstrationForm,
  mission_plan: missionPlanForm,
  changes: changesForm,
  decline: declineForm,
  prohibit: prohibitForm,
  report: reportForm,
  finding: findingForm,
  cancel: cancelForm,
  curtail: curtailForm,
  explanation: explanationForm,
};

function clearInvalid(form) {
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of form.querySelectorAll(".field-problem")) el.remove();
}

/** Mark the controls a refusal names (`field`, each violation's rule, 422 `errors[].field`)
 * and show each message under its control. */
function markInvalid(form, error) {
  const named = [
    ...(error.violations || []).map((v) => [v.rule, `${v.message} (${v.citation})`]),
    ...(error.errors || []).map((e) => [e.field, e.message]),
    [error.field, null],
  ].filter(([name]) => name);
  let first = null;
  for (const [name, message] of named) {
    const el = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!el) continue;
    el.setAttribute("aria-invalid", "true");
    if (message) el.closest(".field")?.append(h("p", { class: "field-problem", role: "alert" }, message));
    first ??= el;
  }
  first?.focus();
}
