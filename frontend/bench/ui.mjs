// The UI benchmark (scripts/bench-ui.sh runs it): Debian's Chromium through playwright-core
// against a running dev-tag backend at BENCH_BASE_URL whose home holds the generated workflows
// named in BENCH_WORKFLOWS ("300=<id>,2000=<id>,..."). For each size it measures, BENCH_REPEAT
// times on a freshly loaded page:
//   open   time from the dashboard navigating to the workflow to its first nodes drawn
//          (a node element laid out and visible, or the far canvas having painted nodes; the
//          time is taken a frame later)
//   all    time to the whole graph drawn (the canvas's progress indicator gone)
//   task   the longest main-thread task (PerformanceObserver "longtask") from the navigation
//          until one second after the whole graph was drawn
//   pan    frame time of 30 drag moves of the canvas (median, p95): each move is sent at the
//          start of a frame and timed to the start of the next one
//   zoom   mean frame time of 10 wheel zoom steps
//   run    (sizes in BENCH_RUN_SIZES) time from the engine's end of a run (its finished_at)
//          to every node on the canvas showing "done" (DOM nodes' class, or the far canvas's
//          count of the nodes it painted done)
// Then (unless BENCH_CONCURRENT=0) the check that was e2e/perf.spec.mjs: 10 concurrent runs of
// a 200-node chain started with Run ×N, and the longest main-thread task from the click until
// the last one completes (the page only listens meanwhile).
// It prints one JSON line per measurement and a table of best / median at the end. It records
// figures; it does not fail on them.
import { chromium } from "playwright-core";
import { call, chain, importWorkflow, node, openEditor, waitFor } from "../e2e/flows.mjs";

const baseURL = (process.env.BENCH_BASE_URL || "http://127.0.0.1:34115").replace(/\/$/, "");
const repeat = Number(process.env.BENCH_REPEAT || 3);
const runSizes = new Set((process.env.BENCH_RUN_SIZES || "300,2000").split(",").filter(Boolean));
const workflows = (process.env.BENCH_WORKFLOWS || "")
  .split(",")
  .filter(Boolean)
  .map((kv) => {
    const [size, id] = kv.split("=");
    return { size, id };
  });
if (!workflows.length) {
  console.error("bench-ui: BENCH_WORKFLOWS is empty");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function freshPage() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(baseURL + "/");
  await page.waitForFunction(() => window.go?.main?.App && window.runtime?.EventsOn, null, { timeout: 30_000 });
  await page.waitForSelector(".app-title", { timeout: 30_000 });
  await page.waitForTimeout(500);
  return { ctx, page };
}

/** open navigates to the workflow and measures time to first nodes drawn and long tasks. */
function measureOpen(page, id) {
  return page.evaluate(
    (id) =>
      new Promise((done, fail) => {
        const long = [];
        const obs = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) long.push(e.duration);
        });
        obs.observe({ type: "longtask", buffered: false });
        const t0 = performance.now();
        const limit = setTimeout(() => fail(new Error("the graph was not drawn within 300 s")), 300_000);
        location.hash = `#/workflow/${encodeURIComponent(id)}`;
        const drawn = () => {
          // a large graph fitted is drawn on one canvas element, which counts what it painted
          if (Number(document.querySelector('[data-testid="far-canvas"][data-mode="far"]')?.dataset.drawn) > 0) return true;
          for (const n of document.querySelectorAll(".react-flow__node")) {
            if (n.offsetWidth > 0 && getComputedStyle(n).visibility !== "hidden") return true;
          }
          return false;
        };
        let first = 0;
        const poll = () => {
          if (!first && drawn()) first = performance.now() - t0;
          // the whole graph drawn: the canvas's progress indicator is gone
          if (!first || document.querySelector('[data-testid="canvas-loading"]')) return requestAnimationFrame(poll);
          // one more frame: the one with the nodes has been painted
          requestAnimationFrame(() => {
            const all = performance.now() - t0;
            clearTimeout(limit);
            setTimeout(() => {
              obs.disconnect();
              done({
                open: Math.round(first),
                all: Math.round(all),
                task: Math.round(long.reduce((a, b) => Math.max(a, b), 0)),
                nodesInDom: document.querySelectorAll(".react-flow__node").length,
                nodesOnCanvas: Number(document.querySelector('[data-testid="far-canvas"][data-mode="far"]')?.dataset.drawn ?? 0),
              });
            }, 1000);
          });
        };
        requestAnimationFrame(poll);
      }),
    id,
  );
}

