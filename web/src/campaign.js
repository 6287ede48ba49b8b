// Campaign view: several quota flights over one observed Party in a year, each from an Open
// Skies airfield of that Party, planned together so that each site counts once
// (POST /api/plan/campaign). Every flight's route is drawn in its own colour with its swath;
// the panel gives each flight's distance against its maximum flight distance, the sites it
// adds, and the joint value against planning the flights one after another. Every rule is
// the server's: the view only draws what the API answers.

import { api } from "./api.js";
import { DISPUTED, L, LAND, createMap, loadTerritories, territoriesLayer, territoryBounds } from "./map.js";
import { campaignRequest, campaignSummary, flightColour, observedTerritories } from "./plan-model.js";
import { parseSites, SitesError } from "./sites.js";
import { airfieldChoices, fillObservable, shared } from "./state.js";
import { field, fill, fmtKm, fmtNum, groupViolations, h, problemBox, status, textTip, violationItem } from "./ui.js";

const OBSERVED = { fillColor: "#fffdf5", color: "#1e3a8a", weight: 1.6 };

export function start(section) {
  const me = shared.me;
  const form = section.querySelector("#campaign-form");
  const out = section.querySelector("#campaign-result");
  const line = section.querySelector("#campaign-status");
  const errorBox = section.querySelector("#campaign-error");

  // --- the form -------------------------------------------------------------------
  const observed = h("select", { name: "observed", required: true });
  const date = h("input", { type: "date", name: "date", required: true, min: "2002-01-01" });
  date.value = me.on;
  const hagl = h("input", { type: "number", name: "hagl_m", min: "1", max: "20000", step: "1", required: true });
  hagl.value = "6520";
  const timeLimit = h("input", { type: "number", name: "time_limit", min: "1", max: "60", step: "1", required: true });
  timeLimit.value = "6";
  const siteSet = h(
    "select",
    { name: "site-set" },
    h("option", { value: "demo" }, "Demo set: the observed State's airfields"),
    h("option", { value: "file" }, "From a file (GeoJSON points, or CSV id,lat,lon,value)"),
  );
  const fileInput = h("input", {
    type: "file",
    name: "campaign-sites-file",
    accept: ".geojson,.json,.csv,application/geo+json,application/json,text/csv",
  });
  const fileField = field("Site file", fileInput);
  fileField.hidden = true;
  const sitesLine = h("p", { class: "status", "aria-live": "polite" });
  const flightsBox = h("ol", { class: "campaign-flights", "data-testid": "campaign-flights" });
  const datalist = h("datalist", { id: "campaign-airfields" });
  const addFlight = h("button", { type: "button" }, "Add a flight");
  const submit = h("button", { type: "submit", class: "primary" }, "Plan the campaign");

  fill(
    form,
    h(
      "p",
      { class: "muted small" },
      "The quota flights of a year over one observed Party (Art. III §I), each from one of its ",
      "Open Skies airfields and each a mission plan valid on its own (Art. VI §II); a site ",
      "observed by one flight counts once.",
    ),
    field("Observed State Party", observed),
    field("Date of the flights", date, "The treaty's rules and distances on this day."),
    field("Sensor height above ground (hagl_m, metres)", hagl),
    field("Optimiser time limit for the whole campaign (seconds)", timeLimit),
    field("Candidate sites", siteSet),
    fileField,
    sitesLine,
    h(
      "fieldset",
      { class: "flights" },
      h("legend", {}, "Flights (one row each; type or choose the Open Skies airfield)"),
      flightsBox,
      datalist,
      h("div", { class: "buttons" }, addFlight),
    ),
    h("div", { class: "buttons" }, submit),
  );

  let airfields = [];
  let regions = [];
  let fileSites = null;
  let partyList = new Map();
  let answer = null;

  // --- the flights ------------------------------------------------------------------
  function flightRow(value = "", region = "") {
    const input = h("input", {
      type: "text",
      name: "flight-airfield",
      list: "campaign-airfields",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: "80",
    });
    input.value = value;
    const regionSelect = h(
      "select",
      { name: "flight-region" },
      h("option", { value: "" }, "No region row"),
      regions.map((r) => h("option", { value: r.id }, `${r.region} — ${fmtKm(r.distance_km)}`)),
    );
    regionSelect.value = region;
    const remove = h("button", { type: "button", class: "quiet" }, "Remove");
    const row = h(
      "li",
      { class: "campaign-flight" },
      h("span", { class: "flight-swatch", "aria-hidden": "true" }),
      h("label", { class: "flight-label" }, "", input),
      regions.length ? regionSelect : null,
      remove,
    );
    remove.addEventListener("click", () => {
      row.remove();
      renumber();
    });
    return row;
  }

  function renumber() {
    [...flightsBox.children].forEach((row, k) => {
      const label = row.querySelector(".flight-label");
      label.firstChild.textContent = `Flight ${k + 1} `;
      row.querySelector("input").setAttribute("aria-label", `Open Skies airfield of flight ${k + 1}`);
      row.querySelector("select")?.setAttribute("aria-label", `Row of Ann. A §III naming a region, flight ${k + 1}`);
      row.querySelector("button").setAttribute("aria-label", `Remove flight ${k + 1}`);
      /** @type {HTMLElement} */ (row.querySelector(".flight-swatch")).style.background = flightColour(k);
    });
  }

  function flights() {
    return [...flightsBox.children].map((row) => ({
      airfield: row.querySelector("input").value,
      region: row.querySelector("select")?.value || undefined,
    }));
  }

  addFlight.addEventListener("click", () => {
    flightsBox.append(flightRow(airfields[0]?.id || ""));
    renumber();
    flightsBox.lastElementChild.querySelector("input").focus();
  });

  // --- the map ----------------------------------------------------------------------
  const map = createMap(section.querySelector("#campaign-map"), { center: [52, 19], zoom: 5 });
  window.openskies = { ...(window.openskies || {}), campaignMap: map, campaignAnswer: () => answer };
  const layers = {};
  for (const name of ["swath", "sites", "routes", "seen", "airfields"]) layers[name] = L.layerGroup().addTo(map);
  let land = null;
  const landStyle = (p) => {
    if (p.kind === "disputed") return DISPUTED;
    return observedTerritories(partyList, observed.value).has(p.code) ? { ...LAND, ...OBSERVED } : LAND;
  };
  (async () => {
    try {
      land = territoriesLayer(await loadTerritories(), landStyle);
      land.addTo(map).bringToBack();
      section.querySelector("#campaign-map").dataset.ready = "true";
      fitObserved();
    } catch (error) {
      fill(errorBox, problemBox(error));
    }
  })();

  function fitObserved() {
    if (!land || !observed.value) return;
    land.setStyle((f) => landStyle(f.properties || {}));
    const bounds = territoryBounds(land, observedTerritories(partyList, observed.value));
    if (bounds && !answer) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 7 });
  }

  // --- loading the choices ------------------------------------------------------------
  async function loadParties() {
    try {
      partyList = await fillObservable(observed, date.value, me);
    } catch (error) {
      fill(errorBox, problemBox(error));
    }
  }

  async function loadAirfields() {
    const code = observed.value;
    airfields = [];
    regions = [];
    layers.airfields.clearLayers();
    fill(datalist);
    if (!code) {
      fill(flightsBox);
      return;
    }
    try {
      const choices = await airfieldChoices(code, date.value);
      if (code !== observed.value) return;
      ({ airfields, regions } = choices);
    } catch (error) {
      fill(errorBox, problemBox(error));
    }
    fill(
      datalist,
      airfields.map((a) =>
        h("option", { value: a.id }, `${a.name} — ${a.distance_km === null ? "a region's row" : fmtKm(a.distance_km)}`),
      ),
    );
    for (const a of airfields) {
      L.circleMarker([a.lat, a.lon], { radius: 7, color: "#111827", weight: 2.5, fillColor: "#fff", fillOpacity: 1 })
        .bindTooltip(textTip(`${a.name} (${a.id})`))
        .addTo(layers.airfields);
    }
    // two flights from the first airfield to start with: the user changes them
    fill(flightsBox, flightRow(airfields[0]?.id || ""), flightRow(airfields[0]?.id || ""));
    renumber();
  }

  async function loadSites() {
    layers.sites.clearLayers();
    let sites = null;
    if (siteSet.value === "file") {
      sites = fileSites;
    } else if (observed.value) {
      try {
        const code = observed.value;
        sites = await api("/api/plan/demo-sites", { query: { observed: code } });
        if (code !== observed.value) return;
        status(sitesLine, "ok", `Demo set: ${sites.features.length} sites (airfields of ${code}).`);
      } catch (error) {
        status(sitesLine, "error", `Demo set unavailable: ${error.detail || error.message}`);
      }
    }
    for (const f of sites?.features || []) {
      const [lon, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lon], { radius: 3.5, color: "#475569", weight: 1, fillColor: "#94a3b8", fillOpacity: 0.7 })
        .bindTooltip(textTip(`${f.properties?.id}: value ${fmtNum(Number(f.properties?.value ?? 1))}`))
        .addTo(layers.sites);
    }
  }

  siteSet.addEventListener("change", () => {
    fileField.hidden = siteSet.value !== "file";
    if (siteSet.value === "file" && !fileSites) status(sitesLine, "info", "Choose a file of sites.");
    loadSites();
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    fileSites = null;
    if (!file) return;
    try {
      fileSites = parseSites(file.name, await file.text());
      status(sitesLine, "ok", `${fileSites.features.length} sites from ${file.name}.`);
    } catch (error) {
      status(sitesLine, "error", error instanceof SitesError ? error.message : `${file.name}: ${error.message}`);
    }
    loadSites();
  });
  observed.addEventListener("change", async () => {
    clearResult();
    fitObserved();
    await Promise.all([loadAirfields(), loadSites()]);
  });
  date.addEventListener("change", async () => {
    clearResult();
    await loadParties();
    await loadAirfields();
  });

  // --- planning -----------------------------------------------------------------------
  function clearResult() {
    answer = null;
    fill(section.querySelector("#campaign-legend"));
    for (const name of ["swath", "routes", "seen"]) layers[name].clearLayers();
    fill(out);
    fill(errorBox);
    status(line, "info", "");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fill(errorBox);
    if (!form.reportValidity()) return;
    if (siteSet.value === "file" && !fileSites) {
      fill(errorBox, problemBox({ title: "No sites", detail: "Choose a file of sites, or the demo set." }));
      return;
    }
    const { body, error } = campaignRequest({
      observed: observed.value,
      date: date.value,
      hagl_m: Number(hagl.value),
      time_limit: Number(timeLimit.value),
      sites: siteSet.value === "file" ? fileSites : null,
      flights: flights(),
    });
    if (error) {
      fill(errorBox, problemBox({ title: "The campaign cannot be planned", detail: error }));
      return;
    }
    submit.disabled = true;
    status(line, "busy", `Planning ${body.flights.length} flights together (up to about ${body.time_limit} s)…`);
    try {
      const reply = await api("/api/plan/campaign", { method: "POST", body });
      clearResult();
      answer = { ...reply, sites: body.sites };
      draw(campaignSummary(reply));
      status(line, "ok", "Campaign planned.");
    } catch (failure) {
      status(line, "error", "The planner refused the campaign.");
      fill(errorBox, problemBox(failure));
    } finally {
      submit.disabled = false;
    }
  });

  // --- the answer ---------------------------------------------------------------------
  function draw(summary) {
    const bounds = [];
    summary.flights.forEach((f, k) => {
      const features = answer.flights[k].plan?.features || [];
      const swath = features.filter((x) => x.properties?.kind === "swath");
      L.geoJSON(swath, {
        style: () => ({ color: f.colour, weight: 0.6, fillColor: f.colour, fillOpacity: 0.3 }),
        interactive: false,
      }).addTo(layers.swath);
      const route = features.find((x) => x.properties?.kind === "route");
      if (route) {
        const points = route.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
        L.polyline(points, { color: f.colour, weight: 3.5, opacity: 0.95, className: `flight-route flight-${k}` })
          .bindTooltip(textTip(`Flight ${k + 1} from ${f.airfield}`), { sticky: true })
          .addTo(layers.routes);
        bounds.push(...points);
      }
      const counted = new Set(f.sites_new);
      for (const a of route?.properties?.sites || []) {
        if (!counted.has(a.id)) continue;
        L.circleMarker([a.lat, a.lon], { radius: 5, color: "#111827", weight: 1, fillColor: f.colour, fillOpacity: 0.95 })
          .bindTooltip(textTip(`${a.id}: observed by flight ${k + 1} (counted once)`))
          .addTo(layers.seen);
      }
    });
    if (bounds.length) map.fitBounds(L.latLngBounds(bounds), { padding: [40, 40], maxZoom: 8 });
    legend(summary);
    fill(out, result(summary));
    out.querySelector("h2")?.focus({ preventScroll: true });
  }

  function legend(summary) {
    const item = (swatch, text) => h("li", {}, swatch, text);
    fill(
      section.querySelector("#campaign-legend"),
      h(
        "ul",
        {},
        summary.flights.map((f) =>
          item(
            h("span", { class: "swatch", style: { background: f.colour } }),
            `Flight ${f.index + 1}: ${f.airfield} (route, swath, sites it counts)`,
          ),
        ),
        item(h("span", { class: "swatch sw-site" }), "Candidate site"),
        item(h("span", { class: "swatch sw-airfield" }), "Open Skies airfield"),
      ),
    );
  }

  function result(summary) {
    const compare =
      summary.sequential === null
        ? null
        : h(
            "p",
            { "data-testid": "campaign-compare" },
            `Planned one after another (each flight without the sites the earlier ones observe): value ${fmtNum(summary.sequential)}. `,
            h(
              "strong",
              {},
              summary.gain > 0
                ? `Planned together: +${fmtNum(summary.gain)}${summary.gain_pct === null ? "" : ` (+${fmtNum(summary.gain_pct)} %)`}.`
                : "Planned together: the same value.",
            ),
          );
    return h(
      "section",
      { class: "result", "data-testid": "campaign-result", "aria-labelledby": "campaign-result-title" },
      h("h2", { id: "campaign-result-title", tabindex: "-1" }, `Campaign of ${summary.flights.length} flights`),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Value of the sites observed"),
        h("dd", { "data-testid": "campaign-value" }, fmtNum(summary.value)),
        h("dt", {}, "Sites observed (each counted once)"),
        h("dd", {}, `${summary.sites_observed} of ${summary.candidates} candidates`),
      ),
      compare,
      summary.flights.map((f) => flightCard(f)),
    );
  }

  function flightCard(f) {
    const k = f.index;
    const route = (answer.flights[k].plan?.features || []).find((x) => x.properties?.kind === "route");
    const passes = (route?.properties?.sites_observed || []).filter((id) => !f.sites_new.includes(id));
    const violations = f.violations.filter((v) => (v.severity || "violation") === "violation");
    return h(
      "article",
      { class: "campaign-card", "data-testid": "campaign-flight", "data-flight": String(k) },
      h(
        "h3",
        {},
        h("span", { class: "flight-swatch", style: { background: f.colour }, "aria-hidden": "true" }),
        `Flight ${k + 1} · ${f.airfield} `,
        h("span", { class: `badge ${f.valid ? "ok" : "bad"}` }, f.valid ? "valid" : "not valid: counts nothing"),
      ),
      h("meter", { min: 0, max: f.budget_km || 1, value: f.use.counted || 0, high: (f.budget_km || 1) * 0.9, "aria-label": `Distance of flight ${k + 1} against its maximum` }),
      h(
        "p",
        { class: "small", "data-testid": "flight-budget" },
        h("strong", {}, fmtKm(f.use.counted)),
        ` of ${fmtKm(f.budget_km)}`,
        f.use.pct === null ? "" : ` (${fmtNum(f.use.pct)} %)`,
        ` · ${f.budget_citation || "Ann. A §III"}`,
        f.region ? ` · region row ${f.region}` : "",
        f.use.transit ? ` · plus ${fmtKm(f.use.transit)} of transit, sensors off, not counted against the maximum` : "",
      ),
      h(
        "details",
        { class: "site-list" },
        h("summary", {}, `Adds ${f.sites_new.length} sites, value ${fmtNum(f.value_new)}`),
        f.sites_new.length
          ? h("ul", { class: "small" }, f.sites_new.map((id) => h("li", {}, id)))
          : h("p", { class: "muted small" }, "None."),
      ),
      passes.length
        ? h("p", { class: "muted small" }, `Also passes over ${passes.length} sites counted for an earlier flight.`)
        : null,
      violations.length
        ? h("ol", { class: "violations" }, groupViolations(violations).map((v) => violationItem(v)))
        : null,
      route
        ? h(
            "div",
            { class: "buttons" },
            h("button", { type: "button", onclick: () => openInPlanner(k, route) }, `Open flight ${k + 1} in the planner`),
          )
        : null,
    );
  }

  /** Edit, save or submit one flight of the campaign as a mission plan: in the planner. */
  function openInPlanner(k, route) {
    shared.openVersion = {
      route: answer.flights[k].plan,
      observed: answer.observed,
      airfield: route.properties.start_airfield,
      date: answer.date,
      sites: answer.sites ?? null,
      label: `flight ${k + 1} of the campaign`,
    };
    location.hash = "#planner";
  }

  // --- start ------------------------------------------------------------------------
  (async () => {
    await loadParties();
  })();

  return {
    shown() {
      map.invalidateSize();
    },
  };
}
