// Loop groups on the canvas: a group is a frame whose body holds its child nodes; a node
// dragged onto the frame joins the body (it then runs once per item), and one dragged out
// leaves it.
import { call, importWorkflow, node, openEditor, shot, waitFor, waitRun } from "./flows.mjs";

const loops = {
  name: "Squares",
  inputs: [{ name: "items", type: "array", description: "", required: false, default: [1, 2, 3] }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "loop", type: "control.map", label: "Square each", position: { x: 280, y: 0 } },
    { id: "sq", type: "math.expr", label: "Square", parentId: "loop", params: { expression: "a * a" }, position: { x: 40, y: 10 } },
    { id: "out", type: "io.output", params: { name: "squares" }, position: { x: 760, y: 0 } },
    { id: "extra", type: "text.template", label: "Loose", params: { template: "item {{a}}" }, position: { x: 280, y: 560 } },
    { id: "gate", type: "control.approval", label: "Check", position: { x: 0, y: 560 } },
  ],
  edges: [
    { source: "in", sourceHandle: "items", target: "loop", targetHandle: "items" },
    { source: "loop", sourceHandle: "item", target: "sq", targetHandle: "a" },
    { source: "sq", sourceHandle: "result", target: "loop", targetHandle: "result" },
    { source: "loop", sourceHandle: "results", target: "out", targetHandle: "value" },
  ],
};

const inside = (inner, outer) =>
  inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

async function draftParent(page, wf, id) {
  const d = await call(page, "OpenWorkflow", wf);
  return (d.draft?.nodes ?? []).find((n) => n.id === id)?.parentId ?? "";
}

async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

export const tests = [
  [
    "a group's children sit in its frame; a node dragged in joins the loop, dragged out leaves it",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, loops);
      await openEditor(page, wf, "loop");
      await page.getByTestId("node-sq").waitFor();
      const body = () => page.getByTestId("group-body-loop").boundingBox();
      assert.ok(inside(await node(page, "sq").boundingBox(), await body()), "the child is drawn inside the group's body");

      // the loose node, dragged by its title onto the body, joins the loop
      const head = await node(page, "extra").locator(".fb-head").boundingBox();
      const b = await body();
      await drag(page, { x: head.x + 30, y: head.y + head.height / 2 }, { x: b.x + b.width - 60, y: b.y + b.height - 40 });
      await page.getByText("now runs inside Square each").first().waitFor({ timeout: 5_000 });
      await waitFor(page, async () => (await draftParent(page, wf, "extra")) === "loop", "the draft names the group", 5_000);
      await waitFor(page, async () => inside(await node(page, "extra").boundingBox(), await body()), "the frame grew around it");

      // the edited graph runs (what the output needs; the approval off to the side is left
      // alone, as the window's Run does with a draft): the node now inside runs once per item
      const draft = (await call(page, "OpenWorkflow", wf)).draft;
      const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "out", graph: draft });
      const done = await waitRun(page, r.id);
      assert.equal(done.status, "completed");
      assert.deepEqual(done.outputs.squares, [1, 4, 9]);
      assert.equal(done.nodes.extra.status, "executed");
      assert.equal((await call(page, "NodeTimeline", wf, "extra")).generations.length, 3, "a generation per item");
      if ((await page.locator(".queue-toggle").getAttribute("aria-expanded")) === "true") await page.locator(".queue-toggle").click();
      await shot(page, "groups.png");

      // an approval cannot go inside: refused, saying why
      const g = await node(page, "gate").locator(".fb-head").boundingBox();
      const b1 = await body();
      await drag(page, { x: g.x + 30, y: g.y + g.height / 2 }, { x: b1.x + 60, y: b1.y + b1.height - 30 });
      await page.getByText("An approval cannot go inside a loop").first().waitFor({ timeout: 5_000 });
      assert.equal(await draftParent(page, wf, "gate"), "");

      // dragged out below the frame, it leaves the loop
      const h2 = await node(page, "extra").locator(".fb-head").boundingBox();
      const b2 = await body();
      await drag(page, { x: h2.x + 30, y: h2.y + h2.height / 2 }, { x: b2.x + 40, y: b2.y + b2.height + 160 });
      await page.getByText("left its loop").first().waitFor({ timeout: 5_000 });
      await waitFor(page, async () => (await draftParent(page, wf, "extra")) === "", "the draft has it top-level again", 5_000);
    },
  ],
];
