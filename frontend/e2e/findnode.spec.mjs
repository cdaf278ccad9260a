// Find node (Ctrl+F, Edit → Find…): in a graph larger than the canvas, a node named by id,
// label or type is selected and brought into view; on the dashboard the same menu item goes
// to the search of workflows.
import { chain, importWorkflow, node, shot, waitFor } from "./flows.mjs";

/** inView reports whether a node's element lies inside the canvas's box. */
async function inView(page, id) {
  const n = node(page, id);
  if (!(await n.count())) return false;
  const [a, c] = [await n.boundingBox(), await page.getByTestId("canvas").boundingBox()];
  return Boolean(a && c && a.x >= c.x && a.y >= c.y && a.x + a.width <= c.x + c.width && a.y + a.height <= c.y + c.height);
}

export const tests = [
  {
    name: "Ctrl+F finds a node of a large graph by id or label, selects it and brings it into view (docs/find-node.png)",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const g = chain(400);
      g.nodes.find((n) => n.id === "d321").label = "Slow step";
      const wf = await importWorkflow(page, g);
      // 402 nodes open fitted, drawn as outlines (no node is an element yet)
      await page.evaluate((id) => {
        location.hash = `#/workflow/${encodeURIComponent(id)}`;
      }, wf);
      await page.getByTestId("canvas").waitFor();
      await page.waitForTimeout(500);
      assert.equal(await inView(page, "d399"), false, "the last node is not drawn as itself yet");

      await page.getByTestId("canvas").click({ position: { x: 8, y: 8 } });
      await page.keyboard.press("Control+f");
      const dlg = page.getByTestId("find-node");
      await dlg.waitFor();
      await page.keyboard.type("d399");
      await dlg.getByTestId("find-node-d399").waitFor();
      assert.equal(await dlg.locator('[role="option"]').first().getAttribute("data-testid"), "find-node-d399", "the exact id first");
      await shot(page, "find-node.png");
      await page.keyboard.press("Enter");
      await dlg.waitFor({ state: "detached" });
      await waitFor(page, () => inView(page, "d399"), "d399 in view");
      assert.match((await node(page, "d399").getAttribute("class")) ?? "", /\bselected\b/, "d399 selected");

      // by words of a label, from the native menu's Edit → Find…
      await page.evaluate(() => window.runtime.EventsEmit("menu", "find"));
      await dlg.waitFor();
      await page.keyboard.type("slow step");
      const options = dlg.locator('[role="option"]');
      await waitFor(page, async () => (await options.count()) === 1, "one node labelled Slow step");
      await options.first().click();
      await waitFor(page, () => inView(page, "d321"), "d321 in view");
      assert.match((await node(page, "d321").getAttribute("class")) ?? "", /\bselected\b/);
      assert.equal(await page.locator(".react-flow__node.selected").count(), 1, "only the found node selected");

      // Escape closes it, nothing chosen
      await page.keyboard.press("Control+f");
      await dlg.waitFor();
      await page.keyboard.press("Escape");
      await dlg.waitFor({ state: "detached" });
    },
  },
  {
    name: "Edit → Find… on the dashboard goes to the search of workflows",
    fn: async (page) => {
      await page.getByTestId("dashboard-search").waitFor();
      await page.evaluate(() => window.runtime.EventsEmit("menu", "find"));
      await waitFor(page, () => page.getByTestId("dashboard-search").evaluate((el) => el === document.activeElement), "the search focused");
    },
  },
];
