// Issue 13: an image.generate seed sweep on a provider (the fake OpenAI-compatible server),
// one of its images picked from the node's generation grid, then a run from a downstream
// node: it reads the picked image, not the latest one.
import { call, importWorkflow, newRun, node, openEditor, runIds, selectNode, shot, waitFor, waitRun } from "./flows.mjs";
import { cli, startFake } from "./fakes.mjs";

export const tests = [
  {
    name: "pick a generation from an image.generate sweep's grid, then run downstream on it",
    timeout: 90_000,
    fn: async (page, { assert }) => {
      const fake = await startFake("openai");
      try {
        await cli("providers", "set", "sweep-gpu", "--kind", "openai", "--url", fake.url);
        const wf = await importWorkflow(page, {
          name: "Pick a generated image",
          inputs: [{ name: "seed", type: "integer", required: true }],
          nodes: [
            { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
            { id: "gen", type: "image.generate", position: { x: 260, y: 0 },
              params: { provider: "sweep-gpu", model: "fake-image", prompt: "a lighthouse, seed {{seed}}", width: 96, height: 64, seed: "{{seed}}" } },
            { id: "out", type: "io.output", position: { x: 560, y: 0 }, params: { name: "image" } },
          ],
          edges: [{ source: "gen", sourceHandle: "image", target: "out", targetHandle: "value" }],
        });
        await openEditor(page, wf, "gen");
        const runs = await call(page, "StartBatch", { workflow_id: wf, version_id: "", inputs: {}, from: "" }, [1, 2, 3, 4].map((seed) => ({ seed })));
        const gens = {};
        for (const [i, r] of runs.entries()) {
          const done = await waitRun(page, r.id, 60_000);
          assert.equal(done.status, "completed", done.error);
          gens[i + 1] = (await call(page, "RunGenerations", r.id)).gen;
        }
        const assets = Object.values(gens).map((g) => g.outputs.image.asset);
        assert.equal(new Set(assets).size, 4, "four seeds, four different images");

        // the node's generation grid: four tiles; open seed 2's and pick it
        await selectNode(page, "gen");
        await page.getByTestId("gen-grid-toggle").click();
        await waitFor(page, async () => (await page.getByTestId("gen-tile").count()) === 4, "four tiles");
        const tile = page.locator(`[data-testid="gen-tile"][data-generation="${gens[2].id}"]`);
        await waitFor(page, () => tile.locator("img").evaluate((el) => el.complete && el.naturalWidth > 0), "seed 2's image in its tile", 15_000);
        await shot(page, "pick-generated-grid.png");
        await tile.locator(".gen-tile-btn").click();
        await page.getByTestId("gen-select").click();
        await page.getByTestId("gen-picked").waitFor();
        await node(page, "gen").getByTestId("node-picked").waitFor();
        const tl = await call(page, "NodeTimeline", wf, "gen");
        assert.equal(tl.current_generation_id, gens[2].id, "the pick is the node's current generation");

        // run from the downstream node: it reads the picked image (seed 2), not the latest
        const before = await runIds(page, wf);
        await node(page, "out").hover();
        await page.getByTestId("run-from-out").click();
        const run = await newRun(page, wf, before);
        assert.equal(run.from_node, "out");
        const done = await waitRun(page, run.id, 30_000);
        assert.equal(done.status, "completed", done.error);
        assert.equal(done.outputs.image.asset, gens[2].outputs.image.asset, "the downstream node used the picked image");
        assert.notEqual(done.outputs.image.asset, gens[4].outputs.image.asset);
        assert.equal(done.nodes.gen.status, "reused", "the generator did not run again");
        await shot(page, "pick-generated-downstream.png");
      } finally {
        fake.stop();
      }
    },
  },
];
