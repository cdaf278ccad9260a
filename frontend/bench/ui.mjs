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
//   edit   (2,000 nodes, first page only, unless BENCH_EDIT=0; measureEdit) at fit view on the far canvas: a
//          Shift-drag box over ten rows of 50 (500 nodes), Ctrl+C, Ctrl+V (2,500 drawn), Ctrl+Z
//          (2,000 drawn), auto-layout L (laid out and fitted), Ctrl+A, and zoomed in a drag of
//          a node with all selected, Ctrl+Z of that drag, and a connection drawn from one
//          node's output handle to another's input: each step's time to its result drawn and
//          longest task
// Then (unless BENCH_CONCURRENT=0) the check that was e2e/perf.spec.mjs: 10 concurrent runs of
// a 200-node chain started with Run ×N, and the longest main-thread task from the click until
// the last one completes (the page only listens meanwhile).
// It prints one JSON line per measurement and a table of best / median at the end. It records
// figures; it does not fail on them.
import { chromium } from "playwright-core";
import { call, chain, importWorkflow, node, openEditor, waitFor } from "../e2e/flows.mjs";

const baseURL = (process.env.BENCH_BASE_URL || "http://127.0.0.1:34115").replace(/\/$/, "");
const repeat = Number(process.env.BENCH_REPEAT || 3);
// BENCH_EDIT=0 leaves out the edit measurement of the 2,000-node workflow (measureEdit)
const editOn = process.env.BENCH_EDIT !== "0";
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


/** measureEdit edits the fitted 2,000-node workflow (on the far canvas) as a user does and
 * times each step from the key or mouse press to its result drawn, with the longest
 * main-thread task meanwhile: a Shift-drag box over ten rows of 50 (500 nodes), copy, paste
 * (2,500 nodes drawn), undo (2,000 drawn), auto-layout L (laid out in a row and fitted), then
 * undo + F, select all (Ctrl+A), zoom in and drag a node with all selected, undo that drag,
 * and connect two nodes drawn in full. */
