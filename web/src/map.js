// Leaflet maps of vector layers only: no tile server, nothing fetched from outside.
// The land is the shipped Natural Earth territories (GET /api/geo/territories), drawn
// once per map on a canvas renderer (the file has ~270,000 vertices).

// @ts-ignore -- Leaflet is copied to ./vendor by build.mjs and ships no types
import * as L from "./vendor/leaflet/leaflet-src.esm.js";
import { api } from "./api.js";
import { textTip } from "./ui.js";

export { L };

let territories = null;

/** GET /api/geo/territories (about 4 MB), fetched once per sign-in. */
export function loadTerritories() {
  if (!territories) {
    territories = api("/api/geo/territories");
    territories.catch(() => {
      territories = null;
    });
  }
  return territories;
}

export function forgetTerritories() {
  territories = null;
}

/** A map in `container`, centred on the treaty's area, with a scale and the source named. */
export function createMap(container, { center = [53, 18], zoom = 4 } = {}) {
  const map = L.map(container, {
    center,
    zoom,
    minZoom: 2,
    maxZoom: 13,
    zoomSnap: 0.25,
    worldCopyJump: false,
    keyboard: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Land: Natural Earth 1:10m (public domain)");
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  return map;
}

/** The territories as a GeoJSON layer styled by `style(properties)`; names on hover. */
export function territoriesLayer(collection, style) {
  const renderer = L.canvas({ padding: 0.3 });
  return L.geoJSON(collection, {
    renderer,
    style: (feature) => style(feature.properties || {}),
    onEachFeature: (feature, layer) => {
      const p = feature.properties || {};
      const name = p.name || p.NAME || p.code || "territory";
      const label =
        p.kind === "disputed"
          ? `${name} (disputed: held by ${p.held_by}, claimed by ${p.claimed_by})`
          : p.code && p.code !== name
            ? `${name} (${p.code})`
            : name;
      layer.bindTooltip(textTip(label), { sticky: true, direction: "top", className: "land-tip" });
    },
  });
}

/** Base look of the land not otherwise coloured. */
export const LAND = {
  color: "#ffffff",
  weight: 0.6,
  fillColor: "#e2dfd7",
  fillOpacity: 1,
};

/** Disputed areas are outlined and hatched-looking, never filled as anyone's. */
export const DISPUTED = {
  color: "#6b4f1d",
  weight: 1.2,
  dashArray: "4 3",
  fillColor: "#f1e3c2",
  fillOpacity: 0.55,
};

/** The bounds of the territories layer's features whose code is in `codes`, or null. */
export function territoryBounds(land, codes) {
  let bounds = null;
  land.eachLayer((layer) => {
    if (codes.has(layer.feature?.properties?.code)) {
      bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds());
    }
  });
  return bounds;
}
