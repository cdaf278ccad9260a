// Helpers shared by the part-2 end-to-end specs: workflows built in the test, opened in the
// editor through the URL, and bound methods called the way the window calls them.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
// Screenshots go to frontend/test-results/ on every run; E2E_DOCS=1 writes them into docs/
// instead (the README links them), so a test run leaves the tracked files alone.
export const docsDir = process.env.E2E_DOCS === "1" ? resolve(here, "..", "..", "docs") : resolve(here, "..", "test-results");

/** call invokes a bound method in the page: call(page, "ListRuns", "", 10). */
export function call(page, method, ...args) {
  return page.evaluate(([m, a]) => window.go.main.App[m](...a), [method, args]);
}

/**
 * choosePaths does for the dev build what choosing files in a file dialog does: bound methods
 * may then read them (they read no path the person did not choose or drop). It resolves once
 * the app has taken them.
 */
export function choosePaths(page, paths) {
  return page.evaluate(
    (paths) =>
      new Promise((resolve) => {
        const token = `${Date.now()}-${Math.random()}`;
        const off = window.runtime.EventsOn("e2e:chosen", (t) => {
          if (t !== token) return;
          if (typeof off === "function") off();
          resolve();
        });
        window.runtime.EventsEmit("e2e:choose", { paths, token });
      }),
    paths,
  );
}

/** dropFiles drops files on the window at a point, as the OS does (dev build). */
export function dropFiles(page, d) {
  return page.evaluate((d) => window.runtime.EventsEmit("e2e:filedrop", d), d);
}

let seq = 0;
/** importWorkflow imports a workflow file (object) under a unique name; returns its id. */
export async function importWorkflow(page, wf) {
  const name = `${wf.name ?? "Test"} ${Date.now().toString(36)}-${++seq}`;
  const r = await call(page, "ImportJSON", JSON.stringify({ format: "flowbench.workflow/1", ...wf, name }), "");
  return r.workflow_id;
}

/** openEditor shows a workflow in the editor and waits for its nodes. */
export async function openEditor(page, workflowId, firstNode) {
  await page.evaluate((id) => {
    location.hash = `#/workflow/${encodeURIComponent(id)}`;
  }, workflowId);
  await page.locator(`[data-testid="node-${firstNode}"]`).waitFor({ state: "visible", timeout: 10_000 });
}

/** node is the canvas node element of an id. */
export function node(page, id) {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

/** status is the status badge text of a node on the canvas ("" when none). */
export async function status(page, id) {
  const badge = node(page, id).locator('[data-testid="node-status"]');
  return (await badge.count()) ? (await badge.first().textContent()).trim() : "";
}

/** waitRun waits until a run has finished and returns its record. */
export async function waitRun(page, runId, timeout = 20_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const r = await call(page, "GetRun", runId);
    if (["completed", "failed", "cancelled", "interrupted"].includes(r.status)) return r;
    if (Date.now() > until) throw new Error(`run ${runId} still ${r.status} after ${timeout} ms`);
    await page.waitForTimeout(100);
  }
}

/** newRun waits for a run of the workflow that is not among known ids (started by a click). */
export async function newRun(page, workflowId, known = [], timeout = 10_000) {
  const seen = new Set(known);
  return waitFor(
    page,
    async () => (await call(page, "ListRuns", workflowId, 20)).find((r) => !seen.has(r.id)),
    "a new run",
    timeout,
  );
}

/** runIds are the ids of a workflow's runs so far. */
export async function runIds(page, workflowId) {
  return (await call(page, "ListRuns", workflowId, 200)).map((r) => r.id);
}

/** waitFor polls fn until it returns a truthy value. */
export async function waitFor(page, fn, what, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) {
      const overlay = await page.getByTestId("queue-overlay").innerText().catch(() => "(no overlay)");
      throw new Error(`timed out waiting for ${what}; the runs overlay said: ${overlay.replace(/\s+/g, " ").slice(0, 300)}`);
    }
    await page.waitForTimeout(50);
  }
}

/** openQueue unfolds the runs overlay (it folds by itself once its runs have ended);
 * all: list every workflow's runs, not only the open one's. */
export async function openQueue(page, all = false) {
  const toggle = page.getByTestId("queue-overlay").locator(".queue-toggle");
  // Open by the user's choice: an overlay open only because runs are going folds by itself
  // when they end (which the page may learn between a look and a click). After one click the
  // state is the user's choice and stays: open it with a second click if the first folded it.
  await toggle.click();
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await page.locator('[data-testid="queue-overlay"] .queue-toggle[aria-expanded="true"]').waitFor();
  const box = page.getByTestId("queue-all");
  if ((await box.count()) && (await box.isChecked()) !== all) await box.setChecked(all);
}