/** frames sends `count` synthetic events (built by make(i)) to the canvas, one at the start of
 * each frame, and returns each frame's duration (start of the frame to start of the next). */
function measureFrames(page, kind, count) {
  return page.evaluate(
    ([kind, count]) =>
      new Promise((done) => {
        const pane = document.querySelector(".react-flow__pane");
        const r = pane.getBoundingClientRect();
        const cx = r.left + r.width / 2;
        const cy = r.top + r.height / 2;
        const opts = (x, y, extra) => ({ bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, ...extra });
        const times = [];
        let i = 0;
        let last = 0;
        if (kind === "pan") pane.dispatchEvent(new MouseEvent("mousedown", opts(cx, cy, { button: 0, buttons: 1 })));
        const step = (t) => {
          if (last) times.push(t - last);
          last = t;
          if (i === count) {
            if (kind === "pan") window.dispatchEvent(new MouseEvent("mouseup", opts(cx, cy, { button: 0 })));
            done(times);
            return;
          }
          i++;
          if (kind === "pan") {
            // a back-and-forth drag, 12 px a move
            const dx = (i <= count / 2 ? i : count - i) * 12;
            window.dispatchEvent(new MouseEvent("mousemove", opts(cx + dx, cy + dx / 2, { button: 0, buttons: 1 })));
          } else {
            pane.dispatchEvent(new WheelEvent("wheel", opts(cx, cy, { deltaY: i <= count / 2 ? 120 : -120, deltaMode: 0 })));
          }
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    [kind, count],
  );
}

/** measureRun starts a run of the open workflow as the Run button does and returns the time
 * from the engine's end of it to every node on the canvas showing done. */
async function measureRun(page, id) {
  return page.evaluate(
    (id) =>
      new Promise((done, fail) => {
        const limit = setTimeout(() => fail(new Error("the canvas did not show the run done within 120 s")), 120_000);
        let runId = "";
        let endSeen = 0;
        const allDone = () => {
          // the far canvas counts the nodes it painted and those it painted done
          const far = document.querySelector('[data-testid="far-canvas"][data-mode="far"]');
          if (far) return Number(far.dataset.drawn) > 0 && far.dataset.done === far.dataset.drawn;
          const ns = document.querySelectorAll(".react-flow__node .fb-node");
          if (!ns.length) return false;
          for (const n of ns) if (!n.classList.contains("st-executed")) return false;
          return true;
        };
        const poll = () => {
          if (endSeen && allDone()) {
            requestAnimationFrame(async () => {
              const shown = Date.now();
              clearTimeout(limit);
              const info = await window.go.main.App.GetRun(runId);
              const end = Date.parse(info.finished_at);
              const start = Date.parse(info.started_at);
              done({ run: shown - end, engine: end - start, eventLag: endSeen - end, status: info.status });
            });
            return;
          }
          requestAnimationFrame(poll);
        };
        // engine events come as one list per message ("events", bridge.go)
        window.runtime.EventsOn("events", (list) => {
          for (const e of list) {
            if (e.type === "run" && e.run_id && e.run_id === runId && ["completed", "failed", "cancelled"].includes(e.status) && !endSeen) endSeen = Date.now();
          }
        });
        window.go.main.App.OpenWorkflow(id)
          .then((d) => window.go.main.App.StartRun({ workflow_id: id, version_id: "", graph: d.draft ?? d.current.graph, inputs: {}, from: "" }))
          .then((info) => {
            runId = info.id;
            requestAnimationFrame(poll);
          }, fail);
      }),
    id,
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] : NaN;
}

const results = {};
for (const { size, id } of workflows) {
  const rows = [];
  for (let k = 0; k < repeat; k++) {
    const { ctx, page } = await freshPage();
    try {
      const o = await measureOpen(page, id);
      await page.waitForTimeout(500);
      const pan = await measureFrames(page, "pan", 30);
      await page.waitForTimeout(300);
      const zoom = await measureFrames(page, "zoom", 10);
      const row = { size, ...o, panMedian: Math.round(median(pan)), panP95: Math.round(p95(pan)), zoomStep: Math.round(zoom.reduce((a, b) => a + b, 0) / zoom.length) };
      if (runSizes.has(size)) {
        // back to the fitted view, so the canvas shows the nodes the run touches
        await page.keyboard.press("Escape");
        const r = await measureRun(page, id);
        Object.assign(row, { run: r.run, engineMs: r.engine, status: r.status });
      }
      console.log(JSON.stringify(row));
      rows.push(row);
    } catch (e) {
      console.log(JSON.stringify({ size, error: String(e) }));
    } finally {
      await ctx.close();
    }
  }
  results[size] = rows;
}

/** concurrent is the former e2e perf check, as a measurement: 10 runs of a 200-node chain at
 * once, started from the Run ×N dialog; the page records long tasks until all complete. */
async function concurrent(page, RUNS = 10) {
  const wf = await importWorkflow(page, chain(200, 5));
  await openEditor(page, wf, "d0");
  await page.waitForTimeout(1500); // first render and the current-generation fetches settle
  await page.getByTestId("run-many-open").click();
  const dlg = page.getByTestId("run-many");
  await dlg.locator('input[name="rm-mode"]').first().check();
  await dlg.locator("#rm-count").fill(String(RUNS));
  const finished = page.evaluate(
    ([id, want]) =>
      new Promise((resolveAll) => {
        const long = [];
        const t0 = performance.now();
        const obs = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) long.push(Math.round(e.duration));
        });
        obs.observe({ type: "longtask", buffered: false });
        const running = new Set();
        const done = new Set();
        let most = 0;
        const off = window.runtime.EventsOn("events", (list) => list.filter((e) => e.type === "run").forEach(onRun));
        function onRun(e) {
          if (e.workflow_id !== id) return;
          if (e.status === "running") running.add(e.run_id);
          if (["completed", "failed", "cancelled"].includes(e.status)) {
            running.delete(e.run_id);
            done.add(e.run_id);
          }
          most = Math.max(most, running.size);
          if (done.size === want) {
            off();
            setTimeout(() => {
              obs.disconnect();
              resolveAll({ long, most, ms: Math.round(performance.now() - t0) });
            }, 500);
          }
        }
      }),
    [wf, RUNS],
  );
  await dlg.getByTestId("run-many-submit").click();
  const m = await finished;
  // done on the canvas: the badge drawn in full, or the status colour of a far node
  await waitFor(page, async () => /\bst-executed\b/.test((await node(page, "d199").locator(".fb-node").getAttribute("class")) ?? ""), "last node done on canvas", 60_000);
  const runs = (await call(page, "ListRuns", wf, 20)).filter((r) => r.mode === "full");
  return {
    runs: RUNS,
    completed: runs.filter((r) => r.status === "completed").length,
    mostAtOnce: m.most,
    seconds: m.ms / 1000,
    longTasks: m.long.length,
    maxLongTaskMs: m.long.reduce((a, b) => Math.max(a, b), 0),
  };
}

