// Run changed (SPEC §14) from the editor's Run menu: after b's settings change, the run reruns
// b and what follows it and reuses the rest.
import { call, abcFlow, importWorkflow, newRun, openEditor, runIds, shot, waitRun } from "./flows.mjs";

const graph = (bExpr, salt) => abcFlow("Changed", bExpr, salt);

/**
 * edited imports the a → b → c workflow, runs it, changes b's settings in a new version and
 * opens it in the editor; it returns the workflow's id and the ids of its runs so far.
 */
async function edited(page, assert, salt) {
  const wf = await importWorkflow(page, graph("a * 2", salt));
  const first = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
  assert.equal((await waitRun(page, first.id)).outputs.result, 5);
  // b's settings change in a new version (the window's own edits are planned as their patch:
  // plan.test.ts, TestPlanChangedBindings)
  await call(page, "ImportJSON", JSON.stringify({ format: "flowbench.workflow/1", ...graph(`a * 3 + ${salt} - ${salt}`, salt), name: "Changed" }), wf);
  await openEditor(page, wf, "c");
  return { wf, before: await runIds(page, wf) };
}

export const tests = [
  [
    "Run changed in the Run menu reruns the edited node and what follows it",
    async (page, { assert }) => {
      // b's and c's expressions are this test's own: the suite shares one data home, and a
      // run changed rightly reuses (cached) what another workflow computed from the same inputs
      const { wf, before } = await edited(page, assert, Date.now());
      await page.getByTestId("run-menu").click();
      const item = page.getByRole("menuitem", { name: /^Run changed/ });
      await item.waitFor();
      await shot(page, "run-changed-menu.png");
      await item.click();
      const done = await waitRun(page, (await newRun(page, wf, before)).id);
      assert.equal(done.mode, "changed");
      assert.equal(done.outputs.result, 7);
      assert.equal(done.nodes.a.status, "reused");
      assert.equal(done.nodes.b.status, "executed");
      assert.ok(done.nodes.b.reasons.includes("changed"), `b reasons ${done.nodes.b.reasons}`);
      assert.equal(done.nodes.c.status, "executed");
    },
  ],
  [
    "Ctrl+Shift+Enter on the canvas starts Run changed",
    async (page, { assert }) => {
      const { wf, before } = await edited(page, assert, Date.now() + 2);
      await page.getByTestId("canvas").click({ position: { x: 8, y: 8 } });
      await page.keyboard.press("Control+Shift+Enter");
      const done = await waitRun(page, (await newRun(page, wf, before)).id);
      assert.equal(done.mode, "changed");
      assert.equal(done.nodes.a.status, "reused");
      assert.equal(done.nodes.b.status, "executed");
      assert.equal(done.outputs.result, 7);
    },
  ],
  [
    "Preview Run changed shows which nodes would run again and why; its Run starts the changed run",
    async (page, { assert }) => {
      const { wf, before } = await edited(page, assert, Date.now() + 1);
      await page.getByTestId("run-menu").click();
      await page.getByRole("menuitem", { name: /Preview Run changed/ }).click();
      const panel = page.getByTestId("plan-panel");
      await panel.getByText("Run changed", { exact: true }).waitFor();
      assert.equal(await panel.getAttribute("aria-label"), "Plan of a changed run");
      await panel.getByTestId("plan-summary").waitFor();
      assert.match(await panel.getByTestId("plan-item-b").innerText(), /Runs again[\s\S]*settings changed/i);
      assert.match(await panel.getByTestId("plan-item-c").innerText(), /Runs again/i);
      assert.equal(await panel.getByTestId("plan-item-a").count(), 1);
      assert.match(await panel.getByTestId("plan-item-a").innerText(), /Reuses/i);
      assert.equal(await runIds(page, wf).then((ids) => ids.length), before.length, "a preview starts no run");
      await shot(page, "plan-changed.png");
      await panel.getByTestId("plan-run").click();
      const done = await waitRun(page, (await newRun(page, wf, before)).id);
      assert.equal(done.mode, "changed");
      assert.equal(done.nodes.a.status, "reused");
      assert.equal(done.nodes.b.status, "executed");
      assert.equal(done.outputs.result, 7);
      await panel.waitFor({ state: "detached" });
    },
  ],
  [
    "Run of a workflow opened without a change runs its version, even one laid out on opening: nothing is saved",
    async (page, { assert }) => {
      // no positions: the canvas lays the nodes out when it opens them, which is no edit
      const g = graph("a * 2", Date.now());
      for (const n of g.nodes) delete n.position;
      const wf = await importWorkflow(page, g);
      await openEditor(page, wf, "c");
      const before = await runIds(page, wf);
      await page.getByTestId("run-button").click();
      await page.getByTestId("run-submit").click();
      await page.getByTestId("run-form").waitFor({ state: "detached" });
      const done = await waitRun(page, (await newRun(page, wf, before)).id);
      assert.equal(done.status, "completed", done.error);
      assert.equal(done.outputs.result, 5);
      const d = await call(page, "OpenWorkflow", wf);
      assert.deepEqual(d.versions.map((v) => v.label), ["v1"]);
      assert.equal(done.version_id, d.current.id);
    },
  ],
];
