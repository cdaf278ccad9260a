// Generations: a node's timeline browsed with previous/next and as a grid, an older result
// picked, and a run from its child using the picked value; live generations appear while a
// run goes and stay after it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call, importWorkflow, newRun, node, openEditor, runIds, selectNode, shot, waitFor, waitRun } from "./flows.mjs";

/** flowbench runs the app's binary as a command on the app's data home, as a terminal would. */
async function flowbench(...args) {
  const { stdout } = await promisify(execFile)(process.env.E2E_BIN, [...args, "--home", process.env.E2E_HOME], {
    env: { ...process.env, DISPLAY: "" },
    timeout: 20_000,
  });
  return stdout;
}

const times10 = {
  name: "Generations",
  inputs: [{ name: "n", type: "integer", description: "", required: true }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "p", type: "math.expr", label: "Times ten", params: { expression: "a * 10" }, position: { x: 260, y: 0 } },
    { id: "c", type: "math.expr", label: "Plus one", params: { expression: "a + 1" }, position: { x: 520, y: 0 } },
    { id: "out", type: "io.output", params: { name: "result" }, position: { x: 780, y: 0 } },
  ],
  edges: [
    { source: "in", sourceHandle: "n", target: "p", targetHandle: "a" },
    { source: "p", sourceHandle: "result", target: "c", targetHandle: "a" },
    { source: "c", sourceHandle: "result", target: "out", targetHandle: "value" },
  ],
};

const viewerText = async (page) => (await page.getByTestId("gen-single").innerText()).replace(/\s+/g, " ");

