// Run from here with a plan preview: the canvas colours nodes rerun / reuse / untouched and
// the panel says why in plain words; Run then executes exactly that.
import { call, importWorkflow, newRun, node, openEditor, runIds, shot, waitFor, waitRun } from "./flows.mjs";

function graph(bExpr) {
  return {
    name: "Plan",
    nodes: [
      { id: "a", type: "math.expr", label: "Two", params: { expression: "2" }, position: { x: 0, y: 0 } },
      { id: "b", type: "math.expr", label: "Scale", params: { expression: bExpr }, position: { x: 260, y: 0 } },
      { id: "c", type: "math.expr", label: "Plus one", params: { expression: "a + 1" }, position: { x: 520, y: 0 } },
      { id: "out", type: "io.output", params: { name: "result" }, position: { x: 780, y: 0 } },
      { id: "x", type: "math.expr", label: "Elsewhere", params: { expression: "5" }, position: { x: 260, y: 260 } },
      { id: "out2", type: "io.output", params: { name: "other" }, position: { x: 520, y: 260 } },
    ],
    edges: [
      { source: "a", sourceHandle: "result", target: "b", targetHandle: "a" },
      { source: "b", sourceHandle: "result", target: "c", targetHandle: "a" },
      { source: "c", sourceHandle: "result", target: "out", targetHandle: "value" },
      { source: "x", sourceHandle: "result", target: "out2", targetHandle: "value" },
    ],
  };
}

const cls = async (page, id) => (await node(page, id).locator(".fb-node").getAttribute("class")) ?? "";

export const tests = [
  [
    "the plan preview colours rerun/reuse and explains each decision; Run executes it",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, graph("a * 2"));
      const first = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
      assert.equal((await waitRun(page, first.id)).outputs.result, 5);
      // a new version changes b's settings
      const v2 = await call(page, "ImportJSON", JSON.stringify({ format: "flowbench.workflow/1", ...graph("a * 3"), name: "Plan" }), wf);
      assert.equal(v2.version_label, "v2");
      await openEditor(page, wf, "c");

      // b's result is now out of date, and so is what it feeds
      await node(page, "b").getByTestId("stale-badge").waitFor({ timeout: 5000 });
      assert.match(await node(page, "b").getByTestId("stale-badge").getAttribute("title"), /settings changed/);

      await node(page, "c").click({ button: "right" });
      await page.getByTestId("ctx-plan-from").click();
      const panel = page.getByTestId("plan-panel");
      await panel.getByTestId("plan-summary").waitFor();
      assert.match(await panel.getByTestId("plan-summary").innerText(), /3 nodes run again, 1 reused, 2 not needed/);
      assert.match(await panel.getByTestId("plan-item-b").innerText(), /Runs again[\s\S]*its settings changed since its last result/i);
      assert.match(await panel.getByTestId("plan-item-c").innerText(), /Runs again[\s\S]*you are running from this node/i);
      assert.match(await panel.getByTestId("plan-item-out").innerText(), /Runs again[\s\S]*it comes after the node you run from/i);
      assert.match(await panel.getByTestId("plan-item-a").innerText(), /Reuses[\s\S]*nothing it depends on changed/i);
      assert.match(await cls(page, "b"), /plan-rerun/);
      assert.match(await cls(page, "c"), /plan-rerun/);
      assert.match(await cls(page, "a"), /plan-reuse/);
      assert.match(await cls(page, "x"), /plan-untouched/);
      assert.match(await node(page, "b").getByTestId("plan-tag").innerText(), /settings changed/);
      // the screenshot: pointer away (no hover toolbar), the queue overlay folded
      if ((await page.locator(".queue-toggle").getAttribute("aria-expanded")) === "true") await page.locator(".queue-toggle").click();
      await page.waitForTimeout(400);
      await shot(page, "plan.png");

      const before = await runIds(page, wf);
      await panel.getByTestId("plan-run").click();
      await panel.waitFor({ state: "detached" });
      const done = await waitRun(page, (await newRun(page, wf, before)).id);
      assert.equal(done.mode, "from_block");
      assert.equal(done.outputs.result, 7);
      assert.equal(done.nodes.a.status, "reused");
      assert.equal(done.nodes.b.status, "executed");
      assert.ok(!done.nodes.x || done.nodes.x.status === "untouched", "x untouched");
      // the canvas shows the run: a reused, b executed; colours are gone, so are stale badges
      await waitFor(page, async () => /reused/.test(await node(page, "a").innerText()), "a reused on canvas");
      assert.doesNotMatch(await cls(page, "b"), /plan-/);
      await waitFor(page, async () => (await node(page, "b").getByTestId("stale-badge").count()) === 0, "b no longer stale");
    },
  ],

  [
    "run from here on the node toolbar with no history runs what the node needs",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, graph("a * 2"));
      await openEditor(page, wf, "c");
      await node(page, "b").hover();
      await page.getByTestId("plan-from-b").click();
      const panel = page.getByTestId("plan-panel");
      await panel.getByTestId("plan-item-a").waitFor();
      assert.match(await panel.getByTestId("plan-item-a").innerText(), /it has no result yet/i);
      await panel.getByTestId("plan-run").click();
      const done = await waitRun(page, (await newRun(page, wf, [])).id);
      assert.equal(done.outputs.result, 5);
    },
  ],

  [
    "the preview says which nodes the cache will serve and names the result; Run does just that",
    async (page, { assert }) => {
      // another workflow already computed "a * 7" of 2 (and "a + 1" of that)
      const elsewhere = await importWorkflow(page, { ...graph("a * 7"), name: "Plan elsewhere" });
      const done = await waitRun(page, (await call(page, "StartRun", { workflow_id: elsewhere, version_id: "", inputs: {}, from: "" })).id);
      const run = await call(page, "GetRun", done.id);
      const wf = await importWorkflow(page, graph("a * 8"));
      await waitRun(page, (await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" })).id);
      await call(page, "ImportJSON", JSON.stringify({ format: "flowbench.workflow/1", ...graph("a * 7"), name: "Plan" }), wf);
      await openEditor(page, wf, "out");
      await node(page, "out").click({ button: "right" });
      await page.getByTestId("ctx-plan-from").click();
      const panel = page.getByTestId("plan-panel");
      await panel.getByTestId("plan-item-b").waitFor();
      // the result is named by where it comes from: the other workflow, its version and run
      await waitFor(page, async () => /Plan elsewhere/.test(await panel.getByTestId("plan-item-b").innerText()), "b names the cached result's workflow");
      const b = await panel.getByTestId("plan-item-b").innerText();
      assert.match(b, /Reuses[\s\S]*already existed[\s\S]*\(result of "Plan elsewhere[^"]*" v\d+, Run #\d+\)/i, b);
      assert.match(await panel.getByTestId("plan-item-c").innerText(), /Reuses[\s\S]*already existed/i);
      assert.match(await node(page, "b").getByTestId("plan-tag").innerText(), /will be reused — a result with exactly these inputs/);
      await shot(page, "plan-cached.png");
      const known = await runIds(page, wf);
      await panel.getByTestId("plan-run").click();
      const next = await waitRun(page, (await newRun(page, wf, known)).id);
      assert.equal(next.outputs.result, 15);
      assert.equal(next.nodes.b.generation_id, run.nodes.b.generation_id, "the run reused what the preview named");
    },
  ],
];
