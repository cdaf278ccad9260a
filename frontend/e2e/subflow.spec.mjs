// Subworkflows (SPEC §15): a workflow dragged from the palette's Workflows section becomes a
// node pinned to its current version, with the child's name, version and handles; it runs as
// a child run nested under the parent's; a newer child version shows "update available" and
// the inspector updates it; double-click opens the child with a way back; "Make subworkflow"
// turns a selection into a new workflow and one node, undoably.
import { call, importWorkflow, node, openEditor, selectNode, shot, waitFor, waitRun } from "./flows.mjs";

const child = (k) => ({
  name: "Doubler",
  inputs: [{ name: "x", type: "integer", description: "", required: true }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "double", type: "math.expr", params: { expression: `a * ${k}` }, position: { x: 260, y: 0 } },
    { id: "out", type: "io.output", params: { name: "y" }, position: { x: 520, y: 0 } },
  ],
  edges: [
    { source: "in", sourceHandle: "x", target: "double", targetHandle: "a" },
    { source: "double", sourceHandle: "result", target: "out", targetHandle: "value" },
  ],
});

const parent = {
  name: "Parent",
  nodes: [
    { id: "seed", type: "math.expr", label: "Seed", params: { expression: "21" }, position: { x: 0, y: 0 } },
    { id: "result", type: "io.output", params: { name: "result" }, position: { x: 700, y: 0 } },
  ],
  edges: [],
};

async function box(page, locator) {
  await locator.waitFor();
  for (let i = 0; i < 20; i++) {
    const a = await locator.boundingBox();
    await page.waitForTimeout(60);
    const b = await locator.boundingBox();
    if (a && b && a.x === b.x && a.y === b.y) return b;
  }
  return locator.boundingBox();
}

async function connect(page, from, to) {
  const a = await box(page, page.getByTestId(from));
  const b = await box(page, page.getByTestId(to));
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2 + 10, (a.y + b.y) / 2 + 10, { steps: 6 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 6 });
  await page.mouse.up();
}

async function runFromWindow(page, workflowId) {
  const before = new Set((await call(page, "ListRuns", workflowId, 50)).map((r) => r.id));
  await page.getByTestId("run-button").click();
  await page.getByTestId("run-submit").click();
  const r = await waitFor(page, async () => (await call(page, "ListRuns", workflowId, 50)).find((x) => !before.has(x.id)), "the run");
  return waitRun(page, r.id);
}

