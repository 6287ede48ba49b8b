// Flights view: the delegation's observation flights (GET /api/flights) as timelines of
// their treaty deadlines, with the steps its role allows, and the notification form
// (POST /api/flights). Refusals are problem+json and are shown with their citations.

import { api } from "./api.js";
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

// The steps each role may take (docs/policy.md), the states each step starts from
// (a hint only: the service decides and cites its refusal), and the form it needs.
const STEPS = {
  observing: [
    { step: "mission-plan", label: "Submit mission plan", from: ["arrived", "changes_proposed"], cite: "Art. VI §II ¶1", form: missionPlanForm },
    { step: "accept-changes", label: "Accept changes", from: ["changes_proposed"], cite: "Art. VI §II ¶6" },
    { step: "decline", label: "Decline", from: ["mission_plan_submitted", "changes_proposed"], cite: "Art. VIII §I ¶5", form: declineForm },
    { step: "start-flight", label: "Start flight", from: ["agreed"], cite: "Art. VI §I ¶14" },
    { step: "complete-flight", label: "Complete flight", from: ["in_flight"], cite: "Art. VI §I ¶14" },
    { step: "report", label: "Send mission report", from: ["departed"], cite: "Art. VI §I ¶21", form: reportForm },
  ],
  observed: [
    { step: "acknowledge", label: "Acknowledge", from: ["notified"], cite: "Art. VI §I ¶6" },
    { step: "arrive", label: "Record arrival", from: ["notified", "acknowledged"], cite: "Art. VI §I ¶10" },
    { step: "accept-mission-plan", label: "Accept mission plan", from: ["mission_plan_submitted"], cite: "Art. VI §II ¶6" },
    { step: "propose-changes", label: "Propose changes", from: ["mission_plan_submitted"], cite: "Art. VI §II ¶6; Art. VIII §I ¶4", form: changesForm },
    { step: "depart", label: "Record departure", from: ["completed"], cite: "Art. VI §I ¶19–20" },
    {
      step: "prohibit",
      label: "Prohibit",
      from: ["notified", "acknowledged", "arrived", "mission_plan_submitted", "changes_proposed", "agreed"],
      cite: "Art. VIII §I ¶1–3",
      form: prohibitForm,
      danger: true,
    },
  ],
};

const CHANGE_GROUNDS = [
  ["weather", "Weather"],
  ["airfield_status", "Status of an airfield"],
  ["plan_not_conforming", "The plan does not conform to the treaty"],
  ["hazardous_airspace", "Hazardous airspace"],
];

const PROHIBIT_GROUNDS = [
  ["late_arrival", "Late arrival at the point of entry (Art. VIII §I ¶1)"],
  ["treaty_breach", "Breach of the treaty's provisions (Art. VIII §I ¶2)"],
];

const FUNCTIONS = ["mission commander", "pilot", "sensor operator", "flight monitor", "interpreter", "crew"];

