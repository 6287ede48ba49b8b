// Build the web app: copy web/src/ and Leaflet's dist/ into the Python package's static/.
//
//   npm ci --prefix web && node web/build.mjs
//
// No bundler: the app is plain ES modules and imports Leaflet's own ES module build
// (vendor/leaflet/leaflet-src.esm.js). Everything is served by the API itself, offline;
// nothing is fetched from a CDN. The output directory is rebuilt from scratch each time.

import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const source = join(web, "src");
const leaflet = join(web, "node_modules", "leaflet");
const out = resolve(web, "..", "src", "openskies", "web", "static");

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

if (!(await exists(join(leaflet, "dist", "leaflet-src.esm.js")))) {
  console.error("error: Leaflet is not installed: run `npm ci --prefix web` first");
  process.exit(2);
}

const { version } = JSON.parse(await readFile(join(leaflet, "package.json"), "utf8"));
const files = [];

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(source, out, {
  recursive: true,
  filter: (path) => {
    files.push(path);
    return true;
  },
});
await cp(join(leaflet, "dist"), join(out, "vendor", "leaflet"), {
  recursive: true,
  // Source maps are not needed to run the app; they double the size.
  filter: (path) => !path.endsWith(".map"),
});
await writeFile(
  join(out, "build.json"),
  JSON.stringify({ app: "openskies-web", leaflet: version }, null, 2) + "\n",
);

console.log(
  `built ${relative(process.cwd(), out) || "."}: app (${files.length} entries from web/src) ` +
    `and Leaflet ${version} in vendor/leaflet`,
);