/**
 * showAllDone unfolds the overlay's Done list ("show all") when it is folded, and waits until it
 * is drawn unfolded: the button is a toggle, so a second press before the page redrew would
 * fold it back. The choice outlives new runs landing.
 */
export async function showAllDone(page) {
  const more = page.locator('[data-testid="queue-done"] [data-testid="queue-more"]');
  if (!(await more.count())) return; // no more runs than the list shows
  // (the list may change under these steps: the caller looks again and calls this again)
  if ((await more.getAttribute("aria-expanded", { timeout: 2_000 }).catch(() => "")) !== "false") return;
  await more.click({ timeout: 2_000 }).catch(() => {});
  await page
    .locator('[data-testid="queue-done"] [data-testid="queue-more"][aria-expanded="true"]')
    .waitFor({ timeout: 5_000 })
    .catch(() => {});
}

/** selectNode clicks a node's title so the right panel shows it. */
export async function selectNode(page, id) {
  await node(page, id).locator(".fb-head").click();
}

/** shot saves a screenshot into docsDir, toasts dismissed first. */
export async function shot(page, name) {
  mkdirSync(docsDir, { recursive: true });
  for (const close of await page.locator('[data-testid="toast"] button').all()) await close.click({ timeout: 1_000 }).catch(() => {});
  // the pointer rests on the left rail: no hover toolbar on the canvas
  await page.mouse.move(4, 796);
  await page.waitForTimeout(500);
  const path = resolve(docsDir, name);
  await page.screenshot({ path });
  return path;
}

// ---- a real PNG on disk -----------------------------------------------------------------

function crc32(buf) {
  let c;
  const table = crc32.table ??= Array.from({ length: 256 }, (_, n) => {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** writePNG writes a w×h RGB gradient PNG to path and returns the path. */
export function writePNG(path, w = 64, h = 48) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = Math.round((x / w) * 255);
      raw[o + 1] = Math.round((y / h) * 255);
      raw[o + 2] = 160;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return path;
}

/** abcFlow is a workflow named name of math.expr nodes a (2) → b (bExpr) → c → output. c's
 * expression holds salt (it adds and takes it away) so the workflow's results are its own: the
 * suite shares one data home, and a changed run rightly reuses (cached) what another workflow
 * computed from the same inputs. */
export function abcFlow(name, bExpr, salt) {
  return {
    name,
    nodes: [
      { id: "a", type: "math.expr", params: { expression: "2" }, position: { x: 0, y: 0 } },
      { id: "b", type: "math.expr", params: { expression: bExpr }, position: { x: 260, y: 0 } },
      { id: "c", type: "math.expr", params: { expression: `a + 1 + ${salt} - ${salt}` }, position: { x: 520, y: 0 } },
      { id: "out", type: "io.output", params: { name: "result" }, position: { x: 780, y: 0 } },
    ],
    edges: [
      { source: "a", sourceHandle: "result", target: "b", targetHandle: "a" },
      { source: "b", sourceHandle: "result", target: "c", targetHandle: "a" },
      { source: "c", sourceHandle: "result", target: "out", targetHandle: "value" },
    ],
  };
}

/** chain is a workflow of n nodes in a line (util.delay ms each), for load tests. */
export function chain(n, ms = 5) {
  const nodes = [{ id: "in", type: "flow.inputs", position: { x: 0, y: 0 } }];
  const edges = [];
  let prev = "in";
  let handle = "seed";
  for (let i = 0; i < n; i++) {
    const id = `d${i}`;
    nodes.push({ id, type: "util.delay", params: { ms }, position: { x: 260 * ((i % 20) + 1), y: 140 * Math.floor(i / 20) } });
    edges.push({ source: prev, sourceHandle: handle, target: id, targetHandle: "value" });
    prev = id;
    handle = "value";
  }
  nodes.push({ id: "out", type: "io.output", params: { name: "result" }, position: { x: 260 * 21, y: 0 } });
  edges.push({ source: prev, sourceHandle: "value", target: "out", targetHandle: "value" });
  return {
    name: `Chain ${n}`,
    inputs: [{ name: "seed", type: "integer", description: "", required: false, default: 1 }],
    nodes,
    edges,
  };
}
