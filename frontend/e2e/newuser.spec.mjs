// The window as a new user finds it (issue 11, items 18–21): the runs overlay keeps to the
// open workflow and out of the way, examples open readable and tidy, nodes land where they
// are dropped, the run form remembers, small texts read right.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call, importWorkflow, openEditor, shot, waitFor, waitRun } from "./flows.mjs";

/** flowbench runs the app's binary as a command against the app's home (a terminal beside it). */
async function flowbench(...args) {
  const { stdout } = await promisify(execFile)(process.env.E2E_BIN, [...args, "--home", process.env.E2E_HOME], {
    env: { ...process.env, DISPLAY: "" },
    timeout: 20_000,
  });
  return stdout;
}

/** formValues opens the run form and reads its text fields; the form is left open. */
async function formValues(page) {
  await page.getByTestId("run-button").click();
  const form = page.getByTestId("run-form");
  await form.waitFor();
  await page.waitForTimeout(400); // the form asks the backend for the last run's inputs
  return { n: await page.locator("#run-input-n").inputValue(), word: await page.locator("#run-input-word").inputValue() };
}

async function closeForm(page) {
  await page.getByTestId("run-form").getByRole("button", { name: "Cancel" }).click();
  await page.getByTestId("run-form").waitFor({ state: "detached" });
}

const slow = (ms) => ({
  name: "Slow",
  inputs: [{ name: "n", type: "integer", description: "", required: false, default: 1 }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "wait", type: "util.delay", params: { ms }, position: { x: 280, y: 0 } },
  ],
  edges: [{ source: "in", sourceHandle: "n", target: "wait", targetHandle: "value" }],
});

/** zoom is the canvas's zoom. */
function zoom(page) {
  return page.locator(".react-flow__viewport").evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
}

/** overlaps lists pairs of canvas nodes whose boxes overlap. */
async function overlaps(page) {
  const boxes = await page.locator(".react-flow__node").evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.id, x: r.x, y: r.y, w: r.width, h: r.height };
    }),
  );
  const out = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      // (a loop group's frame holds its children: one box inside the other is not an overlap)
      const inside = (p, q) => q.x >= p.x && q.y >= p.y && q.x + q.w <= p.x + p.w && q.y + q.h <= p.y + p.h;
      if (inside(a, b) || inside(b, a)) continue;
      if (a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1) out.push(`${a.id}/${b.id}`);
    }
  return out;
}

