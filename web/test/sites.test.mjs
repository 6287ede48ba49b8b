// Site files parsed in the browser: run with `node --test web/test/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { csvRows, parseCsvSites, parseGeojsonSites, parseSites } from "../src/sites.js";

test("CSV id,lat,lon,value becomes GeoJSON Points in (lon, lat) order", () => {
  const fc = parseCsvSites("id,lat,lon,value\nA,52.1,21.0,3\nB,51.0,19.5,\n");
  assert.equal(fc.type, "FeatureCollection");
  assert.deepEqual(fc.features[0].geometry.coordinates, [21.0, 52.1]);
  assert.deepEqual(fc.features[0].properties, { id: "A", value: 3 });
  assert.equal(fc.features[1].properties.value, 1, "an empty value counts 1");
});

test("CSV columns may come in any order, quoted, with CRLF and a BOM", () => {
  const fc = parseCsvSites('\uFEFFlon,"id",lat\r\n21,"Site ""1""",52\r\n');
  assert.equal(fc.features[0].properties.id, 'Site "1"');
  assert.deepEqual(fc.features[0].geometry.coordinates, [21, 52]);
});

test("CSV errors name the line and the field", () => {
  assert.throws(() => parseCsvSites("id,lat\nA,1\n", "s.csv"), /s\.csv: missing column\(s\) lon/);
  assert.throws(() => parseCsvSites("id,lat,lon\nA,north,1\n", "s.csv"), /s\.csv: line 2: lat/);
  assert.throws(() => parseCsvSites("id,lat,lon\nA,1,1\nA,2,2\n"), /line 3: id "A" is used twice/);
  assert.throws(() => parseCsvSites("id,lat,lon\nA,95,1\n"), /lat: 95 is outside/);
  assert.throws(() => parseCsvSites("id,lat,lon,value\nA,5,1,-2\n"), /value: must be >= 0/);
});

test("GeoJSON points keep id and value; other geometries are refused", () => {
  const text = JSON.stringify({
    type: "FeatureCollection",
    features: [
      { type: "Feature", id: "x", geometry: { type: "Point", coordinates: [20, 50] }, properties: {} },
      { type: "Feature", geometry: { type: "Point", coordinates: [21, 51] }, properties: { id: 7, value: 2 } },
    ],
  });
  const fc = parseGeojsonSites(text);
  assert.deepEqual(
    fc.features.map((f) => f.properties),
    [{ id: "x", value: 1 }, { id: "7", value: 2 }],
  );
  const line = JSON.stringify({
    type: "FeatureCollection",
    features: [{ type: "Feature", geometry: { type: "LineString", coordinates: [] } }],
  });
  assert.throws(() => parseGeojsonSites(line, "l.geojson"), /feature 0: geometry must be a Point/);
  assert.throws(() => parseGeojsonSites("{", "b.json"), /b\.json: not valid JSON/);
});

test("the file name chooses the parser", () => {
  assert.equal(parseSites("a.CSV", "id,lat,lon\nA,1,2\n").features.length, 1);
  assert.equal(csvRows("a,b\n\nc,d").length, 3);
});
