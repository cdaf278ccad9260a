// The editor end to end, as a new user: create a workflow on the dashboard, declare a
// required input, build a graph from the palette by dragging handle to handle, see a bad
// connection refused, run without and with the input, save a version, edit, switch back and
// count the versions on the dashboard. The tests share one backend and run in order; each
// starts from a fresh page on the dashboard.

const WF = "Greeter";

/** openCard opens a workflow from its dashboard card and waits for the editor. */
async function openCard(page, name = WF) {
  await page.getByTestId("workflow-card").filter({ hasText: `${name} —` }).locator(".card-main").click();
  await page.getByTestId("workflow-name").filter({ hasText: name }).waitFor();
  await page.getByTestId("canvas").waitFor();
}

function workflowIdOf(page) {
  const m = /#\/workflow\/([^/?#]+)/.exec(new URL(page.url()).hash);
  if (!m) throw new Error(`not in an editor: ${page.url()}`);
  return decodeURIComponent(m[1]);
}

/** settledBox is an element's box once it stops moving (two reads 50 ms apart agree). */
async function settledBox(page, locator) {
  let prev = await locator.boundingBox();
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(50);
    const box = await locator.boundingBox();
    if (box && prev && Math.abs(box.x - prev.x) < 0.5 && Math.abs(box.y - prev.y) < 0.5) return box;
    prev = box;
  }
  return prev;
}

/** dragHandle drags from one handle to another with the mouse, as a person would. */
async function dragHandle(page, fromTestId, toTestId) {
  const from = page.getByTestId(fromTestId);
  const to = page.getByTestId(toTestId);
  await from.waitFor();
  await to.waitFor();
  // the canvas may still be fitting its view (auto-layout): read positions once they settle
  const a = await settledBox(page, from);
  const b = await settledBox(page, to);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2 + 10, (a.y + b.y) / 2 + 10, { steps: 6 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 6 });
  await page.mouse.up();
}

async function waitAutosaved(page) {
  await page.getByTestId("draft-state").filter({ hasText: "autosaved" }).waitFor();
}

async function draftState(page) {
  return (await page.getByTestId("draft-state").textContent()).trim();
}