const conc = [];
if (process.env.BENCH_CONCURRENT !== "0") {
  for (let k = 0; k < repeat; k++) {
    const { ctx, page } = await freshPage();
    try {
      const cap = await call(page, "GetRunCap");
      await call(page, "SetRunCap", 10);
      try {
        const r = await concurrent(page);
        console.log(JSON.stringify({ concurrent: r }));
        conc.push(r);
      } finally {
        await call(page, "SetRunCap", cap);
      }
    } catch (e) {
      console.log(JSON.stringify({ concurrent: { error: String(e) } }));
    } finally {
      await ctx.close();
    }
  }
}
await browser.close();

const cols = [
  ["open", "open to first nodes drawn (ms)"],
  ["all", "open to the whole graph drawn (ms)"],
  ["task", "longest task while opening (ms)"],
  ["panMedian", "pan frame median (ms)"],
  ["panP95", "pan frame p95 (ms)"],
  ["zoomStep", "zoom step (ms)"],
  ["run", "run end → canvas (ms)"],
  ["nodesInDom", "nodes in the DOM after open"],
  ["nodesOnCanvas", "nodes on the far canvas after open"],
];
console.log("");
console.log(`| measure (best / median of ${repeat}) | ${workflows.map((w) => `${w.size} nodes`).join(" | ")} |`);
console.log(`| --- | ${workflows.map(() => "---").join(" | ")} |`);
for (const [key, label] of cols) {
  const cells = workflows.map(({ size }) => {
    const xs = (results[size] ?? []).map((r) => r[key]).filter((v) => typeof v === "number");
    if (!xs.length) return "–";
    return `${Math.min(...xs)} / ${median(xs)}`;
  });
  console.log(`| ${label} | ${cells.join(" | ")} |`);
}
if (conc.length) {
  const xs = conc.map((c) => c.maxLongTaskMs);
  console.log("");
  console.log(`10 concurrent runs of a 200-node chain: longest task best ${Math.min(...xs)} ms / median ${median(xs)} ms (${xs.join(", ")})`);
}
