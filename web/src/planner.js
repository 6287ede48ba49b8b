// Planner view: choose the observed State, its Open Skies airfield, the date, the sensor
// height and a site set; "Optimise" asks the planner for the most valuable treaty-valid
// route (POST /api/plan/flight). Waypoints can be dragged (or typed) and the route is
// checked again (POST /api/plan/check); every violation is shown with its citation and
// its leg is highlighted. Exports: POST /api/plan/export; restrictions: POST /api/plan/impact.

import { api } from "./api.js";
import {
  LAND,
  DISPUTED,
  L,
  createMap,
  loadTerritories,
  territoriesLayer,
  territoryBounds,
} from "./map.js";
import { budgetUse, observedFeatures, observedTerritories } from "./plan-model.js";
import { parseSites, SitesError } from "./sites.js";
import { airfieldChoices, announce, fillObservable, shared } from "./state.js";
import {
  download,
  field,
  fill,
  fmtKm,
  fmtNum,
  groupViolations,
  h,
  problemBox,
  status,
  textTip,
  violationItem,
} from "./ui.js";

// The restrictions the planner can compare (POST /api/plan/impact, `restriction`).
const RESTRICTIONS = [
  ["sub_limits", "Sub-limits of the flight distance (e.g. Kaliningrad 500 km)"],
  ["border_buffer", "Buffer along the borders of non-parties"],
  ["altitude_floor", "Altitude floor (minimum height above ground)"],
];

const EXPORTS = [
  ["geojson", "GeoJSON", "application/geo+json"],
  ["kml", "KML", "application/vnd.google-earth.kml+xml"],
  ["gpx", "GPX", "application/gpx+xml"],
];

const STYLE = {
  observed: { fillColor: "#fffdf5", color: "#1e3a8a", weight: 1.6 },
  route: { color: "#1d4ed8", weight: 3, opacity: 0.95 },
  swath: { color: "#b7791f", weight: 0.5, fillColor: "#f6c453", fillOpacity: 0.35 },
  // the swath of a route being edited: drawn grey and dashed until the server recomputes it
  staleSwath: { color: "#6b7280", weight: 1, dashArray: "4 4", fillColor: "#9ca3af", fillOpacity: 0.2 },
  badLeg: { color: "#dc2626", weight: 7, opacity: 0.75, dashArray: "10 6" },
  focusLeg: { color: "#dc2626", weight: 11, opacity: 0.9 },
};

