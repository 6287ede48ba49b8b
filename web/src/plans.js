// Plans view: the delegation's saved plans and its flights' plans (GET /api/plans), every
// version with its author and time; save the planner's route as a plan or as a new version
// (POST /api/plans, /api/plans/{id}/versions); open any version in the planner.

import { api, apiAll } from "./api.js";
import { shared } from "./state.js";
import { field, fill, fmtUtc, h, problemBox, status } from "./ui.js";

export function start(section) {
  const list = section.querySelector("#plans-list");
  const line = section.querySelector("#plans-status");
  const saveBox = section.querySelector("#plans-save");

  function body(name) {
    const p = shared.plan;
    return { name, observed: p.observed, route: p.route, airfield: p.airfield, date: p.date, check: p.check };
  }

  function saveForm(plans) {
    if (!shared.plan) {
      fill(saveBox, h("p", { class: "muted" }, "Plan a route in the planner to save it here."));
      return;
    }
    const name = h("input", { name: "plan-name", required: true, maxlength: "200" });
    name.value = `${shared.plan.observed} from ${shared.plan.airfield} on ${shared.plan.date}`;
    const mine = plans.filter((p) => !p.flight_id && p.owner === shared.me.state);
    const target = h("select", { name: "plan-target" }, h("option", { value: "" }, "a new plan"), mine.map((p) => h("option", { value: p.id }, `a new version of “${p.name}”`)));
    const form = h("form", { class: "stack" }, field("Name", name), field("Save as", target), h("button", { type: "submit", class: "primary" }, "Save the planner's route"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        if (target.value) await api(`/api/plans/${encodeURIComponent(target.value)}/versions`, { method: "POST", body: body(name.value.trim()) });
        else await api("/api/plans", { method: "POST", body: body(name.value.trim()) });
        status(line, "ok", "Saved.");
        await load();
      } catch (error) {
        fill(saveBox, problemBox(error));
      }
    });
    fill(saveBox, form);
  }

  async function open(plan, v) {
    try {
      const version = await api(`/api/plans/${encodeURIComponent(plan.id)}/versions/${v.number}`);
      const d = version.details || {};
      shared.openVersion = {
        route: version.route,
        observed: plan.observed,
        airfield: d.airfield || d.open_skies_airfield,
        date: d.date || (d.planned_start || "").slice(0, 10) || shared.me.on,
        label: `“${plan.name}” version ${v.number}`,
      };
      location.hash = "#planner";
    } catch (error) {
      status(line, "error", "");
      fill(saveBox, problemBox(error));
    }
  }

  async function load() {
    status(line, "busy", "Loading plans…");
    try {
      const plans = await apiAll("/api/plans");
      status(line, "ok", `${plans.length} plan${plans.length === 1 ? "" : "s"}.`);
      saveForm(plans);
      fill(
        list,
        plans.length
          ? plans.map((p) =>
              h(
                "article",
                { class: "card plan", "data-plan-id": p.id },
                h("h2", {}, p.name, h("span", { class: "muted small" }, ` · over ${p.observed}${p.flight_id ? " · a flight's plan" : ""}`)),
                h(
                  "table",
                  { class: "data compact" },
                  h("thead", {}, h("tr", {}, ["Version", "Kind", "By", "Saved", ""].map((t) => h("th", { scope: "col" }, t)))),
                  h(
                    "tbody",
                    {},
                    p.versions.map((v) =>
                      h(
                        "tr",
                        {},
                        h("td", {}, String(v.number)),
                        h("td", {}, v.kind.replaceAll("_", " ")),
                        h("td", {}, v.author),
                        h("td", {}, fmtUtc(v.created_at)),
                        h("td", {}, h("button", { type: "button", class: "link", onclick: () => open(p, v) }, "Open in planner")),
                      ),
                    ),
                  ),
                ),
              ),
            )
          : h("p", { class: "empty" }, "No plan yet."),
      );
    } catch (error) {
      status(line, "error", "");
      fill(list, problemBox(error));
    }
  }

  section.querySelector("#plans-refresh").addEventListener("click", load);
  return { shown: load };
}
