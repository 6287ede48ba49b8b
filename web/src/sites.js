// Candidate sites from a file, parsed in the browser into a GeoJSON FeatureCollection of
// Points with properties {id, value}: CSV with a header id,lat,lon[,value], or GeoJSON
// Point features. Errors name the line (CSV) or the feature (GeoJSON) and the field.
// Pure functions (no DOM): tested with `node --test web/test/`.

export class SitesError extends Error {
  constructor(message) {
    super(message);
    this.name = "SitesError";
  }
}

function number(text, where, name) {
  const trimmed = String(text ?? "").trim();
  const value = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(value)) {
    throw new SitesError(`${where}: ${name}: ${JSON.stringify(text ?? "")} is not a number`);
  }
  return value;
}

function site(id, lon, lat, value, where) {
  if (lon < -180 || lon > 180) throw new SitesError(`${where}: lon: ${lon} is outside -180..180`);
  if (lat < -90 || lat > 90) throw new SitesError(`${where}: lat: ${lat} is outside -90..90`);
  if (value < 0) throw new SitesError(`${where}: value: must be >= 0`);
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: [lon, lat] },
    properties: { id, value },
  };
}

/** Split CSV text into rows of cells (RFC 4180: quoted cells, doubled quotes, CRLF). */
export function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  const body = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Sites from CSV text with a header naming id, lat, lon and (optionally) value. */
export function parseCsvSites(text, name = "CSV") {
  const rows = csvRows(text);
  if (!rows.length) throw new SitesError(`${name}: empty file (expected a header id,lat,lon,value)`);
  const header = rows[0].map((c) => c.trim().toLowerCase());
  const missing = ["id", "lat", "lon"].filter((c) => !header.includes(c));
  if (missing.length) {
    throw new SitesError(
      `${name}: missing column(s) ${missing.join(", ")} (expected a header id,lat,lon,value)`,
    );
  }
  const col = Object.fromEntries(header.map((c, i) => [c, i]));
  const features = [];
  const ids = new Set();
  rows.slice(1).forEach((row, index) => {
    const line = index + 2;
    if (row.every((c) => c.trim() === "")) return; // blank line
    const where = `${name}: line ${line}`;
    const id = (row[col.id] ?? "").trim();
    if (!id) throw new SitesError(`${where}: id: empty`);
    if (ids.has(id)) throw new SitesError(`${where}: id ${JSON.stringify(id)} is used twice`);
    ids.add(id);
    const raw = col.value === undefined ? "" : (row[col.value] ?? "").trim();
    features.push(
      site(
        id,
        number(row[col.lon], where, "lon"),
        number(row[col.lat], where, "lat"),
        raw === "" ? 1 : number(raw, where, "value"),
        where,
      ),
    );
  });
  if (!features.length) throw new SitesError(`${name}: no sites below the header`);
  return { type: "FeatureCollection", features };
}

/** Sites from a GeoJSON FeatureCollection of Points (properties.id, properties.value). */
export function parseGeojsonSites(text, name = "GeoJSON") {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new SitesError(`${name}: not valid JSON: ${error.message}`);
  }
  if (!doc || doc.type !== "FeatureCollection" || !Array.isArray(doc.features)) {
    throw new SitesError(`${name}: expected a GeoJSON FeatureCollection`);
  }
  const ids = new Set();
  const features = doc.features.map((feature, index) => {
    const where = `${name}: feature ${index}`;
    const geometry = feature?.geometry;
    if (!geometry || geometry.type !== "Point") {
      throw new SitesError(`${where}: geometry must be a Point`);
    }
    const coords = geometry.coordinates || [];
    if (coords.length < 2) throw new SitesError(`${where}: coordinates: expected [lon, lat]`);
    const props = feature.properties || {};
    const id = String(props.id ?? feature.id ?? index);
    if (ids.has(id)) throw new SitesError(`${where}: id ${JSON.stringify(id)} is used twice`);
    ids.add(id);
    return site(
      id,
      number(coords[0], where, "lon"),
      number(coords[1], where, "lat"),
      props.value === undefined || props.value === null ? 1 : number(props.value, where, "value"),
      where,
    );
  });
  if (!features.length) throw new SitesError(`${name}: no features`);
  return { type: "FeatureCollection", features };
}

/** Sites from a file's name and text: .csv as CSV, anything else as GeoJSON. */
export function parseSites(filename, text) {
  return /\.csv$/i.test(filename)
    ? parseCsvSites(text, filename)
    : parseGeojsonSites(text, filename);
}
