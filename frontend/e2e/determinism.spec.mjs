// The inspector says whether this node, with its params, is deterministic (issue 11): a
// seeded image.noise is, the same node without a seed is not, and clearing or typing the
// seed changes what it says.
import { importWorkflow, openEditor, selectNode, shot } from "./flows.mjs";

const noise = {
  name: "Noise seeds",
  inputs: [],
  nodes: [
    { id: "seeded", type: "image.noise", label: "Seeded", params: { seed: 7, width: 64, height: 64 }, position: { x: 0, y: 0 } },
    { id: "free", type: "image.noise", label: "Unseeded", params: { width: 64, height: 64 }, position: { x: 0, y: 200 } },
  ],
  edges: [],
};

export const tests = [
  [
    "the inspector says a seeded noise image is deterministic and an unseeded one is not",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, noise);
      await openEditor(page, wf, "seeded");
      const head = page.getByTestId("inspector").locator(".inspector-head");
      const says = async () => (await head.textContent()) ?? "";

      await selectNode(page, "seeded");
      await head.getByText("image.noise").waitFor();
      await page.waitForTimeout(300); // the backend's answer replaces the type's flag
      assert.doesNotMatch(await says(), /nondeterministic/, "a seeded noise image is deterministic");
      await shot(page, "inspector-seeded.png");

      await selectNode(page, "free");
      await head.getByText("nondeterministic").waitFor({ timeout: 5_000 });

      // typing a seed makes it deterministic, clearing it again does not
      const seed = page.getByTestId("param-seed").locator("input");
      await seed.fill("12");
      await head.getByText("nondeterministic").waitFor({ state: "detached", timeout: 5_000 });
      await seed.fill("");
      await head.getByText("nondeterministic").waitFor({ timeout: 5_000 });
    },
  ],
];
