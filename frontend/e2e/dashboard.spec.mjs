// The dashboard with many workflows: a search by words of the name or description, and an
// order (recently used, or by name with numbers as numbers) that the window remembers.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call, shot, waitFor } from "./flows.mjs";

const one = (name, description = "") => ({
  format: "flowbench.workflow/1",
  name,
  description,
  nodes: [{ id: "a", type: "math.expr", params: { expression: "1 + 1" }, position: { x: 0, y: 0 } }],
  edges: [],
});

/** names are the titles of the dashboard's cards, in order. */
async function names(page) {
  const titles = await page.getByTestId("workflow-card").locator(".card-title").allInnerTexts();
  return titles.map((t) => t.replace(/ — .*$/s, "").trim());
}

export const tests = [
  {
    name: "search workflows by words, sort them by use or by name, the order kept after a reload (docs/dashboard-search.png)",
    fn: async (page, { assert }) => {
      const tag = `Dash${Date.now().toString(36)}`;
      const ids = {};
      // imported in this order: the last is the most recently used
      for (const [name, desc] of [
        [`${tag} sweep 10`, ""],
        [`${tag} sweep 2`, ""],
        [`${tag} alpha`, "A seeded noise image, blurred"],
      ]) {
        ids[name] = (await call(page, "ImportJSON", JSON.stringify(one(name, desc)), "")).workflow_id;
        await page.waitForTimeout(20); // a later time to the millisecond
      }
      await page.reload();
      const search = page.getByTestId("dashboard-search");
      // "/" goes to the search from anywhere on the dashboard
      await page.getByText("Examples", { exact: true }).click();
      await page.keyboard.press("/");
      await page.keyboard.type(tag);
      assert.equal(await search.inputValue(), tag, "typed after / goes into the search");
      const want = async (list, what) => {
        await waitFor(page, async () => JSON.stringify(await names(page)) === JSON.stringify(list), `${what}: ${list.join(", ")}`);
      };
      await want([`${tag} alpha`, `${tag} sweep 2`, `${tag} sweep 10`], "recently used, newest first");
      assert.equal(await page.getByTestId("dashboard-sort").inputValue(), "recent");

      // a run from a terminal beside the window makes "sweep 10" the most recently used
      await promisify(execFile)(process.env.E2E_BIN, ["run", ids[`${tag} sweep 10`], "--home", process.env.E2E_HOME], {
        env: { ...process.env, DISPLAY: "" },
        timeout: 20_000,
      });
      await page.reload();
      await search.fill(tag);
      await want([`${tag} sweep 10`, `${tag} alpha`, `${tag} sweep 2`], "after a run of sweep 10");

      await page.getByTestId("dashboard-sort").selectOption("name");
      await want([`${tag} alpha`, `${tag} sweep 2`, `${tag} sweep 10`], "by name, 2 before 10");

      // words in any order, of the name or the description, abbreviated too
      await search.fill(`blurred ${tag} img`);
      await want([`${tag} alpha`], "words of the description");
      assert.match(await page.getByTestId("dashboard-found").innerText(), /^1 of \d+ workflows$/);
      await search.fill(`${tag} sweep`);
      await want([`${tag} sweep 2`, `${tag} sweep 10`], "two words of the name");
      await shot(page, "dashboard-search.png");

      await search.fill(`${tag} nothing-like-it`);
      await page.getByTestId("dashboard-none").waitFor();
      assert.equal(await page.getByTestId("workflow-card").count(), 0);
      // Escape clears the search
      await search.press("Escape");
      await waitFor(page, async () => (await page.getByTestId("workflow-card").count()) >= 3, "every card back");

      // the order is the window's: kept after a reload
      await page.reload();
      assert.equal(await page.getByTestId("dashboard-sort").inputValue(), "name");
    },
  },
];
