// A 2,000-node workflow opens and shows its nodes (issue 17). No timing is asserted here —
// scripts/bench-ui.sh measures the window at scale — only deadlines that catch a hang.
import { generated } from "../bench/gen.mjs";
import { call, waitFor } from "./flows.mjs";

const HANG_MS = 60_000;

export const tests = [
  {
    name: "a 2,000-node workflow opens, shows its nodes simply when fitted, in full and only the visible ones zoomed in",
    timeout: 180_000,
    fn: async (page, { assert }) => {
      const wf = generated(2000);
      const r = await call(page, "ImportJSON", JSON.stringify({ ...wf, name: `Scale ${Date.now().toString(36)}` }), "");
      await page.evaluate((id) => {
        location.hash = `#/workflow/${encodeURIComponent(id)}`;
      }, r.workflow_id);
      // the first nodes, then the whole graph drawn (the progress indicator goes away)
      await page.locator('[data-testid="node-d0"]').waitFor({ state: "visible", timeout: HANG_MS });
      await page.getByTestId("canvas-loading").waitFor({ state: "detached", timeout: HANG_MS });
      const fitted = await page.locator(".react-flow__node").count();
      assert.equal(fitted, 2000, "fit view shows the whole graph");
      // fitted, 2,000 nodes are drawn simply: title and status colour
      assert.equal(await page.locator('.react-flow__node [data-detail="far"]').count(), 2000);
      assert.equal(await page.locator(".react-flow__node .fb-ports").count(), 0);
      assert.match(await page.locator('[data-testid="node-out"]').getAttribute("aria-label"), /\(out\)/);

      // zoomed in (the zoom button: 1.2× a click, from about 0.04): nodes in the middle are
      // drawn in full, and most nodes are not drawn at all
      for (let i = 0; i < 20; i++) await page.locator(".react-flow__controls-zoomin").click();
      await waitFor(page, async () => (await page.locator(".react-flow__node").count()) < 500, "fewer nodes drawn when zoomed in", HANG_MS);
      await waitFor(page, async () => (await page.locator(".react-flow__node .fb-ports").count()) > 0, "nodes drawn in full when zoomed in", HANG_MS);
      assert.equal(await page.locator('.react-flow__node [data-detail="far"]').count(), 0);
    },
  },
];
