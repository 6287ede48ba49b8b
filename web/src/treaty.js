// Treaty view: who is a State Party on a day (GET /api/treaty/parties?on=), the groups,
// the passive quotas of the year (GET /api/treaty/quotas?year=), on a map of territories.

import { api } from "./api.js";
import { DISPUTED, LAND, createMap, loadTerritories, territoriesLayer } from "./map.js";
import { partiesOn, shared } from "./state.js";
import {
  addDays,
  daysBetween,
  fill,
  h,
  isoDay,
  parseDay,
  problemBox,
  status,
} from "./ui.js";

const FIRST_DAY = "2002-01-01"; // the treaty entered into force (Art. XVII ¶2)

// Dates worth a click: the treaty's entry into force and the two withdrawals (Art. XV ¶2).
const JUMPS = [
  ["2002-01-01", "Entry into force"],
  ["2020-11-21", "United States' last day"],
  ["2020-11-22", "United States' withdrawal takes effect"],
  ["2021-12-17", "Russia's last day"],
  ["2021-12-18", "Russia's withdrawal takes effect"],
];

const COLOURS = {
  party: "#4c78a8",
  BENELUX: "#54a24b",
  "BLR-RUS": "#e07b39",
  group: "#b279a2",
  none: LAND.fillColor,
};