export const tests = [
  {
    name: "the runs overlay lists this workflow's runs, opens while they go, folds after, stays small",
    timeout: 45_000,
    fn: async (page, { assert }) => {
      // another workflow's finished run
      const other = await importWorkflow(page, slow(10));
      const done = await call(page, "StartRun", { workflow_id: other, version_id: "", inputs: {}, from: "" });
      await waitRun(page, done.id);
      // an empty workflow: no overlay over its canvas
      const empty = await importWorkflow(page, { name: "Empty", nodes: [], edges: [] });
      await page.evaluate((id) => (location.hash = `#/workflow/${id}`), empty);
      await page.getByText("An empty workflow").waitFor();
      await page.waitForTimeout(500);
      const overlay = page.getByTestId("queue-overlay");
      assert.equal(await page.locator(`[data-testid="run-card"][data-run-id="${done.id}"]`).count(), 0, "another workflow's run is not listed");
      if (await overlay.count()) {
        assert.equal(await overlay.locator(".queue-toggle").getAttribute("aria-expanded"), "false");
        const o = await overlay.boundingBox();
        const c = await page.getByTestId("canvas").boundingBox();
        assert.ok(o.width * o.height < (c.width * c.height) / 12, `overlay ${o.width}×${o.height} on a ${c.width}×${c.height} canvas`);
      }

      // a workflow's own run: the overlay opens while it goes, with only its card
      const wf = await importWorkflow(page, slow(1500));
      await openEditor(page, wf, "wait");
      await page.getByTestId("run-button").click();
      await page.getByTestId("run-submit").click();
      const cards = page.locator('[data-testid="queue-running"] [data-testid="run-card"]');
      await waitFor(page, async () => (await cards.count()) === 1, "its running card");
      assert.equal(await overlay.locator(".queue-toggle").getAttribute("aria-expanded"), "true");
      assert.equal(await page.locator(`[data-testid="run-card"][data-run-id="${done.id}"]`).count(), 0, "only this workflow's runs");
      const o = await overlay.boundingBox();
      const c = await page.getByTestId("canvas").boundingBox();
      assert.ok(o.width * o.height < (c.width * c.height) / 4, `open overlay ${o.width}×${o.height} covers under a quarter of ${c.width}×${c.height}`);
      // All lists the other workflow's run too
      // (the All box, not openQueue: that opens the overlay by choice, and this one must fold itself)
      await overlay.getByTestId("queue-all").setChecked(true);
      await page.locator(`[data-testid="run-card"][data-run-id="${done.id}"]`).waitFor();
      await overlay.getByTestId("queue-all").setChecked(false);
      assert.equal(await page.locator(`[data-testid="run-card"][data-run-id="${done.id}"]`).count(), 0);
      // the run ends: the overlay folds by itself
      const id = await cards.first().getAttribute("data-run-id");
      await waitRun(page, id);
      await waitFor(page, async () => (await overlay.locator(".queue-toggle").getAttribute("aria-expanded")) === "false", "the overlay folded");
    },
  },

  {
    name: "examples open readable, with no node on another; a dropped node lands at the pointer",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      for (const name of ["Text pipeline", "Branching", "JSON and math", "Video contact sheet", "Storyboard", "Podcast clip", "Image pipeline"]) {
        await page.evaluate(() => (location.hash = "#/"));
        await page.getByRole("list", { name: "Examples" }).getByRole("button", { name: new RegExp(`^${name}`) }).click();
        await page.getByTestId("workflow-name").filter({ hasText: name }).waitFor();
        await page.waitForTimeout(700);
        const z = await zoom(page);
        assert.ok(z >= 0.75 && z <= 1, `${name} opens at zoom ${z.toFixed(2)}`);
        assert.deepEqual(await overlaps(page), [], `${name}: overlapping nodes`);
        if (name === "Branching") await shot(page, "example-branching.png");
      }
      // after a run (previews grow the nodes) the image pipeline still has no overlap
      await page.getByTestId("run-button").click();
      await page.getByTestId("run-submit").click();
      await page.getByTestId("node-out_grid").getByTestId("node-thumb").waitFor({ timeout: 20_000 });
      await page.waitForTimeout(500);
      assert.deepEqual(await overlaps(page), [], "image pipeline after a run");

      // a node dragged from the palette lands under the pointer, zoomed out or not
      const wf = await importWorkflow(page, { name: "Drop here", nodes: [], edges: [] });
      await page.evaluate((id) => (location.hash = `#/workflow/${id}`), wf);
      await page.getByText("An empty workflow").waitFor();
      for (let i = 0; i < 5; i++) await page.locator(".react-flow__controls-zoomout").click();
      await page.waitForTimeout(300);
      assert.ok((await zoom(page)) < 0.5, "zoomed far out");
      const c = await page.getByTestId("canvas").boundingBox();
      const at = { x: c.x + c.width * 0.7, y: c.y + c.height * 0.6 };
      await page.getByTestId("palette-text.template").dragTo(page.getByTestId("canvas"), { targetPosition: { x: at.x - c.x, y: at.y - c.y } });
      const box = await page.getByTestId("node-template").boundingBox();
      assert.ok(box.x <= at.x && at.x <= box.x + box.width && box.y <= at.y && at.y <= box.y + box.height * 0.3,
        `dropped at ${at.x},${at.y}; node at ${box.x},${box.y} ${box.width}×${box.height}`);
    },
  },

  {
    name: "the run form remembers the last inputs (after a reload, after a command-line run); run again with a run's inputs; palette words in any order",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const wf = await importWorkflow(page, {
        name: "Remember",
        inputs: [
          { name: "n", type: "integer", description: "", required: false, default: 1 },
          { name: "word", type: "string", description: "", required: false, default: "owl" },
        ],
        nodes: [
          { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
          { id: "calc", type: "math.expr", params: { expression: "a * 2" }, position: { x: 280, y: 0 } },
        ],
        edges: [{ source: "in", sourceHandle: "n", target: "calc", targetHandle: "a" }],
      });
      await openEditor(page, wf, "calc");
      assert.deepEqual(await formValues(page), { n: "1", word: "owl" }, "defaults at first");
      await page.locator("#run-input-n").fill("7");
      await page.locator("#run-input-word").fill("fox");
      await page.getByTestId("run-submit").click();
      await page.getByTestId("run-form").waitFor({ state: "detached" });
      const first = (await call(page, "ListRuns", wf, 1))[0];
      await waitRun(page, first.id);

      // a reload: the form opens with the last run's inputs
      await page.reload();
      await page.waitForFunction(() => window.go?.main?.App && window.runtime?.EventsOn);
      await page.getByTestId("node-calc").waitFor();
      assert.deepEqual(await formValues(page), { n: "7", word: "fox" }, "after a reload");
      await closeForm(page);

      // a run from the command line: the form follows it
      await flowbench("run", wf, "--input", "n=9", "--input", "word=bee");
      assert.deepEqual(await formValues(page), { n: "9", word: "bee" }, "after a command-line run");
      await closeForm(page);

      // Run again with a run's inputs, from the Runs tab
      const three = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: { n: 3, word: "cat" }, from: "" });
      await waitRun(page, three.id);
      await page.locator("#tab-runs").click();
      const row = page.locator(".run-history-item", { hasText: "n=3" });
      await row.getByTestId("run-again").click();
      await page.getByTestId("run-form").waitFor();
      assert.equal(await page.locator("#run-input-n").inputValue(), "3");
      assert.equal(await page.locator("#run-input-word").inputValue(), "cat");
      await shot(page, "run-again.png");
      await page.getByTestId("run-submit").click();
      await page.getByTestId("run-form").waitFor({ state: "detached" });
      await waitFor(page, async () => (await call(page, "ListRuns", wf, 10)).filter((r) => r.inputs.n === 3).length === 2, "a second run with n=3");

      // palette search: words in any order, abbreviated
      await page.locator("#tab-nodes").click();
      await page.getByLabel("Search nodes").fill("resize img");
      await page.getByTestId("palette-image.resize").waitFor();
      assert.equal(await page.getByTestId("palette-image.blur").count(), 0);
      assert.equal(await page.getByTestId("palette-text.template").count(), 0);
    },
  },

  {
    name: "small texts read right: Copy clear of the text, menus above toasts, the node toolbar inside the canvas, a/an, clean JSON errors",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const long = "All work and no play makes a long line that runs right across the preview box. ".repeat(3);
      const wf = await importWorkflow(page, {
        name: "Texts",
        inputs: [
          { name: "pic", type: "image", description: "", required: false },
          { name: "opts", type: "object", description: "", required: false, default: { a: 1 } },
        ],
        nodes: [
          { id: "words", type: "text.template", params: { template: long }, position: { x: 0, y: 0 } },
          { id: "out", type: "io.output", params: { name: "words" }, position: { x: 300, y: 0 } },
        ],
        edges: [{ source: "words", sourceHandle: "text", target: "out", targetHandle: "value" }],
      });
      await openEditor(page, wf, "words");

      // a/an: the run form's image field
      await page.getByTestId("run-button").click();
      assert.equal(await page.locator('[data-drop-input="pic"]').getAttribute("title"), "Drop an image file here, or choose one");
      await page.getByTestId("run-submit").click();
      await page.getByTestId("run-form").waitFor({ state: "detached" });
      const run = (await call(page, "ListRuns", wf, 1))[0];
      await waitRun(page, run.id);

      // the Copy button sits clear of the text it copies
      await page.getByTestId("node-out").locator(".fb-head").click();
      const pre = page.getByTestId("gen-viewer").getByTestId("text-preview");
      await pre.waitFor();
      const clear = await pre.evaluate((el) => {
        const btn = el.parentElement.querySelector(".pv-copy").getBoundingClientRect();
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        const textRight = r.left + el.clientLeft + el.clientWidth - parseFloat(cs.paddingRight);
        return { textRight, copyLeft: btn.left };
      });
      assert.ok(clear.copyLeft >= clear.textRight, `Copy at ${clear.copyLeft} over text ending at ${clear.textRight}`);

      // a toast never covers the open version menu
      await page.getByTestId("run-many-open").click();
      await page.getByTestId("run-many").getByTestId("rm-repeat").check();
      await page.getByTestId("run-many").locator("#rm-count").fill("2");
      await page.getByTestId("run-many-submit").click();
      await page.getByTestId("toast").first().waitFor();
      await page.getByTestId("version-menu").click();
      const pop = page.locator(".version-pop");
      await pop.waitFor();
      const covered = await pop.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const out = [];
        for (let x = r.left + 8; x < r.right; x += 24)
          for (let y = r.top + 8; y < r.bottom; y += 16) {
            const hit = document.elementFromPoint(x, y);
            if (hit && !el.contains(hit)) out.push(`${Math.round(x)},${Math.round(y)}: ${hit.className}`);
          }
        return out;
      });
      assert.deepEqual(covered.slice(0, 3), [], "points of the open version menu covered");
      await page.keyboard.press("Escape");

      // the node toolbar stays inside the canvas for a node at its top edge
      const c = await page.getByTestId("canvas").boundingBox();
      const n = await page.getByTestId("node-words").boundingBox();
      await page.mouse.move(c.x + c.width - 40, c.y + c.height - 120);
      await page.mouse.down();
      await page.mouse.move(c.x + c.width - 40, c.y + c.height - 120 - (n.y - c.y) + 4, { steps: 8 });
      await page.mouse.up();
      await page.getByTestId("node-words").locator(".fb-head").hover();
      const bar = page.getByTestId("run-from-words");
      await bar.waitFor();
      const b = await bar.boundingBox();
      assert.ok(b.y >= c.y, `toolbar top ${b.y} above the canvas top ${c.y}`);

      // a JSON error says where, not the parser's words
      await page.locator("#tab-inputs").click();
      const row = page.getByTestId("input-row-1"); // pic, then opts
      await row.getByLabel("Default of opts").fill('{"a": 1,}');
      const err = row.getByTestId("default-error");
      await err.waitFor();
      const text = await err.innerText();
      assert.match(text, /line 1, column 9/);
      assert.doesNotMatch(text, /position|Unexpected token|SyntaxError/);
    },
  },
];