export function start(section) {
  const me = shared.me;
  const form = section.querySelector("#plan-form");
  const result = section.querySelector("#plan-result");
  const planStatus = section.querySelector("#plan-status");
  const planError = section.querySelector("#plan-error");

  // --- the form -------------------------------------------------------------------
  const observed = h("select", { name: "observed", required: true });
  const date = h("input", { type: "date", name: "date", required: true, min: "2002-01-01" });
  date.value = me.on;
  const airfield = h("select", { name: "airfield", required: true });
  const airfieldHint = h("span");
  // Rows of Ann. A §III that name a region (GET /api/plan/regions): Denmark's Faroe Islands
  // and Greenland, the UK's and Greece's islands. Shown only for a Party that has them.
  const region = h("select", { name: "region" });
  const regionHint = h("span", { "data-testid": "region-hint" });
  const regionField = field("Row of Ann. A §III naming a region", region, regionHint);
  regionField.hidden = true;
  const hagl = h("input", {
    type: "number",
    name: "hagl_m",
    min: "1",
    max: "20000",
    step: "1",
    required: true,
    inputmode: "numeric",
  });
  hagl.value = "6520";
  // Swath and ground resolution at this height, from the server (the sensor model and the
  // Art. IV ¶2 limits live there), shown as the height changes.
  const footprintHint = h("span", { "data-testid": "footprint", "aria-live": "polite" });
  const timeLimit = h("input", {
    type: "number",
    name: "time_limit",
    min: "0.5",
    max: "30",
    step: "0.5",
    required: true,
  });
  timeLimit.value = "2";
  const demoRadio = h("input", { type: "radio", name: "site-set", value: "demo", checked: true });
  const fileRadio = h("input", { type: "radio", name: "site-set", value: "file" });
  const fileInput = h("input", {
    type: "file",
    name: "sites-file",
    accept: ".geojson,.json,.csv,application/geo+json,application/json,text/csv",
  });
  const sitesStatus = h("p", { class: "status", "aria-live": "polite" });
  const optimise = h("button", { type: "submit", class: "primary" }, "Optimise");

  fill(
    form,
    field("Observed State Party", observed),
    field("Date of the flight", date, "The treaty's rules and distances on this day."),
    field("Open Skies airfield", airfield, airfieldHint),
    regionField,
    field("Sensor height above ground (hagl_m, metres)", hagl, footprintHint),
    field("Optimiser time limit (seconds)", timeLimit),
    h(
      "fieldset",
      { class: "sites" },
      h("legend", {}, "Candidate sites"),
      h("label", { class: "choice" }, demoRadio, " Demo set: the observed State's airfields"),
      h(
        "label",
        { class: "choice" },
        fileRadio,
        " From a file: GeoJSON points, or CSV ",
        h("code", {}, "id,lat,lon,value"),
      ),
      field("Site file", fileInput),
      sitesStatus,
    ),
    h("div", { class: "buttons" }, optimise),
  );

  // --- the map ----------------------------------------------------------------------
  let map = null;
  let land = null;
  const layers = {};
  let sites = null; // FeatureCollection shown as candidates
  let fileSites = null; // parsed from the chosen file
  let airfields = [];
  let plan = null; // {route, waypoints, swath, observedSites, check}
  let checking = 0;
  let focusedLeg = null;
  let waypointsOpen = false; // the waypoint table stays open across re-renders
  const openLists = new Set(); // so do the site lists that are open
  let footprintAsked = 0;
  let footprintTimer = null;

  async function showFootprint() {
    const mine = ++footprintAsked;
    const height = Number(hagl.value);
    if (!hagl.checkValidity() || !(height > 0)) {
      footprintHint.textContent = "";
      return;
    }
    try {
      const f = await api("/api/plan/footprint", { query: { hagl_m: height, on: date.value } });
      if (mine !== footprintAsked) return;
      const below = f.below_certified_height
        ? ` · below the certified minimum of ${fmtNum(f.certified_min_hagl_m)} m (Art. VI §II ¶4(D))`
        : "";
      footprintHint.textContent =
        `Swath ${fmtNum(f.swath_half_width_km)} km each side · ground sample distance ` +
        `${fmtNum(f.gsd_m)} m (finest allowed ${fmtNum(f.resolution_limit_m)} m, ` +
        `${f.resolution_citation})${below}`;
      footprintHint.dataset.below = f.below_certified_height ? "true" : "false";
    } catch (error) {
      if (mine === footprintAsked) footprintHint.textContent = error.detail || error.message;
    }
  }

  /** The plan no longer answers the form: the date, the height or the sites changed. */
  function markStale(what) {
    if (!plan || plan.stale === what) return;
    plan.stale = what;
    renderResult();
  }

  async function ensureMap() {
    if (map) return;
    map = createMap(section.querySelector("#planner-map"), { center: [52, 19], zoom: 5 });
    // for the browser tests and debugging: the map and the plan the view shows
    window.openskies = { ...(window.openskies || {}), plannerMap: map, plannerPlan: () => plan };
    for (const name of ["swath", "sites", "airfields", "route", "legs", "observedSites", "waypoints"]) {
      layers[name] = L.layerGroup().addTo(map);
    }
    legend();
    try {
      land = territoriesLayer(await loadTerritories(), landStyle);
      land.addTo(map).bringToBack();
      section.querySelector("#planner-map").dataset.ready = "true";
      if (observed.value) fitObserved();
    } catch (error) {
      fill(planError, problemBox(error));
    }
  }

  const observedCodes = () => observedTerritories(partyList, observed.value);

  function landStyle(feature) {
    const p = feature.properties || {};
    if (p.kind === "disputed") return DISPUTED;
    return observedCodes().has(p.code) ? { ...LAND, ...STYLE.observed } : LAND;
  }

  function fitObserved() {
    if (!land || !observed.value) return;
    land.setStyle(landStyle);
    const bounds = territoryBounds(land, observedCodes());
    if (bounds && !plan) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 7 });
  }

  function legend() {
    const item = (cls, text) => h("li", {}, h("span", { class: `swatch ${cls}` }), text);
    fill(
      section.querySelector("#planner-legend"),
      h(
        "ul",
        {},
        item("sw-observed", "Observed territory"),
        item("sw-airfield", "Open Skies airfield"),
        item("sw-site", "Candidate site"),
        item("sw-seen", "Site observed by the route"),
        item("sw-route", "Route (drag numbered waypoints)"),
        item("sw-swath", "Sensor swath"),
        item("sw-bad", "Leg with a violation"),
      ),
    );
  }

  // --- loading the choices ------------------------------------------------------------
  let partyList = new Map();

  async function loadParties() {
    try {
      partyList = await fillObservable(observed, date.value, me);
    } catch (error) {
      fill(planError, problemBox(error));
    }
  }

  async function loadAirfields() {
    const code = observed.value;
    airfields = [];
    fill(airfield, h("option", { value: "" }, code ? "Loading…" : "Choose the observed State first"));
    airfieldHint.textContent = "";
    layers.airfields?.clearLayers();
    if (!code || !date.value) return;
    try {
      const choices = await airfieldChoices(code, date.value);
      if (code !== observed.value) return;
      ({ airfields, regions } = choices);
      showRegions();
      fill(
        airfield,
        airfields.length
          ? airfields.map((a) =>
              h(
                "option",
                { value: a.id },
                `${a.name} — ${a.distance_km === null ? "distance of a region's row" : fmtKm(a.distance_km)}`,
              ),
            )
          : h("option", { value: "" }, "No Open Skies airfield on this day"),
      );
      showAirfield();
      for (const a of airfields) {
        L.circleMarker([a.lat, a.lon], {
          radius: 7,
          color: "#111827",
          weight: 2.5,
          fillColor: "#ffffff",
          fillOpacity: 1,
        })
          .bindTooltip(
            textTip(
              a.distance_km === null
                ? `${a.name}: maximum flight distance from a region's row (${a.citation})`
                : `${a.name}: maximum flight distance ${fmtKm(a.distance_km)} (${a.citation})`,
            ),
          )
          .addTo(layers.airfields);
      }
    } catch (error) {
      fill(airfield, h("option", { value: "" }, "Airfields could not be loaded"));
      fill(planError, problemBox(error));
    }
  }

  function showAirfield() {
    const a = airfields.find((x) => x.id === airfield.value);
    airfieldHint.textContent = !a
      ? ""
      : a.distance_km === null
        ? `No row of its own in Ann. A §III: the row of the region flown over applies (${a.citation})`
        : `Maximum flight distance ${fmtKm(a.distance_km)} · ${a.citation}`;
    showRegionHint();
  }

  let regions = [];

  function showRegions() {
    const keep = region.value;
    regionField.hidden = regions.length === 0;
    fill(
      region,
      h("option", { value: "" }, "None: the airfield's own row (or the region it lies in)"),
      regions.map((r) =>
        h("option", { value: r.id }, `${r.region} — ${fmtKm(r.distance_km)} (${r.citation})`),
      ),
    );
    region.value = regions.some((r) => r.id === keep) ? keep : "";
    showRegionHint();
  }

  function showRegionHint() {
    const r = regions.find((x) => x.id === region.value);
    regionHint.textContent = !r
      ? ""
      : r.extends
        ? `${fmtKm(r.distance_km)} for a flight that observes over ${r.region.replace(/^with /i, "")}; ` +
          `otherwise the airfield's own distance applies (${r.citation})`
        : `${fmtKm(r.distance_km)} of observation over ${r.region} only; transit legs there and ` +
          `back, sensors off, do not count (${r.citation})`;
  }

  async function loadSites() {
    layers.sites?.clearLayers();
    sites = null;
    if (fileRadio.checked) {
      sites = fileSites;
    } else if (observed.value) {
      status(sitesStatus, "busy", "Loading the demo set…");
      try {
        const code = observed.value;
        const demo = await api("/api/plan/demo-sites", { query: { observed: code } });
        if (code !== observed.value || fileRadio.checked) return;
        sites = demo;
        status(sitesStatus, "ok", `Demo set: ${demo.features.length} sites (airfields of ${code}).`);
      } catch (error) {
        status(sitesStatus, "error", `Demo set unavailable: ${error.detail || error.message}`);
      }
    } else {
      status(sitesStatus, "info", "Choose the observed State to see its demo set.");
    }
    drawSites();
  }

  function drawSites() {
    layers.sites?.clearLayers();
    if (!sites || !layers.sites) return;
    for (const f of sites.features) {
      const [lon, lat] = f.geometry.coordinates;
      const value = Number(f.properties?.value ?? 1);
      L.circleMarker([lat, lon], {
        radius: 2.5 + Math.min(value, 6),
        color: "#475569",
        weight: 1,
        fillColor: "#94a3b8",
        fillOpacity: 0.7,
      })
        .bindTooltip(textTip(`${f.properties?.id}: value ${fmtNum(value)}`))
        .addTo(layers.sites);
    }
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    fileSites = null;
    if (!file) return;
    fileRadio.checked = true;
    markStale("sites");
    try {
      fileSites = parseSites(file.name, await file.text());
      status(sitesStatus, "ok", `${fileSites.features.length} sites from ${file.name}.`);
    } catch (error) {
      const text = error instanceof SitesError ? error.message : `${file.name}: ${error.message}`;
      status(sitesStatus, "error", text);
    }
    loadSites();
  });
  hagl.addEventListener("input", () => {
    clearTimeout(footprintTimer);
    footprintTimer = setTimeout(showFootprint, 200);
    markStale("height");
  });
  demoRadio.addEventListener("change", () => {
    markStale("sites");
    loadSites();
  });
  fileRadio.addEventListener("change", () => {
    markStale("sites");
    if (!fileSites) status(sitesStatus, "info", "Choose a file of sites.");
    loadSites();
  });
  date.addEventListener("change", async () => {
    markStale("date");
    showFootprint();
    await loadParties();
    await loadAirfields();
  });
  observed.addEventListener("change", async () => {
    clearPlan();
    fitObserved();
    await Promise.all([loadAirfields(), loadSites()]);
  });
  airfield.addEventListener("change", () => {
    clearPlan();
    showAirfield();
  });
  region.addEventListener("change", () => {
    showRegionHint();
    markStale("region");
  });

  // --- optimising -------------------------------------------------------------------
  function sitesForRequest() {
    if (fileRadio.checked) {
      if (!fileSites) throw new SitesError("Choose a file of sites, or the demo set.");
      return fileSites;
    }
    return null; // the demo set, chosen by the server
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    fill(planError);
    if (!form.reportValidity()) return;
    let body;
    try {
      body = {
        observed: observed.value,
        airfield: airfield.value,
        date: date.value,
        hagl_m: Number(hagl.value),
        time_limit: Number(timeLimit.value),
        sites: sitesForRequest(),
        region: region.value || undefined, // undefined is left out of the JSON
      };
    } catch (error) {
      fill(planError, problemBox({ title: "No sites", detail: error.message }));
      return;
    }
    optimise.disabled = true;
    status(planStatus, "busy", `Optimising (up to ${body.time_limit} s)…`);
    try {
      const fc = await api("/api/plan/flight", { method: "POST", body });
      setPlan(fc, body);
      status(planStatus, "ok", "Route optimised.");
      const heading = result.querySelector("#route-title");
      heading?.setAttribute("tabindex", "-1");
      heading?.focus({ preventScroll: true });
      heading?.scrollIntoView({ block: "start" });
    } catch (error) {
      status(planStatus, "error", "The planner refused.");
      fill(planError, problemBox(error));
    } finally {
      optimise.disabled = false;
    }
  });

  function clearPlan() {
    plan = null;
    shared.plan = null;
    for (const name of ["swath", "route", "legs", "observedSites", "waypoints"]) {
      layers[name]?.clearLayers();
    }
    fill(result);
    fill(planError);
    status(planStatus, "info", "");
    announce("plan");
  }

  function setPlan(fc, request) {
    const features = fc.features || [];
    const route = features.find((f) => f.properties?.kind === "route");
    if (!route) throw new Error("the planner answered without a route");
    const waypoints = features
      .filter((f) => f.properties?.kind === "waypoint")
      .sort((a, b) => a.properties.index - b.properties.index);
    const p = route.properties;
    plan = {
      request,
      route: structuredClone(route),
      waypoints: structuredClone(waypoints),
      swath: features.filter((f) => f.properties?.kind === "swath"),
      observedSites: features.filter((f) => f.properties?.kind === "observed_site"),
      check: {
        valid: p.valid,
        violations: p.violations || [],
        length_km: p.length_km,
        observation_km: p.observation_km,
        budget_km: p.budget_km,
      },
      value: p.value,
      sitesObserved: p.sites_observed || [],
      accounts: p.sites || [],
      legs: p.legs || [],
      edited: false,
      stale: null,
      coverage: "current", // "current", "stale" (an edit not yet recomputed) or "failed"
      impactNode: null,
    };
    plan.impactNode = impactBlock();
    drawPlan({ fit: true });
    renderResult();
    share();
  }

  /** The route as the API takes it: the (edited) LineString and its waypoint features. */
  function routeCollection() {
    const coordinates = plan.waypoints.map((w) => w.geometry.coordinates);
    const properties = { ...plan.route.properties };
    // What the planner said about the optimised route no longer holds once edited.
    properties.length_km = plan.check.length_km;
    properties.observation_km = plan.check.observation_km;
    properties.budget_km = plan.check.budget_km;
    properties.valid = plan.check.valid;
    properties.violations = plan.check.violations;
    return {
      type: "FeatureCollection",
      features: [
        { type: "Feature", geometry: { type: "LineString", coordinates }, properties },
        ...plan.waypoints,
      ],
    };
  }

  function share() {
    shared.plan = {
      route: routeCollection(),
      observed: plan.request.observed,
      airfield: plan.request.airfield,
      date: plan.request.date,
      check: plan.check,
    };
    announce("plan");
  }

  // --- drawing ----------------------------------------------------------------------
  const latLng = (f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]];

  function drawPlan({ fit = false } = {}) {
    for (const name of ["swath", "route", "observedSites", "waypoints"]) layers[name].clearLayers();
    const swathStyle = plan.coverage === "current" ? STYLE.swath : STYLE.staleSwath;
    L.geoJSON(plan.swath, { style: () => swathStyle, interactive: false }).addTo(layers.swath);
    const line = L.polyline(plan.waypoints.map(latLng), STYLE.route).addTo(layers.route);
    for (const f of plan.observedSites) {
      L.circleMarker(latLng(f), {
        radius: 5,
        color: "#14532d",
        weight: 1.5,
        fillColor: "#22c55e",
        opacity: plan.coverage === "current" ? 1 : 0.5,
        fillOpacity: plan.coverage === "current" ? 0.95 : 0.45,
      })
        .bindTooltip(textTip(`Observed: ${f.properties.id} (value ${fmtNum(f.properties.value)})`))
        .addTo(layers.observedSites);
    }
    plan.waypoints.forEach((w, i) => {
      const last = i === plan.waypoints.length - 1;
      const fixed = w.properties.fix_kind === "airfield";
      // A round trip starts and ends at the same airfield: one marker for both.
      if (last && i > 0 && fixed && same(w, plan.waypoints[0])) return;
      const marker = L.marker(latLng(w), {
        draggable: !fixed,
        autoPan: true,
        keyboard: true,
        title: `Waypoint ${w.properties.index}: ${w.properties.name} (${w.properties.fix_kind})`,
        alt: `Waypoint ${w.properties.index}`,
        icon: L.divIcon({
          className: `wp-icon ${fixed ? "wp-fixed" : "wp-fix"}`,
          html: fixed ? "✈" : String(w.properties.index),
          iconSize: [26, 26],
          iconAnchor: [13, 13],
        }),
      });
      marker.on("add", () => {
        const el = marker.getElement();
        el.dataset.index = String(w.properties.index);
        el.dataset.testid = "waypoint";
      });
      marker.on("dragstart", () => {
        // what the swath observes is the old route's until the server recomputes it
        plan.coverage = "stale";
        layers.swath.eachLayer((l) => l.setStyle?.(STYLE.staleSwath));
      });
      marker.on("drag", () => {
        const ll = marker.getLatLng();
        const coords = plan.waypoints.map((x) => latLng(x));
        coords[i] = [ll.lat, ll.lng];
        line.setLatLngs(coords);
      });
      marker.on("dragend", () => {
        const ll = marker.getLatLng();
        move(i, ll.lng, ll.lat);
      });
      marker.addTo(layers.waypoints);
    });
    drawLegs();
    if (fit) map.fitBounds(line.getBounds(), { padding: [40, 40], maxZoom: 9 });
  }

  const same = (a, b) =>
    a.geometry.coordinates[0] === b.geometry.coordinates[0] &&
    a.geometry.coordinates[1] === b.geometry.coordinates[1];

  function legLatLngs(leg) {
    const a = plan.waypoints[leg];
    const b = plan.waypoints[leg + 1];
    return a && b ? [latLng(a), latLng(b)] : null;
  }

  function drawLegs() {
    layers.legs.clearLayers();
    const legs = new Set(
      plan.check.violations
        .filter((v) => Number.isInteger(v.leg) && (v.severity || "violation") === "violation")
        .map((v) => v.leg),
    );
    for (const leg of legs) {
      const points = legLatLngs(leg);
      if (points) {
        L.polyline(points, leg === focusedLeg ? STYLE.focusLeg : STYLE.badLeg)
          .bindTooltip(textTip(`Leg ${leg}: ${legName(leg)}`))
          .addTo(layers.legs);
      }
    }
    if (focusedLeg !== null && !legs.has(focusedLeg)) {
      const points = legLatLngs(focusedLeg);
      if (points) L.polyline(points, STYLE.focusLeg).addTo(layers.legs);
    }
    layers.legs.eachLayer((l) => l.bringToFront());
  }

  function legName(leg) {
    const a = plan.waypoints[leg]?.properties;
    const b = plan.waypoints[leg + 1]?.properties;
    return a && b ? `${a.name} → ${b.name}` : "";
  }

  // --- editing and checking --------------------------------------------------------
  function move(i, lon, lat) {
    const round = (x) => Math.round(x * 1e6) / 1e6;
    plan.waypoints[i].geometry.coordinates = [round(lon), round(lat)];
    plan.edited = true;
    check();
  }

  async function check() {
    const mine = ++checking;
    plan.coverage = "stale";
    status(planStatus, "busy", "Checking the edited route and recomputing its swath…");
    drawPlan();
    renderResult();
    try {
      const answer = await api("/api/plan/check", {
        method: "POST",
        body: {
          route: routeCollection(),
          observed: plan.request.observed,
          airfield: plan.request.airfield,
          date: plan.request.date,
          coverage: true,
          sites: plan.request.sites ?? null,
        },
      });
      if (mine !== checking) return;
      plan.check = {
        valid: answer.valid,
        violations: answer.violations || [],
        length_km: answer.length_km,
        observation_km: answer.observation_km,
        budget_km: answer.budget_km,
      };
      if (Array.isArray(answer.legs)) plan.legs = answer.legs;
      if (answer.coverage) setCoverage(answer.coverage);
      else plan.coverage = "failed";
      status(planStatus, "ok", "Edited route checked.");
      fill(planError);
    } catch (error) {
      if (mine !== checking) return;
      plan.coverage = "failed";
      status(planStatus, "error", "The edited route could not be checked.");
      fill(planError, problemBox(error));
    }
    drawPlan();
    renderResult();
    share();
  }

  /** What the edited route observes, as the server recomputed it (POST /api/plan/check). */
  function setCoverage(coverage) {
    plan.swath = coverage.swath?.features || [];
    plan.accounts = coverage.sites || [];
    plan.observedSites = observedFeatures(plan.accounts);
    plan.sitesObserved = coverage.sites_observed || [];
    plan.value = coverage.value;
    plan.coverage = "current";
    const p = plan.route.properties;
    p.value = plan.value;
    p.sites = plan.accounts;
    p.sites_observed = plan.sitesObserved;
    p.sites_not_covered = plan.accounts.filter((a) => a.status === "not_covered").map((a) => a.id);
    p.sites_excluded = plan.accounts.filter((a) => a.status === "excluded").map((a) => a.id);
  }

  // --- the result panel ------------------------------------------------------------
  function renderResult() {
    if (!plan) {
      fill(result);
      return;
    }
    const c = plan.check;
    const use = budgetUse(c);
    const violations = c.violations.filter((v) => (v.severity || "violation") === "violation");
    const notices = c.violations.filter((v) => v.severity === "notice");
    fill(
      result,
      h(
        "section",
        { class: "result", "aria-labelledby": "route-title", "data-testid": "route-result" },
        h(
          "h2",
          { id: "route-title" },
          "Route ",
          h(
            "span",
            { class: `badge ${c.valid ? "ok" : "bad"}`, "data-testid": "route-valid" },
            c.valid ? "valid" : `${violations.length} violation${violations.length === 1 ? "" : "s"}`,
          ),
          plan.edited ? h("span", { class: "badge muted" }, "edited") : null,
          plan.stale
            ? h("span", { class: "badge bad", "data-testid": "route-stale" }, "stale")
            : null,
          plan.coverage !== "current"
            ? h("span", { class: "badge bad", "data-testid": "coverage-stale" }, "swath stale")
            : null,
        ),
        plan.stale
          ? h(
              "p",
              { class: "note", role: "status" },
              `The ${plan.stale} changed since this route was optimised: it does not answer `,
              "the form any more. Optimise again.",
            )
          : null,
        h(
          "div",
          { class: "budget" },
          h("label", { for: "budget-meter" }, "Distance used against the maximum flight distance"),
          h("meter", {
            id: "budget-meter",
            min: 0,
            max: c.budget_km || 1,
            value: use.counted || 0,
            high: (c.budget_km || 1) * 0.9,
            optimum: 0,
          }),
          h(
            "p",
            { class: "budget-text", "data-testid": "budget" },
            h("strong", {}, fmtKm(use.counted)),
            ` of ${fmtKm(c.budget_km)}`,
            use.pct === null ? "" : ` (${fmtNum(use.pct)} %)`,
            use.transit
              ? ` · plus ${fmtKm(use.transit)} of transit, sensors off, not counted against the maximum`
              : "",
          ),
        ),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Value of the sites observed"),
          h("dd", { "data-testid": "plan-value" }, fmtNum(plan.value)),
          h("dt", {}, "Sites observed"),
          h("dd", {}, String(plan.sitesObserved.length)),
          h("dt", {}, "Waypoints"),
          h("dd", {}, String(plan.waypoints.length)),
        ),
        plan.coverage === "stale"
          ? h(
              "p",
              { class: "note", role: "status", "data-testid": "coverage-note" },
              "The route was edited: its swath and the sites it observes are being recomputed ",
              "by the server (grey until then).",
            )
          : plan.coverage === "failed"
            ? h(
                "p",
                { class: "note", role: "status", "data-testid": "coverage-note" },
                "The swath and the sites observed could not be recomputed for the edited route: ",
                "what is shown is the route's before the edit.",
              )
            : null,
        h("h3", {}, "Violations"),
        violations.length
          ? h(
              "ol",
              { class: "violations", "data-testid": "violations" },
              groupViolations(violations).map((v) => violationWithLeg(v)),
            )
          : h("p", { class: "muted" }, "None: the route keeps every rule checked."),
        notices.length
          ? [
              h("h3", {}, "Notices for the observed Party"),
              h("ol", { class: "violations" }, groupViolations(notices).map((v) => violationWithLeg(v))),
            ]
          : null,
        siteLists(),
        waypointTable(),
        h("h3", {}, "Export the route"),
        h(
          "div",
          { class: "buttons" },
          EXPORTS.map(([format, label, type]) =>
            h(
              "button",
              { type: "button", onclick: () => exportRoute(format, type) },
              `Download ${label}`,
            ),
          ),
        ),
        plan.impactNode,
        h(
          "p",
          { class: "muted small" },
          "The Flights view submits this route as the mission plan (Art. VI §II ¶1).",
        ),
      ),
    );
  }

  function violationWithLeg(v) {
    if (!Number.isInteger(v.leg)) return violationItem(v);
    const button = h(
      "button",
      {
        type: "button",
        class: "link",
        onclick: () => {
          const points = legLatLngs(v.leg);
          if (points) map.fitBounds(L.latLngBounds(points), { padding: [60, 60], maxZoom: 9 });
        },
        onfocus: () => focus(v.leg),
        onblur: () => focus(null),
        onmouseenter: () => focus(v.leg),
        onmouseleave: () => focus(null),
      },
      `Leg ${v.leg}: ${legName(v.leg)}`,
    );
    const item = violationItem(v, h("span", { class: "leg" }, button));
    item.dataset.leg = String(v.leg);
    return item;
  }

  function focus(leg) {
    focusedLeg = leg;
    drawLegs();
  }

  function siteLists() {
    const of = (status) => plan.accounts.filter((a) => a.status === status);
    const list = (title, rows, testid, describe) => {
      const details = h(
        "details",
        { class: "site-list", "data-testid": testid },
        h("summary", {}, `${title} (${rows.length})`),
        rows.length
          ? h("ul", { class: "small" }, rows.map((a) => h("li", {}, h("strong", {}, a.id), " — ", describe(a))))
          : h("p", { class: "muted small" }, "None."),
      );
      // an open list stays open when an edit redraws the panel
      details.open = openLists.has(testid);
      details.addEventListener("toggle", () => {
        if (details.open) openLists.add(testid);
        else openLists.delete(testid);
      });
      return details;
    };
    return h(
      "div",
      { class: "site-lists" },
      list("Sites observed", of("observed"), "sites-observed", (a) =>
        `leg ${a.leg}, ${fmtNum(a.distance_km)} km from the track`),
      list("Sites not covered", of("not_covered"), "sites-not-covered", (a) => a.reason || ""),
      list("Sites excluded", of("excluded"), "sites-excluded", (a) =>
        `${a.reason || a.rule}${a.citation ? ` (${a.citation})` : ""}`),
    );
  }

  function setLeg(i, change) {
    const legs = plan.route.properties.legs;
    if (!Array.isArray(legs) || !legs[i]) return;
    legs[i] = { ...legs[i], ...change };
    plan.edited = true;
    check();
  }

  function waypointTable() {
    const input = (i, axis, value, label) => {
      const el = h("input", {
        type: "number",
        step: "0.0001",
        min: axis === "lat" ? "-90" : "-180",
        max: axis === "lat" ? "90" : "180",
        "aria-label": label,
        class: "coord",
      });
      el.value = String(value);
      el.addEventListener("change", () => {
        if (!el.checkValidity() || el.value === "") return;
        const [lon, lat] = plan.waypoints[i].geometry.coordinates;
        if (axis === "lat") move(i, lon, Number(el.value));
        else move(i, Number(el.value), lat);
      });
      return el;
    };
    const heightInput = (i, leg) => {
      const el = h("input", {
        type: "number",
        min: "1",
        max: "20000",
        step: "1",
        class: "coord",
        "aria-label": `Height above ground of leg ${i}, metres`,
      });
      el.value = String(leg.hagl_m);
      el.addEventListener("change", () => {
        if (el.checkValidity() && el.value !== "") setLeg(i, { hagl_m: Number(el.value) });
      });
      return el;
    };
    const sensorsBox = (i, leg) => {
      const el = h("input", { type: "checkbox", "aria-label": `Sensors on, leg ${i}` });
      el.checked = !leg.transit;
      el.addEventListener("change", () => {
        const known = plan.route.properties.legs.find((l) => !l.transit && l.sensors?.length);
        const sensors = known ? known.sensors : ["vertical-framing"];
        setLeg(i, el.checked ? { transit: false, sensors } : { transit: true, sensors: [] });
      });
      return el;
    };
    const details = h(
      "details",
      { class: "waypoints", "data-testid": "waypoint-table" },
      h("summary", {}, "Waypoints and legs (type coordinates or heights to change them)"),
      h(
        "table",
        { class: "data compact" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["#", "Name", "Kind", "Lat (°)", "Lon (°)", "Next leg: height (m)", "Sensors on",
              "Distance", "Time", "Swath each side", "GSD"].map((t) => h("th", { scope: "col" }, t)),
          ),
        ),
        h(
          "tbody",
          {},
          plan.waypoints.map((w, i) => {
            const p = w.properties;
            const [lon, lat] = w.geometry.coordinates;
            const fixed = p.fix_kind === "airfield";
            const leg = plan.legs[i];
            const edit = plan.route.properties.legs?.[i];
            return h(
              "tr",
              { "data-leg": leg ? String(i) : null },
              h("td", {}, String(p.index)),
              h("td", {}, p.name),
              h("td", {}, p.fix_kind),
              h("td", {}, fixed ? lat.toFixed(4) : input(i, "lat", lat, `Latitude of waypoint ${p.index}`)),
              h("td", {}, fixed ? lon.toFixed(4) : input(i, "lon", lon, `Longitude of waypoint ${p.index}`)),
              h("td", {}, edit ? heightInput(i, edit) : ""),
              h("td", {}, edit ? [sensorsBox(i, edit), edit.transit ? " transit" : ""] : ""),
              h("td", { class: "num" }, leg ? fmtKm(leg.length_km) : ""),
              h("td", { class: "num" }, leg ? `${fmtNum(leg.time_min)} min` : ""),
              h("td", { class: "num" }, leg ? (leg.transit ? "off" : fmtKm(leg.swath_half_width_km)) : ""),
              h("td", { class: "num" }, leg && leg.gsd_m !== null ? `${fmtNum(leg.gsd_m)} m` : ""),
            );
          }),
        ),
      ),
    );
    details.open = waypointsOpen;
    details.addEventListener("toggle", () => {
      waypointsOpen = details.open;
    });
    return details;
  }

  async function exportRoute(format, type) {
    try {
      const text = await api("/api/plan/export", {
        method: "POST",
        query: { format },
        body: routeCollection(), // the body is the route (a FeatureCollection)
        text: true,
      });
      const name = `openskies-${plan.request.observed}-${plan.request.date}.${format}`;
      download(name, text, type);
      status(planStatus, "ok", `Exported ${name}.`);
    } catch (error) {
      fill(planError, problemBox(error));
    }
  }

  function impactBlock() {
    const select = h(
      "select",
      { name: "restriction" },
      RESTRICTIONS.map(([value, label]) => h("option", { value }, label)),
    );
    const floor = h("input", {
      type: "number",
      name: "floor_hagl_m",
      min: "1",
      max: "20000",
      step: "1",
      placeholder: "planner's default",
    });
    const floorField = field("Floor height above ground (metres, optional)", floor);
    floorField.hidden = true;
    select.addEventListener("change", () => {
      floorField.hidden = select.value !== "altitude_floor";
    });
    const out = h("div", { "aria-live": "polite" });
    const button = h("button", { type: "button" }, "Compare");
    button.addEventListener("click", async () => {
      button.disabled = true;
      fill(out, h("p", { class: "status", "data-kind": "busy" }, "Planning with and without…"));
      const body = {
        observed: plan.request.observed,
        airfield: plan.request.airfield,
        date: plan.request.date,
        hagl_m: plan.request.hagl_m,
        time_limit: plan.request.time_limit,
        sites: plan.request.sites,
        restriction: select.value,
      };
      if (plan.request.region) body.region = plan.request.region;
      if (select.value === "altitude_floor" && floor.value) body.floor_hagl_m = Number(floor.value);
      try {
        const r = await api("/api/plan/impact", { method: "POST", body });
        const row = (label, key, fmt) => {
          const a = r.with?.[key];
          const b = r.without?.[key];
          const diff = typeof a === "number" && typeof b === "number" ? a - b : null;
          return h(
            "tr",
            {},
            h("th", { scope: "row" }, label),
            h("td", { class: "num" }, fmt(a)),
            h("td", { class: "num" }, fmt(b)),
            h("td", { class: "num" }, diff === null ? "—" : `${diff > 0 ? "+" : ""}${fmt(diff)}`),
          );
        };
        const count = (x) => (x === undefined ? "—" : fmtNum(x));
        fill(
          out,
          h(
            "table",
            { class: "data compact", "data-testid": "impact" },
            h("caption", {}, select.selectedOptions[0].textContent),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["", "With", "Without", "Difference"].map((t) => h("th", { scope: "col" }, t)),
              ),
            ),
            h(
              "tbody",
              {},
              row("Value", "value", fmtNum),
              r.with?.sites_observed === undefined ? null : row("Sites observed", "sites_observed", count),
              row("Length", "length_km", fmtKm),
            ),
          ),
          typeof r.value_lost_pct === "number"
            ? h("p", { class: "small" }, `Value lost to the restriction: ${fmtNum(r.value_lost_pct)} %`)
            : null,
          r.note ? h("p", { class: "muted small" }, r.note) : null,
        );
      } catch (error) {
        fill(out, problemBox(error));
      } finally {
        button.disabled = false;
      }
    });
    return h(
      "div",
      { class: "impact" },
      h("h3", {}, "Restriction impact"),
      field("Restriction", select),
      floorField,
      h("div", { class: "buttons" }, button),
      out,
    );
  }

  // --- start ------------------------------------------------------------------------
  (async () => {
    await loadParties();
    await loadAirfields();
    await loadSites();
  })();
  showFootprint();
  ensureMap();

  /** Open a saved version (Plans or Flights view): its route, checked again for its day. */
  function openVersion(v) {
    observed.value = v.observed;
    date.value = v.date;
    const saved = (v.route.features || []).find((f) => f.properties?.kind === "route")?.properties;
    setPlan(v.route, {
      observed: v.observed,
      airfield: v.airfield,
      date: v.date,
      hagl_m: Number(hagl.value),
      region: saved?.region || undefined,
      sites: v.sites ?? null, // the site set it was planned over (null: the demo set)
    });
    plan.edited = true;
    status(planStatus, "info", `Opened ${v.label}.`);
    check();
    showOpened(v, saved?.region);
  }

  /** The form shows what the opened route was planned for: Party, airfield, region. */
  async function showOpened(v, regionId) {
    await loadParties();
    observed.value = v.observed;
    if (observed.value !== v.observed) return; // not one of the choices (a group's code)
    fitObserved();
    await loadAirfields();
    if (observed.value !== v.observed) return; // the user chose another meanwhile
    airfield.value = v.airfield || "";
    showAirfield();
    region.value = regionId && regions.some((r) => r.id === regionId) ? regionId : "";
    showRegionHint();
  }

  return {
    shown() {
      map?.invalidateSize();
      if (shared.openVersion) {
        openVersion(shared.openVersion);
        shared.openVersion = null;
      }
    },
  };
}
