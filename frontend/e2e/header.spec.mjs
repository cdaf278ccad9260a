// The editor's header at 1,280 px with a long name, a sweep run on the canvas and every
// button: its parts shrink (ellipsis), the page never grows wider than the window.
import { call, importWorkflow, openEditor, waitFor, waitRun } from "./flows.mjs";

export const tests = [
  [
    "a long header shrinks its parts instead of widening the page",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, {
        name: "Generative previews with a rather long name",
        inputs: [{ name: "video", type: "string", description: "", required: false, default: "clip.mp4" }],
        nodes: [{ id: "a", type: "math.expr", params: { expression: "1" }, position: { x: 0, y: 0 } }],
        edges: [],
      });
      const runs = await call(page, "StartBatch", { workflow_id: wf, version_id: "", inputs: {}, from: "" }, [
        { video: "a-clip-with-a-long-file-name.mp4" },
        { video: "another-clip.mp4" },
      ]);
      for (const r of runs) await waitRun(page, r.id);
      await openEditor(page, wf, "a");
      await page.getByTestId("lens-showing").filter({ hasText: "Run #" }).waitFor();
      await waitFor(page, async () => (await page.getByTestId("run-button").count()) === 1, "the Run button");
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.body.scrollWidth]);
      assert.deepEqual(widths, [1280, 1280], `page ${widths} px wide in a 1,280 px window`);
      const run = await page.getByTestId("run-button").boundingBox();
      assert.ok(run.x + run.width <= 1280, "the Run button is inside the window");
    },
  ],
];
