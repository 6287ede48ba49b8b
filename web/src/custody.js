// Custody view: a flight's sensor data in custody (GET /api/flights/{id}/custody), its Annex B
// annotation and frame footprints, who holds the original and the duplicates, copy requests
// with their decisions and citations, deliveries and downloads; the ledger's latest tree
// head and witnesses, and a check, in this browser, that a delivery is in the log.
//
// Every custody action is signed here with this browser's Ed25519 key: a WebCrypto key made
// with extractable: false and kept in IndexedDB, so the page can sign with it but nobody can
// read it. Only its public key is registered (POST /api/keys). The events are built as the
// server builds them (openskies.custody.events) and serialised canonically (docs/custody.md
// §3): the server checks them against what it observed and appends them. Nothing here builds
// HTML from data: text goes in as text nodes.

import { ApiError, api, apiAll, session } from "./api.js";
import { serviceNow } from "./clock.js";
import { L, createMap } from "./map.js";
import { shared } from "./state.js";
import { field, fill, fmtUtc, h, problemBox, status } from "./ui.js";

const EVENT_CONTEXT = "openskies/custody-event/v1\n";
const TREE_HEAD_CONTEXT = "openskies/tree-head/v1\n";
const LOG_KEY_PIN = "openskies.log-key";
const utf8 = new TextEncoder();

// --- bytes, hashes, canonical JSON ------------------------------------------------------

const b64 = (bytes) => {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text);
};
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (text) => new Uint8Array((text.match(/../g) || []).map((x) => parseInt(x, 16)));
const b64url = (text) => b64(utf8.encode(text)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Canonical JSON, as openskies.custody.events.canonical_json writes it: sorted keys, no
 * spaces, ASCII only (\uXXXX escapes), integers only. */
export function canonical(value) {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`not a canonical number: ${value}`);
    return String(value);
  }
  if (typeof value === "string") {
    return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${canonical(k)}:${canonical(value[k])}`).join(",")}}`;
}

/** Now, in UTC to the second, as the server writes times (…T10:31:00Z). */
export const utcNow = () => new Date(serviceNow()).toISOString().replace(/\.\d{3}Z$/, "Z");

// --- RFC 9162 §2.1.3.2: an inclusion proof, checked here -------------------------------

export async function verifyInclusion(leaf, index, size, path, root) {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = await sha256(concat(new Uint8Array([0]), leaf));
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(new Uint8Array([1]), p, r));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(concat(new Uint8Array([1]), r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hex(r) === hex(root);
}

// --- this browser's key (IndexedDB) -----------------------------------------------------

function keyStore(mode, work) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("openskies-keys", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("keys");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("keys", mode);
      const request = work(tx.objectStore("keys"));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    };
  });
}

async function loadKey(state) {
  return (await keyStore("readonly", (store) => store.get(state))) || null;
}

async function makeKey(state) {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const key = { privateKey: pair.privateKey, publicKey: b64(raw), keyId: hex(await sha256(raw)), registered: false };
  await keyStore("readwrite", (store) => store.put(key, state));
  return key;
}

async function signEvent(key, event) {
  const message = utf8.encode(EVENT_CONTEXT + canonical(event));
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, message);
  return { event, key_id: key.keyId, signature: b64(signature) };
}

const eventHeader = (signed) => b64url(canonical(signed.length === 1 ? signed[0] : signed));

function event(kind, actor, object, flightReference, details) {
  return { kind, at: utcNow(), actor, object_sha256: object, flight_reference: flightReference || null, details };
}

// --- the view ---------------------------------------------------------------------------

