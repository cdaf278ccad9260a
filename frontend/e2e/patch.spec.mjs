// The window sends the edit, not the graph: an edited param is autosaved as a patch of the
// base version (SaveDraftPatch, CheckGraphPatch: no whole graph crosses the bridge), comes back
// after a reload as the draft, and Run changed of it runs the patched graph, saving one version;
// Run changed clicked before the autosave's delay saves no draft at all; Save version sends the
// edit as a patch too.
import { call, abcFlow, importWorkflow, newRun, openEditor, runIds, selectNode, shot, waitRun } from "./flows.mjs";

const graph = (bExpr, salt) => abcFlow("Patched", bExpr, salt);

/** sentCalls records the names of the bound methods the page calls from now on (the dev
 * build's bridge carries each call as a websocket message naming it). */
function sentCalls(page) {
  const calls = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", (f) => {
      const text = typeof f.payload === "string" ? f.payload : f.payload.toString();
      const m = /"name":"main\.App\.(\w+)"/.exec(text);
      if (m) calls.push({ name: m[1], bytes: text.length, patch: text.includes('"patch":{') });
    }),
  );
  return calls;
}

async function reload(page) {
  await page.reload({ waitUntil: "load" });
  await page.waitForFunction(() => window.go?.main?.App && window.runtime?.EventsOn, null, { timeout: 15_000 });
}

export const tests = [
  [
    "an edited param is autosaved as a patch, comes back after a reload, and Run changed runs it as one new version",
    async (page, { assert }) => {
      const salt = Date.now();
      const wf = await importWorkflow(page, graph("a * 2", salt));
      const first = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
      assert.equal((await waitRun(page, first.id)).outputs.result, 5);
      const v1 = (await call(page, "OpenWorkflow", wf)).current.id;

      const calls = sentCalls(page);
      await reload(page); // the bridge's websocket is opened again, with the recorder on it
      await openEditor(page, wf, "b");
      await selectNode(page, "b");
      const field = page.locator("#param-b-expression");
      await field.fill(`a * 3 + ${salt} - ${salt}`);
      await page.getByTestId("draft-state").filter({ hasText: "autosaved" }).waitFor();
      await shot(page, "patch-autosaved.png");
      const names = calls.map((c) => c.name);
      assert.ok(names.includes("SaveDraftPatch"), `calls ${names}`);
      assert.ok(names.includes("CheckGraphPatch"), `calls ${names}`);
      assert.ok(!names.includes("SaveDraft") && !names.includes("CheckGraph"), `the whole graph was sent: ${names}`);
      const saved = await call(page, "OpenWorkflow", wf);
      assert.equal(saved.draft_base_id, v1);
      assert.equal(saved.draft.nodes.find((n) => n.id === "b").params.expression, `a * 3 + ${salt} - ${salt}`);
      assert.deepEqual(saved.draft.nodes.map((n) => n.id), ["a", "b", "c", "out"]);

      await reload(page);
      await openEditor(page, wf, "b");
      await page.getByTestId("draft-state").filter({ hasText: "Draft" }).waitFor();
      await selectNode(page, "b");
      assert.equal(await page.locator("#param-b-expression").inputValue(), `a * 3 + ${salt} - ${salt}`);

      const before = await runIds(page, wf);
      calls.length = 0;
      await page.getByTestId("run-menu").click();
      await page.getByRole("menuitem", { name: /^Run changed/ }).click();
      const done = await waitRun(page, (await newRun(page, wf, before)).id);
      assert.equal(done.status, "completed", done.error);
      assert.equal(done.mode, "changed");
      assert.equal(done.outputs.result, 7);
      assert.equal(done.nodes.a.status, "reused");
      assert.equal(done.nodes.b.status, "executed");
      const start = calls.find((c) => c.name === "StartRun");
      assert.ok(start?.patch, `calls ${calls.map((c) => c.name)}; the run sends the edit as a patch`);
      const d = await call(page, "OpenWorkflow", wf);
      assert.deepEqual(d.versions.map((v) => v.label), ["v2", "v1"]);
      assert.equal(done.version_id, d.current.id);
      assert.equal(d.draft, null);
      await page.getByTestId("draft-state").filter({ hasText: "Saved as v2" }).waitFor();

      // Run changed clicked within the autosave's delay: the edit is not saved as a draft
      // first (the run saves it as a version, which drops the draft)
      calls.length = 0;
      const again = await runIds(page, wf);
      await selectNode(page, "b");
      await page.locator("#param-b-expression").fill(`a * 4 + ${salt} - ${salt}`);
      await page.getByTestId("run-menu").click();
      await page.getByRole("menuitem", { name: /^Run changed/ }).click();
      const next = await waitRun(page, (await newRun(page, wf, again)).id);
      assert.equal(next.status, "completed", next.error);
      assert.equal(next.outputs.result, 9);
      await page.getByTestId("draft-state").filter({ hasText: "Saved as v3" }).waitFor();
      await page.waitForTimeout(800); // past the autosave's delay
      const sent = calls.map((c) => c.name);
      assert.ok(sent.includes("StartRun"), `calls ${sent}`);
      assert.ok(!sent.includes("SaveDraftPatch") && !sent.includes("SaveDraft"), `the draft was saved before or after the run that saved it: ${sent}`);
      const d3 = await call(page, "OpenWorkflow", wf);
      assert.deepEqual(d3.versions.map((v) => v.label), ["v3", "v2", "v1"]);
      assert.equal(d3.draft, null);

      // Save version sends the edit as a patch too
      calls.length = 0;
      await selectNode(page, "b");
      await page.locator("#param-b-expression").fill(`a * 5 + ${salt} - ${salt}`);
      await page.getByTestId("save-version").click();
      await page.getByRole("dialog", { name: "Save version" }).getByLabel("Notes").fill("five");
      await page.getByTestId("save-version-submit").click();
      await page.getByTestId("draft-state").filter({ hasText: "Saved as v4" }).waitFor();
      const saves = calls.map((c) => c.name);
      assert.ok(saves.includes("SaveVersionPatch") && !saves.includes("SaveVersion"), `calls ${saves}`);
      const d4 = await call(page, "OpenWorkflow", wf);
      assert.deepEqual(d4.versions.map((v) => v.label), ["v4", "v3", "v2", "v1"]);
      assert.equal(d4.versions[0].notes, "five");
      assert.equal(d4.current.graph.nodes.find((n) => n.id === "b").params.expression, `a * 5 + ${salt} - ${salt}`);
      assert.equal(d4.draft, null);
    },
  ],
];
