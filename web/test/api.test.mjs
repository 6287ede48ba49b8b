// Node tests of api.js: a paginated list is read to its end by following X-Next-Cursor.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.window = { location: { origin: "http://127.0.0.1:8000" }, dispatchEvent() {} };
globalThis.sessionStorage = { getItem: () => "tok", setItem() {}, removeItem() {} };

const { ApiError, apiAll } = await import("../src/api.js");

function page(items, next) {
  const headers = new Headers({ "content-type": "application/json" });
  if (next) headers.set("X-Next-Cursor", next);
  return new Response(JSON.stringify(items), { status: 200, headers });
}

test("apiAll follows X-Next-Cursor to the last page, asking for the largest page", async () => {
  const asked = [];
  globalThis.fetch = async (url) => {
    asked.push(url.searchParams.get("cursor"));
    assert.equal(url.searchParams.get("limit"), "500");
    assert.equal(url.searchParams.get("box"), "inbox");
    const cursor = url.searchParams.get("cursor");
    if (!cursor) return page([1, 2], "c1");
    if (cursor === "c1") return page([3], "c2");
    return page([4]);
  };
  assert.deepEqual(await apiAll("/api/messages", { query: { box: "inbox" } }), [1, 2, 3, 4]);
  assert.deepEqual(asked, [null, "c1", "c2"]);
});

test("apiAll throws the problem of a refused page", async () => {
  globalThis.fetch = async () =>
    new Response(JSON.stringify({ title: "Bad cursor", detail: "cursor: not a cursor of this list" }), {
      status: 422,
      headers: { "content-type": "application/problem+json" },
    });
  await assert.rejects(apiAll("/api/flights"), (e) => e instanceof ApiError && e.status === 422);
});