export const tests = [
  ["a new workflow from the dashboard opens in the editor", async (page, { assert }) => {
    await page.getByRole("button", { name: "New workflow" }).click();
    const dialog = page.getByTestId("name-dialog");
    await dialog.getByLabel("Name").fill(WF);
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByTestId("workflow-name").filter({ hasText: WF }).waitFor();
    assert.equal(await page.title(), `Flowbench — ${WF}`);
    assert.match(await draftState(page), /^Saved as v1/);
    await page.getByText("An empty workflow").waitFor();
  }],

  ["a required input is declared in the inputs panel, its default checked as typed", async (page, { assert }) => {
    await openCard(page);
    await page.getByRole("tab", { name: /Inputs/ }).click();
    await page.getByRole("button", { name: "+ Add input" }).click();
    const row = page.getByTestId("input-row-0");
    await row.getByLabel("Input name").fill("name");
    await row.getByLabel("Input name").press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="input-row-0"] [aria-label="Input name"]')?.value === "name");
    // An integer default of 1.5 is refused while typing.
    await page.getByTestId("input-row-0").getByLabel("Input type").selectOption("integer");
    await page.getByTestId("input-row-0").getByLabel("Default of name").fill("1.5");
    const err = page.getByTestId("default-error");
    await err.waitFor();
    assert.equal(await err.textContent(), "want an integer, got 1.5");
    await page.getByTestId("input-row-0").getByLabel("Default of name").fill("");
    await err.waitFor({ state: "detached" });
    await page.getByTestId("input-row-0").getByLabel("Input type").selectOption("string");
    await page.getByTestId("input-row-0").getByLabel("Required").check();
    await waitAutosaved(page);
    assert.match(await draftState(page), /^Draft — unsaved changes/);
  }],

  ["nodes come from the palette and connect by dragging handles; a bad connection is refused", async (page, { assert }) => {
    await openCard(page);
    await page.getByRole("tab", { name: "Nodes" }).click();
    for (const type of ["flow.inputs", "text.template", "io.output", "image.blur"]) {
      await page.getByTestId(`palette-${type}`).click();
    }
    for (const id of ["in", "template", "out", "blur"]) await page.getByTestId(`node-${id}`).waitFor();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    // flow.inputs shows one output per declared input, in its type's colour.
    const nameHandle = page.getByTestId("handle-out-in-name");
    assert.match(await nameHandle.getAttribute("class"), /\bt-string\b/);

    await dragHandle(page, "handle-out-in-name", "handle-in-template-a");
    await page.getByTestId("rf__edge-in:name->template:a").waitFor({ state: "attached" }); // a level edge has no height: "visible" never holds
    await dragHandle(page, "handle-out-template-text", "handle-in-out-value");
    await page.getByTestId("rf__edge-template:text->out:value").waitFor({ state: "attached" });

    // string → image is refused, with the reason on screen.
    await dragHandle(page, "handle-out-in-name", "handle-in-blur-image");
    await page.getByTestId("toast").filter({ hasText: "Incompatible types: in.name gives string, blur.image accepts image." }).waitFor();
    assert.equal(await page.locator('[data-testid^="rf__edge-"][data-testid$="->blur:image"]').count(), 0);

    // Delete the stray node with the keyboard.
    await page.getByTestId("node-blur").click();
    await page.keyboard.press("Delete");
    await page.getByTestId("node-blur").waitFor({ state: "detached" });

    // Params through the inspector.
    await page.getByTestId("node-template").click();
    await page.locator("#param-template-template").fill("Hello, {{a}}!");
    await page.getByTestId("node-out").click();
    await page.locator("#param-out-name").fill("greeting");
    await page.getByTestId("node-out").getByText("greeting").waitFor();
    await waitAutosaved(page);
  }],

  ["running without the required input is refused inline and starts no run", async (page, { assert }) => {
    await openCard(page);
    const wf = workflowIdOf(page);
    await page.getByTestId("run-button").click();
    const form = page.getByTestId("run-form");
    await form.waitFor();
    await page.getByTestId("run-submit").click();
    await form.getByText("required string input is missing").waitFor();
    const runs = await page.evaluate((id) => window.go.main.App.ListRuns(id, 10), wf);
    assert.deepEqual(runs, []);

    await form.getByLabel("name").fill("Ada");
    await page.getByTestId("run-submit").click();
    await form.waitFor({ state: "detached" });
    const out = page.getByTestId("output-greeting");
    await out.waitFor();
    assert.equal((await out.locator("pre").textContent()).trim(), "Hello, Ada!");
    await page.getByTestId("run-status").filter({ hasText: "completed" }).waitFor();
    // Per-node status on the canvas.
    await page.getByTestId("node-template").getByTestId("node-status").filter({ hasText: /^done/ }).waitFor();
    // The changed draft was saved as v2 to run it.
    await page.getByTestId("draft-state").filter({ hasText: "Saved as v2" }).waitFor();
    const after = await page.evaluate((id) => window.go.main.App.ListRuns(id, 10), wf);
    assert.equal(after.length, 1);
    assert.equal(after[0].version_label, "v2");
  }],

  ["save a version, edit, switch back: the draft is kept as a version", async (page, { assert }) => {
    await openCard(page);
    const wf = workflowIdOf(page);
    await page.getByTestId("node-template").click();
    await page.locator("#param-template-template").fill("Hi, {{a}}!");
    await page.getByTestId("draft-state").filter({ hasText: "Draft — unsaved changes" }).waitFor();
    await page.getByTestId("save-version").click();
    await page.getByRole("dialog", { name: "Save version" }).getByLabel("Notes").fill("friendlier greeting");
    await page.getByTestId("save-version-submit").click();
    await page.getByTestId("draft-state").filter({ hasText: "Saved as v3" }).waitFor();
    assert.equal((await page.getByTestId("version-menu").textContent()).trim().split(/\s/)[0], "v3");

    // An edit, then back to v2 (the version that ran).
    await page.getByTestId("node-template").click();
    await page.locator("#param-template-template").fill("Hey, {{a}}!");
    await page.getByTestId("draft-state").filter({ hasText: "Draft — unsaved changes" }).waitFor();
    await page.getByTestId("version-menu").click();
    await page.getByTestId("version-v2").getByRole("button", { name: "Use this version" }).click();
    await page.getByTestId("draft-state").filter({ hasText: "Saved as v2" }).waitFor();
    assert.equal((await page.getByTestId("version-menu").textContent()).trim().split(/\s/)[0], "v2");
    await page.getByTestId("node-template").getByText("Hello, {{a}}!").waitFor();

    const detail = await page.evaluate((id) => window.go.main.App.OpenWorkflow(id), wf);
    assert.deepEqual(detail.versions.map((v) => v.label), ["v4", "v3", "v2", "v1"]);
    assert.equal(detail.versions[0].notes, "draft saved before switching version");
    assert.equal(detail.draft, null);

    await page.getByRole("button", { name: "Back to workflows" }).click();
    await page.getByTestId("workflow-card").filter({ hasText: `${WF} — 4 versions` }).waitFor();
    await page.getByTestId("workflow-card").filter({ hasText: WF }).getByText("completed").waitFor();
  }],

  ["quick add, copy/paste, undo/redo and the shortcut sheet work from the keyboard", async (page) => {
    await page.getByRole("button", { name: "New workflow" }).click();
    await page.getByTestId("name-dialog").getByLabel("Name").fill("Scratch");
    await page.getByTestId("name-dialog").getByRole("button", { name: "Create" }).click();
    await page.getByTestId("workflow-name").filter({ hasText: "Scratch" }).waitFor();
    await page.getByTestId("canvas").click({ position: { x: 300, y: 200 } });
    await page.keyboard.press("/");
    await page.getByTestId("quick-add").getByRole("textbox").fill("delay");
    await page.keyboard.press("Enter");
    await page.getByTestId("node-delay").waitFor();
    await page.getByTestId("node-delay").click();
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await page.getByTestId("node-delay_2").waitFor();
    await page.keyboard.press("Control+z");
    await page.getByTestId("node-delay_2").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Shift+z");
    await page.getByTestId("node-delay_2").waitFor();
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Backspace");
    await page.getByText("An empty workflow").waitFor();
    await page.keyboard.press("?");
    await page.getByTestId("help-sheet").getByText("Auto-layout").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("help-sheet").waitFor({ state: "detached" });
  }],

  ["cards rename, duplicate and delete (after a confirm)", async (page) => {
    const card = (text) => page.getByTestId("workflow-card").filter({ hasText: text });
    await card("Scratch —").getByTestId("card-menu").click();
    await page.getByRole("menuitem", { name: "Rename…" }).click();
    await page.getByTestId("name-dialog").getByLabel("Name").fill("Scratchpad");
    await page.getByTestId("name-dialog").getByRole("button", { name: "Rename" }).click();
    await card("Scratchpad —").waitFor();
    await card("Scratchpad —").getByTestId("card-menu").click();
    await page.getByRole("menuitem", { name: "Duplicate" }).click();
    await card("Scratchpad copy —").waitFor();
    await card("Scratchpad copy —").getByTestId("card-menu").click();
    await page.getByRole("menuitem", { name: "Delete…" }).click();
    await page.getByTestId("confirm-dialog").getByRole("button", { name: "Delete" }).click();
    await card("Scratchpad copy —").waitFor({ state: "detached" });
    await card("Scratchpad —").waitFor();
  }],

  ["an example opens in one click and runs with its defaults", async (page, { assert }) => {
    await page.getByRole("list", { name: "Examples" }).getByRole("button", { name: /^Branching/ }).click();
    await page.getByTestId("workflow-name").filter({ hasText: "Branching" }).waitFor();
    await page.getByTestId("run-button").click();
    await page.getByTestId("run-submit").click();
    const verdict = page.getByTestId("output-verdict");
    await verdict.waitFor();
    assert.equal((await verdict.locator("pre").textContent()).trim(), "pass: 72");
    await page.getByTestId("node-fail").getByTestId("node-status").filter({ hasText: "skipped" }).waitFor();
    // Running an unchanged graph does not make a version.
    assert.match(await draftState(page), /^Saved as v1/);
  }],
];
