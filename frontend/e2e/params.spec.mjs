// Params are checked while they are edited (SPEC §4): a broken expression typed in the
// inspector shows its problem under the field and as a badge on the node, before anything is
// saved or run; fixing it clears both. A version cannot be saved meanwhile.
import { call, importWorkflow, node, openEditor, selectNode, shot, waitFor } from "./flows.mjs";

const parity = {
  name: "Parity",
  inputs: [{ name: "n", type: "integer", description: "", required: false, default: 3 }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "calc", type: "math.expr", label: "Parity", params: { expression: "a % 2" }, position: { x: 300, y: 0 } },
    { id: "out", type: "io.output", params: { name: "odd" }, position: { x: 600, y: 0 } },
  ],
  edges: [
    { source: "in", sourceHandle: "n", target: "calc", targetHandle: "a" },
    { source: "calc", sourceHandle: "result", target: "out", targetHandle: "value" },
  ],
};

export const tests = [
  [
    "a broken expression typed in the inspector shows under the field and as a badge on the node",
    async (page, { assert, screenshot }) => {
      const wf = await importWorkflow(page, parity);
      await openEditor(page, wf, "calc");
      await selectNode(page, "calc");
      const field = page.getByTestId("param-expression");
      const input = field.locator("input");
      await input.waitFor();
      const badge = node(page, "calc").getByTestId("node-problems");
      assert.equal(await badge.count(), 0, "a valid node has no badge");

      // typed key by key, as a person does: the check waits for a pause in typing
      // (an emptied field falls back to the default, so the text is replaced by typing over it)
      await input.click();
      await input.press("ControlOrMeta+a");
      await input.pressSequentially("int(a) %% 2 +", { delay: 20 });
      assert.equal(await input.inputValue(), "int(a) %% 2 +");
      const error = field.getByTestId("param-error");
      await error.waitFor({ timeout: 10_000 });
      const text = await error.textContent();
      assert.match(text, /does not compile/, `the field says why: ${text}`);
      assert.match(text, /int\(a\) %% 2 \+/, "it quotes the expression");
      assert.equal(await input.getAttribute("aria-invalid"), "true");
      await badge.waitFor({ timeout: 5_000 });
      assert.match(await badge.getAttribute("title"), /^expression: .*does not compile/, "the badge's tooltip names the param");
      // only the field shows it: the list on top of the inspector holds the other problems
      assert.equal(await page.getByTestId("inspector").getByTestId("problems").count(), 0);

      // the draft is kept (it may be invalid while edited), but it cannot become a version
      await waitFor(page, async () => (await call(page, "OpenWorkflow", wf)).draft?.nodes?.find((n) => n.id === "calc")?.params?.expression === "int(a) %% 2 +", "the draft autosaved");
      const refused = await call(page, "SaveVersion", wf, (await call(page, "OpenWorkflow", wf)).draft, "broken").then(
        () => "",
        (e) => String(e?.message ?? e),
      );
      assert.match(refused, /node "calc" param "expression"/, `saving a version is refused naming node and param: ${refused}`);

      const path = await shot(page, "param-error.png");
      assert.ok(path.endsWith("param-error.png"));

      // Run refuses too, before any node runs, and says which node and param
      const before = (await call(page, "ListRuns", wf, 50)).length;
      await page.getByRole("button", { name: "Run", exact: false }).filter({ hasText: /^▶?\s*Run$/ }).first().click();
      const form = page.getByTestId("run-form");
      if (await form.isVisible().catch(() => false)) await page.getByTestId("run-submit").click();
      await page.getByText(/node "calc" param "expression"/).first().waitFor({ timeout: 10_000 });
      assert.equal((await call(page, "ListRuns", wf, 50)).length, before, "no run was queued");
      await screenshot("run-refused");
      if (await form.isVisible().catch(() => false)) await form.getByRole("button", { name: "Cancel" }).click();

      // fixed, both go away
      await input.fill("int(a) % 2");
      await error.waitFor({ state: "detached", timeout: 10_000 });
      await badge.waitFor({ state: "detached", timeout: 10_000 });
    },
  ],
];
