// The window's Run changed of an edited graph against its full run (issue 15's target, in the
// window: scripts/bench-ui-changed.sh runs it). Chromium through playwright-core against a
// running dev-tag backend at BENCH_BASE_URL whose home holds BENCH_WORKFLOW, a chain of
// math.expr nodes n0 … n{N-1} (chainWorkflow). For each of BENCH_REPEAT passes on a fresh page:
// the middle node's expression is edited as the editor's autosave leaves it (the draft of the
// current version), the workflow opened, and then timed from the click, with the run's own
// times (the backend's clock, the same machine's):
//   changed   the Run menu's Run changed: click → run finished (queued: click → run created)
//   full      Run, then Run in the run form, of the version that run saved: click → finished
// It prints one JSON line per pass and the medians. It records figures; it does not fail on them.
import { chromium } from "playwright-core";
import { call, waitFor } from "../e2e/flows.mjs";

/** chainWorkflow is a workflow file of a chain of n math.expr nodes, laid out 50 a row. */
export function chainWorkflow(n) {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `n${i}`, type: "math.expr", params: { expression: i === 0 ? "1" : "a + 1" }, position: { x: 280 * (i % 50), y: 170 * Math.floor(i / 50) } });
    if (i > 0) edges.push({ source: `n${i - 1}`, sourceHandle: "result", target: `n${i}`, targetHandle: "a" });
  }
  nodes.push({ id: "out", type: "io.output", params: { name: "result" }, position: { x: 280 * 51, y: 0 } });
  edges.push({ source: `n${n - 1}`, sourceHandle: "result", target: "out", targetHandle: "value" });
  return { format: "flowbench.workflow/1", name: `Chain ${n}`, inputs: [], nodes, edges };
}

const baseURL = process.env.BENCH_BASE_URL;
const wf = process.env.BENCH_WORKFLOW;
const repeat = Number(process.env.BENCH_REPEAT || 3);

if (baseURL && wf) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const rows = [];
  try {
    for (let pass = 1; pass <= repeat; pass++) rows.push(await measure(browser, pass));
  } finally {
    await browser.close();
  }
  const median = (k) => {
    const v = rows.map((r) => r[k]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  console.log(JSON.stringify({ median: Object.fromEntries(["changedQueued", "changed", "fullQueued", "full", "percent"].map((k) => [k, median(k)])) }));
}

async function measure(browser, pass) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  try {
    await page.goto(baseURL + "/");
    await page.waitForFunction(() => window.go?.main?.App && window.runtime?.EventsOn, null, { timeout: 30_000 });
    // the edit the editor's autosave leaves: the middle node's expression, giving a value of
    // this pass's own, so every node after it computes what no run has (nothing is cached)
    const d = await call(page, "OpenWorkflow", wf);
    const g = d.current.graph;
    const mid = g.nodes[Math.floor(g.nodes.length / 2)];
    mid.params = { expression: `a + ${Date.now() % 1e9}${pass}` };
    await call(page, "SaveDraft", wf, g, d.current.id);
    await page.evaluate((id) => {
      location.hash = `#/workflow/${encodeURIComponent(id)}`;
    }, wf);
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="far-canvas"]')?.dataset.drawn ?? 0) > 0 && !document.querySelector('[data-testid="canvas-loading"]'),
      null,
      { timeout: 300_000 },
    );
    await page.getByTestId("draft-state").filter({ hasText: "Draft" }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500);

    const before = new Set((await call(page, "ListRuns", wf, 50)).map((r) => r.id));
    await page.getByTestId("run-menu").click();
    const item = page.getByRole("menuitem", { name: /^Run changed/ });
    await item.waitFor();
    const t0 = await page.evaluate(() => Date.now());
    await item.click();
    const changed = await finished(page, before);
    await page.getByTestId("draft-state").filter({ hasText: "Saved as" }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500);

    before.add(changed.id);
    await page.getByTestId("run-button").click();
    const submit = page.getByTestId("run-submit");
    await submit.waitFor();
    const t1 = await page.evaluate(() => Date.now());
    await submit.click();
    const full = await finished(page, before);
    const row = {
      pass,
      changedQueued: Date.parse(changed.created_at) - t0,
      changed: Date.parse(changed.finished_at) - t0,
      changedMode: changed.mode,
      fullQueued: Date.parse(full.created_at) - t1,
      full: Date.parse(full.finished_at) - t1,
      fullMode: full.mode,
    };
    row.percent = Math.round((1000 * row.changed) / row.full) / 10;
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await ctx.close();
  }
}

/** finished waits for the run not in before to complete and returns it. */
async function finished(page, before) {
  return waitFor(
    page,
    async () => {
      const r = (await call(page, "ListRuns", wf, 50)).find((x) => !before.has(x.id));
      if (r && r.status !== "queued" && r.status !== "running") {
        if (r.status !== "completed") throw new Error(`run ${r.id} ${r.status}: ${r.error}`);
        return r;
      }
      return null;
    },
    "the run to finish",
    300_000,
  );
}