export function start(section) {
  const $ = (id) => section.querySelector(`#${id}`);
  const list = $("flights-list");
  const notifyPanel = $("notify-panel");
  const notifyOpen = $("notify-open");
  let flights = [];

  async function load() {
    status($("flights-status"), "busy", "Loading flights…");
    fill($("flights-error"));
    try {
      flights = await api("/api/flights");
      status(
        $("flights-status"),
        "ok",
        flights.length ? `${flights.length} flight${flights.length === 1 ? "" : "s"}.` : "",
      );
      render();
    } catch (error) {
      status($("flights-status"), "error", "");
      fill($("flights-error"), problemBox(error));
    }
  }

  function render() {
    if (!flights.length) {
      fill(list, h("p", { class: "empty" }, "No observation flight that your delegation may see."));
      return;
    }
    fill(list, flights.map((f) => flightCard(f)));
  }

  function flightCard(f) {
    const titleId = uid("flight");
    const card = h(
      "article",
      { class: "card flight", "data-flight-id": f.id, "aria-labelledby": titleId },
      h(
        "header",
        { class: "flight-head" },
        h(
          "h2",
          { id: titleId },
          `${f.observing} observes ${f.observed}`,
          h("span", { class: "muted small" }, ` · ETA ${fmtUtc(f.eta)}`),
        ),
        h(
          "div",
          { class: "badges" },
          h("span", { class: "badge role" }, `your role: ${f.role}`),
          f.state ? h("span", { class: `badge state state-${f.state}`, "data-testid": "flight-state" }, f.state.replaceAll("_", " ")) : null,
        ),
      ),
      h("p", { class: "muted small" }, "Flight ", h("code", {}, f.id)),
    );
    if (f.notification) card.append(notificationSummary(f.notification));
    if (f.deadlines) card.append(timeline(f));
    if (f.breaches?.length) {
      card.append(
        h("h3", {}, "Breaches"),
        h("ul", { class: "violations" }, f.breaches.map((b) => violationItem(b))),
      );
    }
    const steps = STEPS[f.role] || [];
    const error = h("div", { class: "flight-error", "aria-live": "polite" });
    const formBox = h("div", { class: "action-form" });
    if (steps.length) {
      card.append(
        h("h3", {}, "Steps"),
        h(
          "div",
          { class: "step-buttons" },
          steps.map((s) => {
            const next = f.state && s.from.includes(f.state);
            return h(
              "button",
              {
                type: "button",
                // A refusal such as "prohibit" is never offered as the next step.
                class: s.danger ? "danger" : next ? "primary" : "",
                "data-step": s.step,
                title: `${s.label} (${s.cite})`,
                onclick: () => {
                  fill(error);
                  if (s.form) fill(formBox, s.form(f, (body) => act(f, s, body, error, formBox), () => fill(formBox)));
                  else act(f, s, undefined, error, formBox);
                },
              },
              s.label,
              h("span", { class: "cite" }, s.cite),
            );
          }),
        ),
        formBox,
        error,
      );
    }
    if (f.report) {
      card.append(h("h3", {}, "Mission report"), h("pre", { class: "mono" }, JSON.stringify(f.report, null, 2)));
    }
    return card;
  }

  async function act(f, s, body, errorBox, formBox) {
    fill(errorBox);
    try {
      await api(`/api/flights/${encodeURIComponent(f.id)}/${s.step}`, {
        method: "POST",
        body: body === undefined ? undefined : body,
      });
      fill(formBox);
      await load();
      status($("flights-status"), "ok", `${s.label}: done.`);
    } catch (error) {
      fill(errorBox, problemBox(error));
      errorBox.querySelector(".problem")?.setAttribute("tabindex", "-1");
    }
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
    const etaDefault = new Date(Math.ceil((Date.now() + 96 * hour) / hour) * hour);
    eta.value = utcToLocalInput(etaDefault);
    const place = h("input", { name: "pre_flight_inspection.place", required: true });
    const inspection = h("input", { type: "datetime-local", name: "pre_flight_inspection.start", required: true });
    inspection.value = utcToLocalInput(new Date(etaDefault.getTime() + 2 * hour));
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
        field("Pre-flight inspection: place", place, "¶5(C)"),
        field("Pre-flight inspection: start (UTC)", inspection, "¶5(C)"),
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
      for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
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
        await load();
        status($("flights-status"), "ok", `Notified: flight ${flight.id} over ${flight.observed}.`);
      } catch (err) {
        fill(error, problemBox(err));
        markInvalid(form, err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  // Keep "time left" current while the page is open.
  setInterval(() => {
    if (section.hidden) return;
    for (const el of section.querySelectorAll("[data-at]")) el.textContent = fmtLeft(el.dataset.at);
    for (const el of section.querySelectorAll(".now-line")) el.style.left = `${nowPercent(el)}%`;
  }, 30000);

  window.addEventListener("openskies:plan", () => {
    for (const el of section.querySelectorAll("[data-plan-summary]")) fill(el, planSummary());
  });

  return {
    shown() {
      load();
    },
  };
}

// --- pieces of a flight card -------------------------------------------------------------

function notificationSummary(n) {
  const rows = [
    ["Point of entry", n.point_of_entry],
    ["Pre-flight inspection", n.pre_flight_inspection ? `${n.pre_flight_inspection.place}, ${fmtUtc(n.pre_flight_inspection.start)}` : null],
    ["Aircraft", n.aircraft],
    ["Diplomatic clearance", n.diplomatic_clearance],
    ["Approximate distance", n.approximate_distance_km ? fmtKm(n.approximate_distance_km) : null],
    ["Personnel", Array.isArray(n.personnel) ? n.personnel.map((p) => `${p.name} (${p.function})`).join("; ") : null],
  ].filter(([, v]) => v);
  return h(
    "details",
    { class: "notification" },
    h("summary", {}, "Notification (Art. VI §I ¶5)"),
    h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
  );
}

function nowPercent(el) {
  const from = Number(el.dataset.from);
  const to = Number(el.dataset.to);
  return Math.max(0, Math.min(100, (100 * (Date.now() - from)) / (to - from)));
}

/** The deadlines and events of a flight: a bar for the overview, a list for the detail. */
function timeline(f) {
  const deadlines = [...(f.deadlines || [])].sort((a, b) => a.at.localeCompare(b.at));
  const events = (f.events || []).map((e) => ({ ...e, event: true }));
  const times = [...deadlines.map((d) => d.at), ...events.map((e) => e.at), f.eta, f.notified_at]
    .filter(Boolean)
    .map((t) => new Date(t).getTime());
  const from = Math.min(...times);
  const to = Math.max(...times, from + 3600000);
  const pos = (iso) => (100 * (new Date(iso).getTime() - from)) / (to - from);
  const now = Date.now();

  const bar = h(
    "div",
    { class: "tl-bar", "aria-hidden": "true" },
    h("div", { class: "tl-track" }),
    deadlines.map((d) =>
      h("span", {
        class: `tl-tick ${d.kind === "not_before" ? "tl-earliest" : "tl-latest"} ${new Date(d.at).getTime() < now ? "tl-past" : ""}`,
        style: { left: `${pos(d.at)}%` },
        title: `${d.text} — ${fmtUtc(d.at)}`,
      }),
    ),
    events.map((e) => h("span", { class: "tl-event", style: { left: `${pos(e.at)}%` }, title: `${e.step} — ${fmtUtc(e.at)}` })),
    f.eta ? h("span", { class: "tl-eta", style: { left: `${pos(f.eta)}%` }, title: `ETA ${fmtUtc(f.eta)}` }) : null,
    now >= from && now <= to
      ? h("span", { class: "now-line", style: { left: `${pos(new Date(now).toISOString())}%` }, dataset: { from: String(from), to: String(to) } })
      : null,
    h("span", { class: "tl-label tl-start" }, fmtUtc(new Date(from).toISOString())),
    h("span", { class: "tl-label tl-end" }, fmtUtc(new Date(to).toISOString())),
  );

  const items = [
    ...deadlines.map((d) => ({ at: d.at, node: deadlineItem(d) })),
    ...events.map((e) => ({
      at: e.at,
      node: h(
        "li",
        { class: "tl-item done" },
        h("span", { class: "tl-when" }, fmtUtc(e.at)),
        h("span", { class: "tl-what" }, h("strong", {}, `✓ ${e.step.replaceAll("_", " ")}`), e.actor ? ` by ${e.actor}` : ""),
        e.breaches?.length ? h("ul", { class: "violations" }, e.breaches.map((b) => violationItem(typeof b === "string" ? { rule: b } : b))) : null,
      ),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const nowIndex = items.findIndex((i) => new Date(i.at).getTime() > now);
  const nowItem = h("li", { class: "tl-now", "aria-label": "now" }, h("span", {}, `now · ${fmtUtc(new Date(now).toISOString())}`));
  const nodes = items.map((i) => i.node);
  if (nowIndex === -1) nodes.push(nowItem);
  else nodes.splice(nowIndex, 0, nowItem);

  return h(
    "div",
    { class: "timeline" },
    h("h3", {}, "Deadlines"),
    bar,
    h(
      "p",
      { class: "tl-legend", "aria-hidden": "true" },
      h("span", { class: "k k-latest" }), "at the latest ",
      h("span", { class: "k k-earliest" }), "not before ",
      h("span", { class: "k k-event" }), "done ",
      h("span", { class: "k k-eta" }), "ETA ",
      h("span", { class: "k k-now" }), "now",
    ),
    h("ol", { class: "tl-list", "data-testid": "deadlines" }, nodes),
  );
}

function deadlineItem(d) {
  const past = new Date(d.at).getTime() < Date.now();
  return h(
    "li",
    { class: `tl-item ${past ? "past" : "future"} kind-${d.kind}`, "data-rule": d.rule },
    h("span", { class: "tl-when" }, fmtUtc(d.at)),
    h(
      "span",
      { class: "tl-what" },
      h("span", { class: "tl-kind" }, d.kind === "not_before" ? "not before" : "at the latest"),
      " ",
      d.text,
      " ",
      h("span", { class: "citation" }, d.citation),
    ),
    h("span", { class: "tl-left", "data-at": d.at }, fmtLeft(d.at)),
  );
}

// --- step forms --------------------------------------------------------------------

function stepForm(title, controls, submitLabel, onSubmit, onCancel, { disabled = false } = {}) {
  const submit = h("button", { type: "submit", class: "primary", disabled }, submitLabel);
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
  if (!p) {
    return [
      "No route in the planner yet. ",
      h("a", { href: "#planner" }, "Plan a route"),
      " and come back.",
    ];
  }
  const bad = p.check.violations.filter((v) => (v.severity || "violation") === "violation").length;
  return [
    `Planner route over ${p.observed} from ${p.airfield} on ${p.date}: `,
    `${p.route.features[0].geometry.coordinates.length} waypoints, ${fmtKm(p.check.length_km)} of ${fmtKm(p.check.budget_km)}, `,
    p.check.valid ? h("strong", { class: "ok" }, "valid") : h("strong", { class: "bad" }, `${bad} violation(s)`),
    ".",
  ];
}

function missionPlanForm(f, send, cancel) {
  const start = h("input", { type: "datetime-local", required: true, name: "planned_start" });
  const base = Math.max(Date.now(), new Date(f.eta).getTime()) + 24 * 3600000;
  start.value = utcToLocalInput(new Date(Math.ceil(base / 3600000) * 3600000));
  const summary = h("p", { "data-plan-summary": "" }, planSummary());
  return stepForm(
    "Submit the planner's route as the mission plan",
    [summary, field("Planned start of the observation flight (UTC)", start, "Art. VI §II ¶1")],
    "Submit mission plan",
    () => {
      if (!shared.plan) return Promise.resolve(fill(summary, planSummary()));
      return send({
        route: shared.plan.route,
        planned_start: localInputToUtc(start.value),
        open_skies_airfield: shared.plan.airfield,
      });
    },
    cancel,
  );
}

function changesForm(f, send, cancel) {
  const grounds = h("select", { required: true, name: "grounds" }, CHANGE_GROUNDS.map(([v, l]) => h("option", { value: v }, l)));
  const text = h("textarea", { rows: 3, name: "changes", required: true });
  const attach = h("input", { type: "checkbox", name: "attach" });
  return stepForm(
    "Propose changes to the mission plan",
    [
      field("Grounds (Art. VIII §I ¶4)", grounds),
      field("Changes proposed", text),
      h("label", { class: "choice" }, attach, " Attach the planner's current route as the proposed route"),
    ],
    "Propose changes",
    () => {
      const changes = { description: text.value.trim() };
      if (attach.checked && shared.plan) changes.route = shared.plan.route;
      return send({ grounds: grounds.value, changes });
    },
    cancel,
  );
}

function prohibitForm(f, send, cancel) {
  const grounds = h("select", { required: true, name: "grounds" }, PROHIBIT_GROUNDS.map(([v, l]) => h("option", { value: v }, l)));
  const facts = h("textarea", { rows: 4, name: "facts", required: true, maxlength: "4000" });
  return stepForm(
    "Prohibit the observation flight",
    [field("Grounds", grounds), field("Facts", facts, "Art. VIII §I ¶3: the facts are recorded in the mission report.")],
    "Prohibit",
    () => send({ grounds: grounds.value, facts: facts.value.trim() }),
    cancel,
  );
}

function declineForm(f, send, cancel) {
  const reason = h("textarea", { rows: 3, name: "reason", required: true, maxlength: "2000" });
  return stepForm(
    "Decline to conduct the observation flight",
    [field("Reason", reason, "Art. VIII §I ¶5")],
    "Decline",
    () => send({ reason: reason.value.trim() }),
    cancel,
  );
}

function reportForm(f, send, cancel) {
  const summary = h("textarea", { rows: 5, name: "summary", required: true });
  const sensors = h("input", { name: "sensors" });
  return stepForm(
    "Mission report (Art. VI §I ¶21)",
    [field("Summary of the observation flight", summary), field("Sensors used (optional)", sensors)],
    "Send mission report",
    () => {
      const report = { summary: summary.value.trim() };
      if (sensors.value.trim()) report.sensors = sensors.value.trim();
      return send({ report });
    },
    cancel,
  );
}

/** Mark the form controls an API refusal names (`field`, or 422 `errors[].field`). */
function markInvalid(form, error) {
  const names = [error.field, ...(error.errors || []).map((e) => e.field)].filter(Boolean);
  let first = null;
  for (const name of names) {
    const el = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (el) {
      el.setAttribute("aria-invalid", "true");
      first ??= el;
    }
  }
  first?.focus();
}