export function start(section) {
  const $ = (id) => section.querySelector(`#${id}`);
  const slider = $("treaty-slider");
  const dateInput = $("treaty-date");
  const today = shared.me.on;
  const first = parseDay(FIRST_DAY);
  const span = daysBetween(first, parseDay(today));

  slider.max = String(span);
  dateInput.min = FIRST_DAY;
  dateInput.max = today;

  let map = null;
  let land = null;
  let current = { day: null, parties: new Map(), left: new Set(), joined: new Set() };
  let request = 0;
  let timer = null;
  let quotaYear = null;

  fill(
    $("treaty-jumps"),
    JUMPS.concat([[today, "Today"]]).map(([day, label]) =>
      h(
        "button",
        { type: "button", class: "chip", onclick: () => go(day) },
        h("span", { class: "chip-date" }, day),
        " ",
        label,
      ),
    ),
  );

  function style(p) {
    if (p.kind === "disputed") return DISPUTED;
    const party = current.parties.get(p.code);
    const base = { ...LAND };
    if (party) {
      base.fillColor = party.group ? COLOURS[party.group] || COLOURS.group : COLOURS.party;
    }
    if (current.left.has(p.code)) return { ...base, color: "#b91c1c", weight: 2.5 };
    if (current.joined.has(p.code)) return { ...base, color: "#065f46", weight: 2.5 };
    return base;
  }

  async function ensureMap() {
    if (map) return;
    map = createMap($("treaty-map"), { center: [55, 15], zoom: 3 });
    try {
      land = territoriesLayer(await loadTerritories(), style).addTo(map);
      window.openskies = { ...(window.openskies || {}), treatyMap: map, treatyLand: land };
      section.querySelector("#treaty-map").dataset.ready = "true";
    } catch (error) {
      fill($("treaty-status"));
      section.querySelector(".panel").prepend(problemBox(error));
    }
  }

  function legend() {
    const counts = { party: 0, groups: {} };
    for (const p of current.parties.values()) {
      if (p.group) counts.groups[p.group] = (counts.groups[p.group] || 0) + 1;
      else counts.party += 1;
    }
    const swatch = (colour, text, extra = {}) =>
      h("li", {}, h("span", { class: "swatch", style: { background: colour, ...extra } }), text);
    fill(
      $("treaty-legend"),
      h("p", { class: "legend-title" }, `On ${current.day}`),
      h(
        "ul",
        {},
        swatch(COLOURS.party, `State Party (${counts.party})`),
        Object.entries(counts.groups).map(([group, n]) =>
          swatch(COLOURS[group] || COLOURS.group, `Member of ${group} (${n})`),
        ),
        swatch(COLOURS.none, "Not a State Party"),
        swatch("transparent", "Left since the day before", { border: "2.5px solid #b91c1c" }),
        swatch("transparent", "Joined since the day before", { border: "2.5px solid #065f46" }),
        swatch(DISPUTED.fillColor, "Disputed area", { border: "1px dashed #6b4f1d" }),
      ),
    );
  }

  function summary(previous) {
    const names = (codes, list) =>
      [...codes].map((c) => {
        const p = list.get(c);
        return h("li", { "data-code": c }, p ? `${p.name} (${c})` : c);
      });
    const changes = [];
    if (previous && current.left.size) {
      changes.push(
        h("p", { class: "change left" }, "No longer a State Party from this day:"),
        h("ul", { class: "change-list", "data-testid": "left" }, names(current.left, previous)),
      );
    }
    if (previous && current.joined.size) {
      changes.push(
        h("p", { class: "change joined" }, "A State Party from this day:"),
        h(
          "ul",
          { class: "change-list", "data-testid": "joined" },
          names(current.joined, current.parties),
        ),
      );
    }
    fill(
      $("treaty-summary"),
      h(
        "p",
        { class: "big-number" },
        h("strong", { "data-testid": "party-count" }, String(current.parties.size)),
        ` States Parties on ${current.day}`,
      ),
      changes.length
        ? changes
        : h("p", { class: "muted" }, previous ? "No change from the day before." : ""),
    );
  }

  function groupsTable() {
    const groups = new Map();
    for (const p of current.parties.values()) {
      if (!p.group) continue;
      if (!groups.has(p.group)) groups.set(p.group, []);
      groups.get(p.group).push(p);
    }
    if (!groups.size) {
      fill($("treaty-groups"), h("p", { class: "muted" }, "No group on this day."));
      return;
    }
    fill(
      $("treaty-groups"),
      h(
        "dl",
        { class: "groups" },
        [...groups.entries()].map(([code, members]) => [
          h(
            "dt",
            {},
            h("span", { class: "swatch", style: { background: COLOURS[code] || COLOURS.group } }),
            code,
          ),
          h(
            "dd",
            { "data-group": code },
            members.map((m) => `${m.name} (${m.code})`).join(", "),
            `; quota holder ${members[0].quota_holder}`,
          ),
        ]),
      ),
    );
  }

  function partiesTable() {
    const rows = [...current.parties.values()].sort((a, b) => a.name.localeCompare(b.name));
    fill(
      $("treaty-parties"),
      h(
        "table",
        { class: "data", "data-testid": "parties" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["State", "Code", "Group", "Quota holder", "In force"].map((t) =>
              h("th", { scope: "col" }, t),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((p) =>
            h(
              "tr",
              { "data-code": p.code },
              h("td", {}, p.name),
              h("td", {}, h("code", {}, p.code)),
              h("td", {}, p.group || "—"),
              h("td", {}, p.quota_holder),
              h("td", {}, p.in_force || "unknown"),
            ),
          ),
        ),
      ),
    );
  }

  let quotaData = null;

  async function quotas(year) {
    if (year === quotaYear) {
      renderQuotas();
      return;
    }
    quotaYear = year;
    quotaData = null;
    $("quota-year").textContent = String(year);
    const box = $("treaty-quotas");
    try {
      const q = await api("/api/treaty/quotas", { query: { year } });
      if (quotaYear !== year) return;
      quotaData = q;
      renderQuotas();
    } catch (error) {
      if (quotaYear === year) fill(box, problemBox(error));
    }
    usage(year);
  }

  /** The passive quotas of the holders that are Parties on the day shown; a holder that
   * has left is named below the table, not counted in it. */
  function renderQuotas() {
    const q = quotaData;
    if (!q || !current) return;
    const box = $("treaty-quotas");
    {
      const names = q.names || {};
      const inForce = new Set([...current.parties.values()].map((p) => p.quota_holder));
      const gone = Object.keys(q.passive || {}).filter((c) => !inForce.has(c)).sort();
      const rows = Object.entries(q.passive || {})
        .filter(([holder]) => inForce.has(holder))
        .sort((a, b) => (b[1] ?? -1) - (a[1] ?? -1) || a[0].localeCompare(b[0]));
      fill(
        box,
        h(
          "table",
          { class: "data compact", "data-testid": "quotas" },
          h(
            "caption",
            {},
            `Passive quotas of the quota holders in ${q.year} (Art. III §I; Ann. A §I)`,
          ),
          h(
            "thead",
            {},
            h("tr", {}, h("th", { scope: "col" }, "Holder"), h("th", { scope: "col" }, "Flights")),
          ),
          h(
            "tbody",
            {},
            rows.map(([holder, n]) =>
              h(
                "tr",
                { "data-holder": holder },
                h("td", {}, names[holder] ? `${names[holder]} (${holder})` : holder),
                h("td", { class: "num" }, n === null ? h("span", { class: "muted" }, "unknown") : n),
              ),
            ),
          ),
        ),
        gone.length
          ? h(
              "p",
              { class: "muted small", "data-testid": "quotas-gone" },
              `Not a State Party on ${current.day}: ${gone.map((c) => names[c] || c).join("; ")}.`,
            )
          : null,
      );
    }
  }

  /** The delegation's own quotas in `year`, as the server counts them. */
  async function usage(year) {
    const box = $("treaty-usage");
    if (!box) return;
    $("usage-year").textContent = String(year);
    try {
      const u = await api("/api/quota-usage", { query: { year } });
      if (quotaYear !== year) return;
      fill(
        box,
        h(
          "p",
          { "data-testid": "active-usage" },
          `${u.holder}: total active quota ${u.active.total}, `,
          h("strong", {}, `${u.active.used} used, ${u.active.remaining} remaining`),
          " ",
          h("span", { class: "citation" }, u.active.citation),
        ),
        h(
          "p",
          {},
          `As observed Party: must accept ${u.passive.must_accept}, accepted ${u.passive.accepted}, ${u.passive.remaining} remaining `,
          h("span", { class: "citation" }, u.passive.citation),
        ),
        u.individual.length
          ? h(
              "table",
              { class: "data compact", "data-testid": "individual-quotas" },
              h("caption", {}, `Individual active quotas in ${u.year} (${u.individual_citation})`),
              h("thead", {}, h("tr", {}, ["Over", "Quota", "50 % rule", "Used", "Remaining"].map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                u.individual.map((r) =>
                  h(
                    "tr",
                    { "data-observed": r.observed_party, title: r.basis },
                    h("td", {}, r.name),
                    h("td", { class: "num" }, String(r.individual_quota)),
                    h("td", { class: "num" }, String(r.fifty_percent_bound)),
                    h("td", { class: "num" }, String(r.used)),
                    h("td", { class: "num" }, String(r.remaining)),
                  ),
                ),
              ),
            )
          : h("p", { class: "muted small" }, "No individual active quota recorded for this year."),
      );
    } catch (error) {
      if (quotaYear === year) fill(box, h("p", { class: "muted small" }, error.detail || String(error.message || error)));
    }
  }

  async function load(day) {
    const mine = ++request;
    status($("treaty-status"), "busy", `Loading States Parties on ${day}…`);
    try {
      const before = day > FIRST_DAY ? isoDay(addDays(parseDay(day), -1)) : null;
      const [list, previousList] = await Promise.all([
        partiesOn(day),
        before ? partiesOn(before).catch(() => null) : null,
      ]);
      if (mine !== request) return;
      const parties = new Map(list.map((p) => [p.code, p]));
      const previous = previousList ? new Map(previousList.map((p) => [p.code, p])) : null;
      current = {
        day,
        parties,
        left: new Set(previous ? [...previous.keys()].filter((c) => !parties.has(c)) : []),
        joined: new Set(previous ? [...parties.keys()].filter((c) => !previous.has(c)) : []),
      };
      section.dataset.day = day;
      status($("treaty-status"), "ok", "");
      summary(previous);
      groupsTable();
      partiesTable();
      legend();
      land?.setStyle((feature) => style(feature.properties || {}));
      quotas(Number(day.slice(0, 4)));
    } catch (error) {
      if (mine !== request) return;
      status($("treaty-status"), "error", "");
      fill($("treaty-summary"), problemBox(error));
    }
  }

  function go(day, { now = true } = {}) {
    if (day < FIRST_DAY) day = FIRST_DAY;
    if (day > today) day = today;
    slider.value = String(daysBetween(first, parseDay(day)));
    slider.setAttribute("aria-valuetext", day);
    dateInput.value = day;
    clearTimeout(timer);
    if (now) load(day);
    else timer = setTimeout(() => load(day), 120);
  }

  slider.addEventListener("input", () => {
    go(isoDay(addDays(first, Number(slider.value))), { now: false });
  });
  dateInput.addEventListener("change", () => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(dateInput.value)) go(dateInput.value);
  });
  $("treaty-prev").addEventListener("click", () =>
    go(isoDay(addDays(parseDay(dateInput.value), -1))),
  );
  $("treaty-next").addEventListener("click", () =>
    go(isoDay(addDays(parseDay(dateInput.value), 1))),
  );

  go(today);
  ensureMap();

  return {
    shown() {
      map?.invalidateSize();
    },
  };
}