export function start(section) {
  const $ = (id) => section.querySelector(`#${id}`);
  const me = shared.me.state;
  let key = null;
  let map = null;
  let layer = null;
  let current = null;
  let uploaded = null; // the last upload's answer, shown under the form

  async function call(path, options = {}) {
    return api(path, options);
  }

  async function signedCall(path, method, events, body) {
    const headers = { Authorization: `Bearer ${session.token}`, "X-Custody-Event": eventHeader(events) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
    return response;
  }

  function showError(error) {
    fill($("custody-error"), problemBox(error instanceof ApiError ? error : { title: "Error", detail: String(error.message || error) }));
  }

  // The key panel.
  async function renderKey() {
    key = await loadKey(me);
    const box = $("custody-key");
    if (key?.registered) {
      fill(box, "This browser signs for ", h("strong", {}, me), " with key ", h("code", { "data-testid": "key-id" }, key.keyId.slice(0, 16)), "… (not extractable, kept in this browser).");
      return;
    }
    const button = h("button", { type: "button", class: "primary" }, key ? "Register this browser's key" : "Create and register this browser's key");
    button.addEventListener("click", async () => {
      try {
        key = key || (await makeKey(me));
        const signed = await signEvent(key, event("key_registered", me, null, null, { public_key: key.publicKey }));
        await call("/api/keys", { method: "POST", body: { event: signed } });
        key.registered = true;
        await keyStore("readwrite", (store) => store.put(key, me));
        renderKey();
        if (current) openFlight(current);
      } catch (error) {
        showError(error);
      }
    });
    fill(box, "Custody actions are signed with a key this browser holds. ", button);
  }

  // The ledger panel.
  async function renderLedger() {
    try {
      const head = await call("/api/ledger/tree-head");
      const witnesses = head.signatures.filter((s) => s.signer !== head.log_id).map((s) => s.signer);
      fill(
        $("custody-ledger"),
        h("h2", {}, "Ledger"),
        h("p", {}, "Entries: ", h("strong", { "data-testid": "ledger-size" }, String(head.tree_size)), ` · latest tree head ${fmtUtc(head.timestamp)}`),
        h("p", { class: "small" }, "Root ", h("code", {}, head.root_hash)),
        h("p", { "data-testid": "witnesses" }, witnesses.length ? `Cosigned by ${witnesses.join(", ")}` : "No witness has cosigned this head yet."),
      );
    } catch (error) {
      showError(error);
    }
  }

  /** Check, here, that ledger entry `index` is in the log under a head the log signed. */
  async function verifyHere(index, expect, out) {
    status(out, "busy", "Checking in this browser…");
    try {
      const served = Object.values(await call("/api/ledger/keys"))[0][0];
      const pinned = localStorage.getItem(LOG_KEY_PIN) || served;
      if (pinned !== served) throw new Error("the server's log key is not the one pinned in this browser");
      localStorage.setItem(LOG_KEY_PIN, pinned);
      const head = await call("/api/ledger/tree-head");
      const message = utf8.encode(TREE_HEAD_CONTEXT + canonical({ log_id: head.log_id, root_hash: head.root_hash, timestamp: head.timestamp, tree_size: head.tree_size }));
      const logKey = await crypto.subtle.importKey("raw", unb64(pinned), { name: "Ed25519" }, false, ["verify"]);
      const logSig = head.signatures.find((s) => s.signer === head.log_id);
      if (!logSig || !(await crypto.subtle.verify({ name: "Ed25519" }, logKey, unb64(logSig.signature), message))) {
        throw new Error("the tree head is not signed by the log's key");
      }
      const proof = await call(`/api/ledger/proof/${index}`, { query: { size: head.tree_size } });
      const leaf = utf8.encode(proof.entry);
      const path = proof.proof.path.map(unhex);
      if (!(await verifyInclusion(leaf, index, head.tree_size, path, unhex(head.root_hash)))) {
        throw new Error("the inclusion proof does not lead to the signed root");
      }
      const entry = JSON.parse(proof.entry);
      const e = entry.event;
      if (e.kind !== expect.kind || e.object_sha256 !== expect.sha256 || (expect.recipient && e.details.recipient !== expect.recipient)) {
        throw new Error("the entry is not this delivery");
      }
      const keys = await apiAll("/api/keys");
      const actorKey = keys.find((k) => k.key_id === entry.key_id && k.state === e.actor);
      const pub = actorKey && (await crypto.subtle.importKey("raw", unb64(actorKey.public_key), { name: "Ed25519" }, false, ["verify"]));
      const signedOk = pub && (await crypto.subtle.verify({ name: "Ed25519" }, pub, unb64(entry.signature), utf8.encode(EVENT_CONTEXT + canonical(e))));
      if (!signedOk) throw new Error(`the entry is not signed by a registered key of ${e.actor}`);
      const witnesses = head.signatures.filter((s) => s.signer !== head.log_id).map((s) => s.signer);
      status(out, "ok", `Verified in this browser: entry ${index} of ${head.tree_size}, signed by ${e.actor}, under a tree head signed by the log${witnesses.length ? ` and cosigned by ${witnesses.join(", ")}` : ""}.`);
      out.dataset.verified = "true";
    } catch (error) {
      status(out, "error", `Not verified: ${error.message || error}`);
      out.dataset.verified = "false";
    }
  }

  // One flight.
  async function openFlight(flightId) {
    current = flightId;
    fill($("custody-error"));
    status($("custody-status"), "busy", "Loading custody…");
    try {
      const doc = await call(`/api/flights/${encodeURIComponent(flightId)}/custody`);
      status($("custody-status"), "ok", `${doc.objects.length} object${doc.objects.length === 1 ? "" : "s"} in custody.`);
      renderFlight(doc);
      renderLedger();
    } catch (error) {
      status($("custody-status"), "error", "");
      showError(error);
    }
  }

  function renderMap(doc) {
    if (!map) map = createMap($("custody-map"));
    if (layer) layer.remove();
    const features = doc.objects.flatMap((o) => o.footprints || []);
    layer = L.geoJSON({ type: "FeatureCollection", features }, { style: { color: "#b45309", weight: 1 } }).addTo(map);
    if (features.length) map.fitBounds(layer.getBounds(), { maxZoom: 10 });
    $("custody-map").dataset.footprints = String(features.length);
  }

  function renderFlight(doc) {
    const observing = doc.observing_party === me;
    const out = [];
    if (observing) out.push(uploadForm(doc));
    out.push(...doc.objects.map((o) => objectCard(doc, o)));
    fill($("custody-objects"), out.length ? out : h("p", { class: "empty" }, "No data in custody for this flight."));
    renderMap(doc);
  }

  function uploadForm(doc) {
    const file = h("input", { type: "file", name: "file" });
    const annotation = h("textarea", { name: "annotation", rows: 6 }, JSON.stringify({ flight_reference: "", flight_date: "", sensor: "OPBP", configuration: "INT1V", focal_length_mm: 152, records: [] }, null, 1));
    const bar = h("progress", { max: 100, value: uploaded ? 100 : 0, "data-testid": "upload-progress" });
    const note = h("div", { class: "status", "aria-live": "polite" });
    if (uploaded) status(note, "ok", `Uploaded ${uploaded.sha256.slice(0, 16)}…, ledger entry ${uploaded.ledger_index}.`);
    const form = h(
      "form",
      { class: "card upload" },
      h("h2", {}, "Upload this flight's data (original)"),
      field("Data file", file),
      field("Annex B annotation (JSON)", annotation, "The flight reference, date, sensor, configuration and records (Ann. B App.1)."),
      h("button", { type: "submit", class: "primary" }, "Upload and sign"),
      bar,
      note,
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      fill($("custody-error"));
      const chosen = file.files[0];
      if (!chosen || !key?.registered) {
        status(note, "error", !chosen ? "Choose a file." : "Register this browser's key first.");
        return;
      }
      try {
        const ann = JSON.parse(annotation.value);
        const bytes = new Uint8Array(await chosen.arrayBuffer()); // WebCrypto hashes whole buffers
        const digest = hex(await sha256(bytes));
        const details = { observing_party: doc.observing_party, observed_party: doc.observed_party, original_set: 1, size: bytes.length };
        const signed = await signEvent(key, event("ingest", me, digest, String(ann.flight_reference || "").slice(0, 6), details));
        await new Promise((resolve, reject) => {
          const xhr = new XMLHttpRequest();
          xhr.open("POST", `/api/flights/${encodeURIComponent(doc.flight)}/data`);
          xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
          xhr.setRequestHeader("X-Annotation", b64url(JSON.stringify(ann)));
          xhr.setRequestHeader("X-Custody-Event", eventHeader([signed]));
          xhr.upload.onprogress = (p) => {
            if (p.lengthComputable) bar.value = Math.round((100 * p.loaded) / p.total);
          };
          xhr.onload = () => {
            if (xhr.status < 300) resolve((uploaded = JSON.parse(xhr.responseText)));
            else {
              let problem = {};
              try {
                problem = JSON.parse(xhr.responseText);
              } catch {
                /* keep the status */
              }
              reject(new ApiError(xhr.status, problem));
            }
          };
          xhr.onerror = () => reject(new Error("the upload failed"));
          xhr.send(chosen);
        });
        bar.value = 100;
        openFlight(doc.flight);
      } catch (error) {
        showError(error);
      }
    });
    return form;
  }

  function objectCard(doc, o) {
    const a = o.annotation || {};
    const holders = o.holders.map((x) => `${x.party} (${x.role}, since ${fmtUtc(x.since)})`);
    const mine = o.holders.some((x) => x.party === me);
    const card = h(
      "article",
      { class: "card custody-object", "data-sha256": o.sha256 },
      h("h2", {}, `${a.flight_reference || "—"} · ${a.sensor || ""} ${a.configuration || ""}`),
      h("p", { class: "small" }, "SHA-256 ", h("code", { "data-testid": "object-sha256" }, o.sha256), ` · ${o.size.toLocaleString("en-GB")} bytes · taken into custody ${fmtUtc(o.created_at)}`),
      h("p", {}, `Flight date ${a.flight_date || "—"}`, a.focal_length_mm ? ` · focal length ${a.focal_length_mm} mm` : "", ` · ${(a.records || []).length} annotated record(s)`),
      h("p", { "data-testid": "holders" }, "Held by: ", holders.join("; ")),
      recordsTable(a.records || []),
      requestsList(doc, o),
      eventsList(o),
    );
    const actions = h("div", { class: "actions" });
    if (doc.observing_party === me && !o.holders.some((x) => x.role === "duplicate" && x.party === doc.observed_party)) {
      actions.append(actionButton("Deliver the observed Party's duplicate", () => deliver(o, null)));
    }
    if (mine) actions.append(actionButton("Download", () => download(o)));
    if (doc.observing_party !== me && doc.observed_party !== me && !mine) actions.append(requestForm(o));
    card.append(actions);
    return card;
  }

  function actionButton(label, run) {
    const button = h("button", { type: "button" }, label);
    button.addEventListener("click", async () => {
      fill($("custody-error"));
      button.disabled = true;
      try {
        await run();
      } catch (error) {
        showError(error);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  function recordsTable(records) {
    if (!records.length) return null;
    const cols = ["time", "hagl", "position", "magazine", "frame"];
    return h(
      "table",
      { class: "records" },
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, records.map((r) => h("tr", {}, cols.map((c) => h("td", {}, r[c] === undefined ? "" : String(r[c])))))),
    );
  }

  function requestsList(doc, o) {
    if (!o.requests.length) return null;
    return h(
      "div",
      { class: "requests" },
      h("h3", {}, "Copy requests (Art. IX §IV ¶1)"),
      h(
        "ul",
        {},
        o.requests.map((r) => {
          const findings = (r.decision?.findings || []).map((f) => h("li", {}, `${f.message} (${f.citation})`));
          const item = h("li", { "data-testid": "copy-request" }, `#${r.id} by ${r.requester}, ${fmtUtc(r.requested_at)}: `, h("strong", {}, r.state), findings.length ? h("ul", {}, findings) : null);
          if (r.state === "requested" && doc.observing_party === me) item.append(" ", actionButton("Deliver", () => deliver(o, r)));
          return item;
        }),
      ),
    );
  }

  function eventsList(o) {
    const shown = o.events.filter((e) => e.kind === "delivered" || e.kind === "downloaded");
    if (!shown.length) return null;
    return h(
      "div",
      { class: "events" },
      h("h3", {}, "Deliveries and downloads (ledger)"),
      h(
        "ul",
        {},
        shown.map((e) => {
          const out = h("span", { class: "status", "aria-live": "polite" });
          const who = e.kind === "delivered" ? `delivered to ${e.details.recipient} by ${e.actor}` : `downloaded by ${e.actor}`;
          const item = h("li", { "data-testid": e.kind }, `entry ${e.ledger_index}: ${who}, ${fmtUtc(e.at)} `);
          if (e.kind === "delivered") {
            item.append(actionButton("Verify in this browser", () => verifyHere(e.ledger_index, { kind: "delivered", sha256: o.sha256, recipient: e.details.recipient }, out)));
          }
          item.append(" ", out);
          return item;
        }),
      ),
    );
  }

  function requestForm(o) {
    const a = o.annotation || {};
    const start = h("input", { name: "start", value: `${a.flight_date || ""}T00:00Z` });
    const end = h("input", { name: "end", value: `${a.flight_date || ""}T23:59Z` });
    const medium = h("select", { name: "duplicate_medium" }, ["positive_film", "negative_film", "magnetic_tape", "digital"].map((m) => h("option", { value: m }, m.replace("_", " "))));
    const form = h("form", { class: "request" }, h("h3", {}, "Request duplicates (Art. IX §IV ¶1)"), field("Portion start (UTC)", start), field("Portion end (UTC)", end), field("Duplicate medium", medium), h("button", { type: "submit" }, "Request and sign"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      fill($("custody-error"));
      try {
        const request = { observing_party: o.observing_party, observed_party: o.observed_party, flight_date: a.flight_date, sensor: a.sensor, duplicate_medium: medium.value, portions: [{ start: start.value, end: end.value }] };
        const digest = hex(await sha256(utf8.encode(canonical({ ...request, requesting_party: me }))));
        const signed = await signEvent(key, event("requested", me, o.sha256, o.flight_reference, { request_sha256: digest }));
        await signedCall(`/api/data/${o.sha256}/requests`, "POST", [signed], request);
        openFlight(current);
      } catch (error) {
        showError(error);
      }
    });
    return form;
  }

  async function deliver(o, request) {
    const query = request ? `?request_id=${request.id}` : "";
    const prepared = await call(`/api/data/${o.sha256}/deliveries/prepare${query}`, { method: "POST" });
    if (prepared.state === "refused") {
      openFlight(current);
      return;
    }
    const signed = [];
    for (const d of prepared.deliveries) {
      if (request && d.recipient !== request.requester) throw new Error("the prepared delivery is not to the requester");
      const details = { recipient: d.recipient, citation: d.citation, request_id: d.request_id, fingerprint: d.fingerprint };
      signed.push(await signEvent(key, event("delivered", me, o.sha256, prepared.flight_reference, details)));
    }
    const path = request ? `/api/data/requests/${request.id}/deliver` : `/api/data/${o.sha256}/deliver-duplicate`;
    await signedCall(path, "POST", signed);
    openFlight(current);
  }

  async function download(o) {
    const info = await call(`/api/data/${o.sha256}/info`);
    const details = info.copy_sha256 ? { copy_sha256: info.copy_sha256 } : {};
    const signed = await signEvent(key, event("downloaded", me, o.sha256, info.flight_reference, details));
    const response = await signedCall(`/api/data/${o.sha256}`, "GET", [signed]);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const expected = info.copy_sha256 || o.sha256;
    if (hex(await sha256(bytes)) !== expected) throw new Error("the downloaded bytes do not match their SHA-256");
    const link = h("a", { href: URL.createObjectURL(new Blob([bytes])), download: `${o.sha256.slice(0, 12)}.bin` });
    link.click();
    openFlight(current);
  }

  // The flight chooser.
  async function renderFlights() {
    const select = $("custody-flight");
    try {
      const flights = await apiAll("/api/flights");
      fill(select, h("option", { value: "" }, "Choose a flight…"), flights.map((f) => h("option", { value: f.id }, `${f.observing_party} over ${f.observed_party} · ${f.state} · ${f.id}`)));
    } catch (error) {
      showError(error);
    }
  }

  $("custody-flight").addEventListener("change", (e) => e.target.value && openFlight(e.target.value));
  $("custody-open").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = $("custody-flight-id").value.trim();
    if (id) openFlight(id);
  });

  renderKey();
  renderFlights();
  renderLedger();
  return {
    shown() {
      if (current) openFlight(current);
      else renderLedger();
    },
  };
}