export const tests = [
  [
    "three generations browsed, an older one picked, run from its child uses it",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, times10);
      await openEditor(page, wf, "p");
      for (const n of [1, 2, 3]) {
        const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: { n }, from: "" });
        assert.equal((await waitRun(page, r.id)).status, "completed");
      }
      // the canvas shows p's current generation: the latest, 30
      await waitFor(page, async () => (await node(page, "p").innerText()).includes("30"), "p shows 30");

      await selectNode(page, "p");
      const pos = page.getByTestId("gen-position");
      await waitFor(page, async () => (await pos.textContent()) === "3 of 3", "3 of 3");
      assert.match(await viewerText(page), /n=3/);
      assert.match(await viewerText(page), /\b30\b/);
      await page.getByTestId("gen-next").isDisabled().then((d) => assert.ok(d, "newest has no next"));
      await page.getByTestId("gen-prev").click();
      assert.equal(await pos.textContent(), "2 of 3");
      assert.match(await viewerText(page), /\b20\b/);
      await page.getByTestId("gen-prev").click();
      assert.equal(await pos.textContent(), "1 of 3");
      const older = await viewerText(page);
      assert.match(older, /n=1/);
      assert.match(older, /v1/);
      assert.match(older, /\b10\b/);
      assert.ok(await page.getByTestId("gen-prev").isDisabled(), "oldest has no previous");
      await page.getByTestId("gen-next").click();
      await page.getByTestId("gen-prev").click();

      // pick the oldest: marked in the viewer and on the canvas node, which now shows 10
      await page.getByTestId("gen-select").click();
      await page.getByTestId("gen-picked").waitFor();
      await node(page, "p").getByTestId("node-picked").waitFor();
      await waitFor(page, async () => /\b10\b/.test(await node(page, "p").getByTestId("node-current-text").innerText()), "p shows 10");
      const tl = await call(page, "NodeTimeline", wf, "p");
      assert.equal(tl.generations.find((g) => g.id === tl.current_generation_id).outputs.result, 10);

      // the grid: three tiles, the pick starred
      await page.getByTestId("gen-grid-toggle").click();
      const tiles = page.getByTestId("gen-tile");
      assert.equal(await tiles.count(), 3);
      assert.equal(await page.locator(".gen-tile.picked").count(), 1);

      // run from the child: it reads the picked 10, not the latest 30
      const before = await runIds(page, wf);
      await node(page, "c").hover();
      await page.getByTestId("run-from-c").click();
      const run = await newRun(page, wf, before);
      assert.equal(run.mode, "from_block");
      assert.equal(run.from_node, "c");
      const done = await waitRun(page, run.id);
      assert.equal(done.status, "completed");
      assert.equal(done.outputs.result, 11);
      assert.equal(done.nodes.p.status, "reused");
      await waitFor(page, async () => /\b11\b/.test(await node(page, "c").innerText()), "c shows 11");
      await selectNode(page, "c");
      await waitFor(page, async () => (await page.getByTestId("gen-position").textContent()) === "4 of 4", "c has 4 generations");
      assert.match(await viewerText(page), /\b11\b/);

      // delete a generation of p: the timeline shrinks
      await selectNode(page, "p");
      await page.getByTestId("gen-single-toggle").click();
      await waitFor(page, async () => (await pos.textContent()) === "1 of 3", "p opens on its pick");
      await page.getByTestId("gen-next").click();
      await page.getByTestId("gen-next").click();
      await page.getByTestId("gen-delete").click();
      await page.getByTestId("gen-delete-yes").click();
      await waitFor(page, async () => (await pos.textContent())?.endsWith("of 2"), "2 generations left");
      assert.equal((await call(page, "NodeTimeline", wf, "p")).generations.length, 2);
    },
  ],

  [
    "generations of a running run appear live and stay after it ends",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, {
        name: "Live",
        nodes: [
          { id: "start", type: "math.expr", params: { expression: "41 + 1" }, position: { x: 0, y: 0 } },
          { id: "slow", type: "util.delay", params: { ms: 2500 }, position: { x: 260, y: 0 } },
        ],
        edges: [{ source: "start", sourceHandle: "result", target: "slow", targetHandle: "value" }],
      });
      await openEditor(page, wf, "slow");
      await selectNode(page, "slow");
      await page.getByTestId("gen-viewer").waitFor();
      const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
      // the live generation shows while the node runs
      await waitFor(page, async () => /running/.test(await page.getByTestId("gen-viewer").innerText()), "live generation");
      assert.equal((await call(page, "GetRun", r.id)).status, "running");
      await waitRun(page, r.id);
      await waitFor(page, async () => /\b42\b/.test(await page.getByTestId("gen-viewer").innerText()), "persisted generation");
      assert.equal(await page.getByTestId("gen-position").textContent(), "1 of 1");
    },
  ],
  [
    "a seed sweep of a generated image browses as a grid of thumbnails (docs/generations.png)",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, {
        name: "Noise sweep",
        inputs: [{ name: "seed", type: "integer", description: "", required: false, default: 1 }],
        nodes: [
          { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
          { id: "noise", type: "image.noise", label: "Noise", params: { width: 160, height: 110, seed: "{{seed}}", scale: 24 }, position: { x: 260, y: 0 } },
          { id: "blur", type: "image.blur", label: "Soften", params: { radius: 1.5 }, position: { x: 520, y: 0 } },
          { id: "out", type: "io.output", params: { name: "picture" }, position: { x: 780, y: 0 } },
        ],
        edges: [
          { source: "noise", sourceHandle: "image", target: "blur", targetHandle: "image" },
          { source: "blur", sourceHandle: "image", target: "out", targetHandle: "value" },
        ],
      });
      await openEditor(page, wf, "noise");
      const before = await runIds(page, wf);
      // Run ×N: seeds 1…6
      await page.getByTestId("run-many-open").click();
      const dlg = page.getByTestId("run-many");
      await dlg.getByTestId("rm-seed").check();
      await dlg.locator("#rm-count").fill("6");
      await dlg.locator("#rm-start").fill("1");
      assert.match(await dlg.getByTestId("run-many-preview").innerText(), /6 runs: seed = 1…6/);
      await dlg.getByTestId("run-many-submit").click();
      await dlg.waitFor({ state: "detached" });
      await waitFor(page, async () => (await runIds(page, wf)).length === before.length + 6, "six runs");
      for (const r of await call(page, "ListRuns", wf, 10)) assert.equal((await waitRun(page, r.id)).status, "completed");
      const runs = await call(page, "ListRuns", wf, 10);
      assert.deepEqual(runs.map((r) => r.inputs.seed).sort(), [1, 2, 3, 4, 5, 6]);

      await selectNode(page, "noise");
      // the viewer opens at the generation the canvas shows: the run on the canvas's
      await waitFor(page, async () => / of 6$/.test(await page.getByTestId("gen-position").textContent()), "six generations");
      const onCanvas = (await call(page, "ListRuns", wf, 10)).find((r) => r.inputs.seed === 1);
      await page.locator(`[data-testid="gen-single"][data-generation="${(await call(page, "GetRun", onCanvas.id)).nodes.noise.generation_id}"]`).waitFor();
      if (await page.getByTestId("gen-prev").isEnabled()) await page.getByTestId("gen-prev").click();
      else await page.getByTestId("gen-next").click();
      await page.getByTestId("gen-select").click();
      await page.getByTestId("gen-picked").waitFor();
      await page.getByTestId("gen-grid-toggle").click();
      const imgs = page.getByTestId("gen-grid").locator("img");
      await waitFor(page, async () => (await imgs.count()) === 6, "six thumbnails");
      await waitFor(page, () => imgs.evaluateAll((l) => l.every((el) => el.complete && el.naturalWidth === 160)), "thumbnails loaded");
      await node(page, "noise").getByTestId("node-picked").waitFor();
      // what it feeds is now out of date: the pick changed what Soften would receive
      const stale = node(page, "blur").getByTestId("stale-badge");
      await stale.waitFor({ timeout: 5000 });
      // Why depends on which seed was picked: the plan uses the last started run's inputs, so a
      // pick from that run changes what Soften reads, a pick from another seed makes Noise run
      // again first (the generation next to seed 1's depends on the order the runs finished).
      assert.match(await stale.getAttribute("title"), /a value it reads changed|a node before it runs again/);
      if ((await page.locator(".queue-toggle").getAttribute("aria-expanded")) === "true") await page.locator(".queue-toggle").click();
      await page.waitForTimeout(300);
      await shot(page, "generations.png");
    },
  ],

  {
    name: "a run and a pick made on the command line show up in the open window",
    timeout: 45_000,
    fn: async (page, { assert }) => {
      assert.ok(process.env.E2E_BIN && process.env.E2E_HOME, "e2e.sh passes the binary and the home");
      const wf = await importWorkflow(page, times10);
      await openEditor(page, wf, "p");
      const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: { n: 1 }, from: "" });
      assert.equal((await waitRun(page, r.id)).status, "completed");
      const pText = () => node(page, "p").getByTestId("node-current-text").innerText();
      await waitFor(page, async () => /\b10\b/.test(await pText()), "p shows 10");
      await selectNode(page, "p");
      await waitFor(page, async () => (await page.getByTestId("gen-position").textContent()) === "1 of 1", "1 of 1");

      // a terminal beside the window: flowbench run … --input n=7
      const cli = JSON.parse(await flowbench("run", wf, "--input", "n=7", "--json"));
      assert.equal(cli.status, "completed");
      assert.equal(cli.outputs.result, 71);
      await waitFor(page, async () => /\b70\b/.test(await pText()), "p shows the command's 70", 8_000);
      await waitFor(page, async () => (await page.getByTestId("gen-position").textContent())?.endsWith("of 2"), "the viewer lists it");
      await page.getByText("Results changed outside this window").first().waitFor({ timeout: 5_000 });
      // its run is in the window's run history too
      await page.locator("#tab-runs").click();
      await page.locator(".run-row", { hasText: "n=7" }).waitFor({ timeout: 5_000 });

      // flowbench select … picks the first generation back: the node shows it, marked
      const first = (await call(page, "NodeTimeline", wf, "p")).generations.find((g) => g.outputs.result === 10);
      await flowbench("select", wf, "p", first.id);
      // the canvas shows the run in the lens (n=7) until it is switched to current results
      await page.getByTestId("lens-showing").filter({ hasText: "n=7" }).waitFor();
      await page.getByTestId("lens-current-toggle").click();
      await node(page, "p").getByTestId("node-picked").waitFor({ timeout: 8_000 });
      await waitFor(page, async () => /\b10\b/.test(await pText()), "p shows the picked 10");
      await page.waitForTimeout(300);
      await shot(page, "outside-changes.png");
    },
  },
];