async function measureEdit(page, out) {
  await page.evaluate(() => {
    window.__benchLong = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLong.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: false });
  });
  const step = async (name, act, cond, arg) => {
    out.editStep = name;
    const t0 = await page.evaluate(() => performance.now());
    await act();
    const t1 = await (await page.waitForFunction(cond, arg, { polling: "raf", timeout: Number(process.env.BENCH_EDIT_TIMEOUT || 120_000) })).jsonValue();
    await page.waitForTimeout(300); // long-task entries are reported a little later
    const task = await page.evaluate(([t0, t1]) => window.__benchLong.filter(([s, d]) => s < t1 && s + d > t0).reduce((m, [, d]) => Math.max(m, d), 0), [t0, t1]);
    out[name] = Math.round(t1 - t0);
    out[name + "Task"] = Math.round(task);
  };
  // done conditions, run in the page each frame: they return the time, or a falsy value
  const drawnIs = (n) => {
    const far = document.querySelector('[data-testid="far-canvas"][data-mode="far"]');
    return Number(far?.dataset.drawn) === n && new RegExp(`\\b${n} nodes · `).test(document.querySelector(".inspector")?.innerText ?? "") && performance.now();
  };
  const screenAt = (p) =>
    page.evaluate((p) => {
      const pane = document.querySelector(".react-flow__pane").getBoundingClientRect();
      const m = new DOMMatrix(getComputedStyle(document.querySelector(".react-flow__viewport")).transform);
      return { x: pane.left + m.e + p.x * m.a, y: pane.top + m.f + p.y * m.a };
    }, p);
  // the view settled (fit view animates)
  const transform = () => page.evaluate(() => getComputedStyle(document.querySelector(".react-flow__viewport")).transform);
  for (let last = ""; ; ) {
    const t = await transform();
    if (t === last) break;
    last = t;
    await page.waitForTimeout(300);
  }
  // the generated grid (bench/gen.mjs): d(i) at 280·(i%50+1), 170·⌊i/50⌋; rows 0–9 are d0–d499
  const a = await screenAt({ x: 280 - 20, y: -20 });
  const b = await screenAt({ x: 280 * 50 + 240, y: 170 * 9 + 140 });
  await step(
    "select",
    async () => {
      await page.keyboard.down("Shift");
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
      await page.mouse.move(b.x, b.y, { steps: 4 });
      await page.mouse.up();
      await page.keyboard.up("Shift");
    },
    // (the count grows with the box: wait for the whole box's)
    () => /\b500 nodes selected\./.test(document.querySelector(".inspector")?.innerText ?? "") && performance.now(),
  );
  out.selected = Number(/(\d+) nodes selected\./.exec(await page.locator(".inspector").innerText())?.[1] ?? 0);
  const n = out.selected;
  await step("copy", () => page.keyboard.press("Control+c"), () => /Copied \d+ nodes/.test(document.body.innerText) && performance.now());
  await step("paste", () => page.keyboard.press("Control+v"), drawnIs, 2000 + n);
  await step("undo", () => page.keyboard.press("Control+z"), drawnIs, 2000);
  await step(
    "layout",
    () => page.keyboard.press("l"),
    () =>
      new DOMMatrix(getComputedStyle(document.querySelector(".react-flow__viewport")).transform).a < 0.01 &&
      Number(document.querySelector('[data-testid="far-canvas"][data-mode="far"]')?.dataset.drawn) === 2000 &&
      performance.now(),
  );
  await page.keyboard.press("Control+z");
  await page.keyboard.press("f");
  await page.waitForFunction(() => new DOMMatrix(getComputedStyle(document.querySelector(".react-flow__viewport")).transform).a > 0.02, null, { timeout: 120_000 });
  await step("selectAll", () => page.keyboard.press("Control+a"), () => /\b2000 nodes selected\./.test(document.querySelector(".inspector")?.innerText ?? "") && performance.now());
  // zoomed in (as e2e/scale.spec.mjs), a node drawn in full dragged by 100,60 with all selected
  for (let i = 0; i < 20; i++) await page.locator(".react-flow__controls-zoomin").click();
  await page.waitForFunction(() => document.querySelector(".react-flow__node .fb-head"), null, { timeout: 120_000 });
  await page.waitForTimeout(500);
  // the node nearest the middle of the pane
  const id = await page.evaluate(() => {
    const r = document.querySelector(".react-flow__pane").getBoundingClientRect();
    const d = (el) => {
      const b = el.getBoundingClientRect();
      return Math.hypot(b.x + b.width / 2 - (r.left + r.width / 2), b.y + b.height / 2 - (r.top + r.height / 2));
    };
    return [...document.querySelectorAll(".react-flow__node .fb-head")].sort((x, y) => d(x) - d(y))[0].closest(".react-flow__node").dataset.id;
  });
  const head = page.locator(`.react-flow__node[data-id="${id}"] .fb-head`);
  const box = await head.boundingBox();
  await step(
    "drag",
    async () => {
      await page.mouse.move(box.x + 40, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + 140, box.y + box.height / 2 + 60, { steps: 6 });
      await page.mouse.up();
    },
    ([id, x0]) => {
      const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"] .fb-head`);
      return el && el.getBoundingClientRect().x - x0 > 60 && performance.now();
    },
    [id, box.x],
  );
  // one Ctrl+Z puts every node back (the drag is one undo step): the selection is cleared and
  // the dragged node is back where it was
  await step(
    "undoDrag",
    () => page.keyboard.press("Control+z"),
    ([id, x0]) => {
      const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"] .fb-head`);
      return el && Math.abs(el.getBoundingClientRect().x - x0) < 2 && !/\bnodes selected\./.test(document.querySelector(".inspector")?.innerText ?? "") && performance.now();
    },
    [id, box.x],
  );
  // connect, zoomed in: from the output of a node drawn in full to the input of a node further
  // down the chain also on screen (two to its right, or in the row below; the chain's edge
  // into that input is replaced)
  const pair = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane").getBoundingClientRect();
    const inPane = (el) => {
      const b = el?.getBoundingClientRect();
      return b && b.left > pane.left && b.right < pane.right && b.top > pane.top && b.bottom < pane.bottom;
    };
    for (const el of document.querySelectorAll(".react-flow__node")) {
      const m = /^d(\d+)$/.exec(el.dataset.id);
      if (!m || !inPane(document.querySelector(`[data-testid="handle-out-${el.dataset.id}-value"]`))) continue;
      const k = Number(m[1]);
      for (const to of [k + 2, k + 50, k + 51, k + 49, k + 52]) {
        if (to < 1998 && inPane(document.querySelector(`[data-testid="handle-in-d${to}-value"]`))) return [el.dataset.id, `d${to}`];
      }
    }
    return null;
  });
  if (!pair) throw new Error("no two nodes drawn in full to connect");
  const [src, dst] = pair;
  const ha = await page.getByTestId(`handle-out-${src}-value`).boundingBox();
  const hb = await page.getByTestId(`handle-in-${dst}-value`).boundingBox();
  out.connected = `${src}→${dst}`;
  await step(
    "connect",
    async () => {
      await page.mouse.move(ha.x + ha.width / 2, ha.y + ha.height / 2);
      await page.mouse.down();
      await page.mouse.move((ha.x + hb.x) / 2 + 10, (ha.y + hb.y) / 2 + 10, { steps: 6 });
      await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2, { steps: 6 });
      await page.mouse.up();
    },
    (key) => document.querySelector(`.react-flow__edge[data-id="${CSS.escape(key)}"]`) && performance.now(),
    `${src}:value->${dst}:value`,
  );
  // the grid back for the next page (it opens the autosaved draft): undo the connection,
  // then saved (as the draft, or back at the version: "Saved as")
  out.editStep = "undo connect";
  await page.keyboard.press("Control+z");
  await page.waitForFunction(
    (key) => !document.querySelector(`.react-flow__edge[data-id="${CSS.escape(key)}"]`),
    `${src}:value->${dst}:value`,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(300);
  await page.waitForFunction(() => /· autosaved|Saved as/.test(document.querySelector('[data-testid="draft-state"]')?.innerText ?? ""), null, { timeout: 60_000 });
  delete out.editStep;
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
      // on the first page only: the next ones open the draft it left (see measureEdit's drag)
      if (editOn && size === "2000" && k === 0) {
        // back to the fitted view, drawn on the far canvas
        try {
          row.editStep = "fit";
          await page.keyboard.press("f");
          await page.waitForFunction(() => Number(document.querySelector('[data-testid="far-canvas"][data-mode="far"]')?.dataset.drawn) === 2000, null, { timeout: 120_000 });
          await page.waitForTimeout(500);
          await measureEdit(page, row);
        } catch (e) {
          row.editError = `${row.editStep}: ${String(e).split("\n")[0]}`;
          if (process.env.BENCH_EDIT_SHOT) await page.screenshot({ path: process.env.BENCH_EDIT_SHOT });
        }
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
  ["selected", "edit: nodes selected by the box (ten rows of 50)"],
  ["select", "edit: Shift-drag box select → inspector (ms)"],
  ["selectTask", "edit: longest task, box select (ms)"],
  ["copy", "edit: Ctrl+C → copied (ms)"],
  ["copyTask", "edit: longest task, copy (ms)"],
  ["paste", "edit: Ctrl+V → 2,500 nodes drawn (ms)"],
  ["pasteTask", "edit: longest task, paste (ms)"],
  ["undo", "edit: Ctrl+Z → 2,000 nodes drawn (ms)"],
  ["undoTask", "edit: longest task, undo (ms)"],
  ["layout", "edit: auto-layout L → laid out and fitted (ms)"],
  ["layoutTask", "edit: longest task, auto-layout (ms)"],
  ["selectAll", "edit: Ctrl+A → 2,000 selected (ms)"],
  ["selectAllTask", "edit: longest task, select all (ms)"],
  ["drag", "edit: drag zoomed in, all selected (ms)"],
  ["dragTask", "edit: longest task, drag (ms)"],
  ["undoDrag", "edit: Ctrl+Z of the drag → every node back (ms)"],
  ["undoDragTask", "edit: longest task, undo of the drag (ms)"],
  ["connect", "edit: connect two handles zoomed in → edge drawn (ms)"],
  ["connectTask", "edit: longest task, connect (ms)"],
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
