// The window as a new user finds it (issue 11, items 18–21): the runs overlay keeps to the
// open workflow and out of the way, examples open readable and tidy, nodes land where they
// are dropped, the run form remembers, small texts read right.
import { call, importWorkflow, openEditor, openQueue, shot, waitFor, waitRun } from "./flows.mjs";

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
      await openQueue(page, true);
      await page.locator(`[data-testid="run-card"][data-run-id="${done.id}"]`).waitFor();
      await openQueue(page, false);
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
      for (const name of ["Text pipeline", "Branching", "JSON and math", "Image pipeline"]) {
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
];