export const tests = [
  {
    name: "drag a workflow in, run it as a child run, update available, open the child and back",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const childId = await importWorkflow(page, child(2));
      const childName = (await call(page, "ListWorkflows")).find((w) => w.id === childId).name;
      const wf = await importWorkflow(page, parent);
      await openEditor(page, wf, "seed");

      // the palette's Workflows section; drag the child onto the canvas
      const item = page.getByTestId(`palette-workflow-${childName}`);
      await item.waitFor();
      const c = await box(page, page.getByTestId("canvas"));
      const s = await box(page, node(page, "seed"));
      await item.dragTo(page.getByTestId("canvas"), { targetPosition: { x: s.x - c.x + 330, y: s.y - c.y + 40 } });
      const sub = node(page, "sub");
      await sub.getByTestId("subflow-line").waitFor();
      assert.match(await sub.getByTestId("subflow-line").innerText(), new RegExp(`${childName}\\s*v1`));
      // typed handles from the child's inputs and outputs
      await page.getByTestId("handle-in-sub-x").waitFor();
      await page.getByTestId("handle-out-sub-y").waitFor();
      assert.match(await page.getByTestId("handle-in-sub-x").getAttribute("aria-label"), /integer/);
      await connect(page, "handle-out-seed-result", "handle-in-sub-x");
      await connect(page, "handle-out-sub-y", "handle-in-result-value");
      await page.locator(".react-flow__edge").nth(1).waitFor();

      const run = await runFromWindow(page, wf);
      assert.equal(run.status, "completed", run.error);
      assert.equal(run.outputs.result, 42);
      // the child run, nested under the parent's in the runs list
      const kids = await call(page, "ChildRuns", run.id);
      assert.equal(kids.length, 1);
      assert.equal(kids[0].workflow_id, childId);
      await page.getByRole("tab", { name: "Runs" }).click();
      const nested = page.getByTestId(`child-runs-${run.id}`);
      await nested.waitFor();
      assert.match(await nested.innerText(), new RegExp(`${childName} · sub · Run #1`));
      await shot(page, "subworkflow-run.png");

      // a newer child version: "update available" on the node, the inspector updates it
      await call(page, "ImportJSON", JSON.stringify({ format: "flowbench.workflow/1", ...child(3), name: childName }), childId);
      await page.evaluate(() => window.dispatchEvent(new Event("focus")));
      await page.getByRole("tab", { name: "Nodes" }).click();
      // reopen so the node asks again
      await openEditor(page, childId, "double");
      await openEditor(page, wf, "sub");
      await node(page, "sub").getByTestId("subflow-update").waitFor();
      await selectNode(page, "sub");
      const insp = page.getByTestId("subflow-inspector");
      await insp.waitFor();
      await shot(page, "subworkflow-update-available.png");
      await insp.getByTestId("subflow-update-latest").click();
      await waitFor(page, async () => /v2/.test(await node(page, "sub").getByTestId("subflow-version").innerText()), "the node pinned to v2");
      assert.equal(await node(page, "sub").getByTestId("subflow-update").count(), 0);
      const again = await runFromWindow(page, wf);
      assert.equal(again.outputs.result, 63);

      // double-click opens the child (its run on the canvas), the breadcrumb leads back
      await node(page, "sub").locator(".fb-head").dblclick();
      await page.getByTestId("subflow-breadcrumb").waitFor();
      await node(page, "double").waitFor();
      await shot(page, "subworkflow-child.png");
      await page.getByTestId("subflow-back").click();
      await node(page, "sub").waitFor();
    },
  },
  {
    name: "make subworkflow from a selection, run it, undo",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const wf = await importWorkflow(page, {
        name: "Flat",
        nodes: [
          { id: "a", type: "math.expr", label: "Two", params: { expression: "2" }, position: { x: 0, y: 0 } },
          { id: "b", type: "math.expr", label: "Times ten", params: { expression: "a * 10" }, position: { x: 260, y: 0 } },
          { id: "c", type: "math.expr", label: "Plus one", params: { expression: "a + 1" }, position: { x: 520, y: 0 } },
          { id: "out", type: "io.output", params: { name: "result" }, position: { x: 780, y: 0 } },
        ],
        edges: [
          { source: "a", sourceHandle: "result", target: "b", targetHandle: "a" },
          { source: "b", sourceHandle: "result", target: "c", targetHandle: "a" },
          { source: "c", sourceHandle: "result", target: "out", targetHandle: "value" },
        ],
      });
      await openEditor(page, wf, "b");
      await selectNode(page, "b");
      await node(page, "c").locator(".fb-head").click({ modifiers: ["Control"] });
      await node(page, "c").click({ button: "right" });
      await page.getByTestId("ctx-make-subworkflow").click();
      const dialog = page.getByTestId("make-subworkflow-dialog");
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /2 selected nodes/);
      const name = `Scale ${Date.now().toString(36)}`;
      await dialog.getByTestId("make-subworkflow-name").fill(name);
      await dialog.getByTestId("make-subworkflow-ok").click();
      const sub = node(page, "sub");
      await sub.getByTestId("subflow-line").waitFor();
      assert.match(await sub.getByTestId("subflow-line").innerText(), new RegExp(`${name}\\s*v1`));
      assert.equal(await node(page, "b").count(), 0);
      await page.getByTestId("handle-in-sub-a").waitFor();
      await page.getByTestId("handle-out-sub-result").waitFor();
      await shot(page, "subworkflow-made.png");
      const run = await runFromWindow(page, wf);
      assert.equal(run.status, "completed", run.error);
      assert.equal(run.outputs.result, 21);
      // undo brings the nodes back
      await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("Control+z");
      await node(page, "b").waitFor();
      assert.equal(await node(page, "sub").count(), 0);
    },
  },
  {
    name: "deleting a workflow used as a subworkflow offers delete anyway",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const leafId = await importWorkflow(page, {
        name: "Leaf",
        nodes: [
          { id: "seven", type: "math.expr", params: { expression: "7" }, position: { x: 0, y: 0 } },
          { id: "out", type: "io.output", params: { name: "y" }, position: { x: 260, y: 0 } },
        ],
        edges: [{ source: "seven", sourceHandle: "result", target: "out", targetHandle: "value" }],
      });
      const leaf = (await call(page, "ListWorkflows")).find((w) => w.id === leafId).name;
      const trunkId = await importWorkflow(page, {
        name: "Trunk",
        nodes: [
          { id: "sub", type: "flow.subworkflow", params: { workflow: leaf, version: "v1" }, position: { x: 0, y: 0 } },
          { id: "out", type: "io.output", params: { name: "result" }, position: { x: 300, y: 0 } },
        ],
        edges: [{ source: "sub", sourceHandle: "y", target: "out", targetHandle: "value" }],
      });
      const trunk = (await call(page, "ListWorkflows")).find((w) => w.id === trunkId).name;

      // through the editor, so the dashboard loads its cards afresh
      await openEditor(page, leafId, "seven");
      await page.evaluate(() => (location.hash = "#/"));
      const card = page.getByTestId("workflow-card").filter({ hasText: leaf });
      await card.getByTestId("card-menu").click();
      await page.getByRole("menuitem", { name: "Delete…" }).click();
      await page.getByTestId("confirm-dialog").getByRole("button", { name: "Delete" }).click();
      // refused, naming its user, with the choice to delete anyway
      const dialog = page.getByTestId("delete-in-use-dialog");
      await dialog.waitFor();
      assert.match(await dialog.innerText(), new RegExp(trunk));
      assert.ok((await call(page, "ListWorkflows")).some((w) => w.id === leafId), "refused delete removed the workflow");
      await shot(page, "subworkflow-delete-anyway.png");
      // Cancel keeps it
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      await card.waitFor();
      // delete anyway removes it; the user then fails validation naming the node
      await card.getByTestId("card-menu").click();
      await page.getByRole("menuitem", { name: "Delete…" }).click();
      await page.getByTestId("confirm-dialog").getByRole("button", { name: "Delete" }).click();
      await page.getByTestId("delete-anyway").click();
      await card.waitFor({ state: "detached" });
      assert.ok(!(await call(page, "ListWorkflows")).some((w) => w.id === leafId));
      await openEditor(page, trunkId, "sub");
      await node(page, "sub").getByTestId("subflow-missing").waitFor();
    },
  },
  {
    name: "the palette's Workflows section comes first, lists the most recent few until Show all, and folds",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      // more workflows than the section lists at first (8), this test's child the latest
      for (let i = 0; i < 9; i++) await importWorkflow(page, { ...child(2), name: `Filler ${i}` });
      const childId = await importWorkflow(page, child(2));
      const childName = (await call(page, "ListWorkflows")).find((w) => w.id === childId).name;
      const wf = await importWorkflow(page, parent);
      await openEditor(page, wf, "seed");
      const section = page.getByTestId("palette-workflows");
      await section.waitFor();
      const first = page.locator(".palette-groups > .palette-group").first();
      assert.equal(await first.getAttribute("data-testid"), "palette-workflows");
      await shot(page, "subworkflow-palette.png");
      const items = section.locator(".palette-workflow");
      assert.equal(await items.count(), 8, "the first few");
      assert.equal(await items.first().getAttribute("data-testid"), `palette-workflow-${childName}`, "the most recent first");
      const others = (await call(page, "ListWorkflows")).length - 1;
      const more = page.getByTestId("palette-workflows-all");
      assert.equal(await more.innerText(), `Show all ${others}`);
      await more.click();
      assert.equal(await items.count(), others, "all of them");
      await more.click(); // Show fewer
      assert.equal(await items.count(), 8);
      // a search lists every match, words in any order
      await page.getByPlaceholder("Search nodes").fill("filler qqqz");
      await waitFor(page, async () => (await items.count()) === 0, "no workflow with both words");
      await page.getByPlaceholder("Search nodes").fill("filler");
      await waitFor(page, async () => (await items.count()) >= 9, "every Filler");
      assert.equal(await more.count(), 0, "no Show all while searching");
      await page.getByPlaceholder("Search nodes").fill("");
      const toggle = page.getByTestId("palette-workflows-toggle");
      assert.equal(await toggle.getAttribute("aria-expanded"), "true");
      await toggle.click();
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.equal(await section.locator(".palette-workflow").count(), 0);
      await toggle.click();
      await section.locator(".palette-workflow").first().waitFor();
    },
  },
];
