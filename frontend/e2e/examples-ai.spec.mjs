// The AI examples in the gallery (issue 13 item 6): the storyboard says which servers it needs
// and links to Settings → Providers while they are not set up or do not answer; once they are
// (a fake OpenAI-compatible server for chat and images), it runs and shows the board.
import { call, shot, waitFor, waitRun } from "./flows.mjs";
import { cli, startFake } from "./fakes.mjs";

export const tests = [
  {
    name: "the storyboard example needs servers, links to Settings, then runs on them",
    timeout: 120_000,
    fn: async (page, { assert }) => {
      const fake = await startFake("openai", "-models", "llama3.2,sd_xl_base_1.0.safetensors",
        "-chat-json", '{"scenes":["a lighthouse in a storm","a bottle on the rocks","the keeper reads by lamplight","a ship answers the light"]}');
      try {
        await page.evaluate(() => (location.hash = "#/"));
        const card = page.getByRole("list", { name: "Examples" }).getByRole("listitem").filter({ hasText: /^Storyboard/ });
        assert.match(await card.getByTestId("example-needs").textContent(), /needs images, ollama/);
        await card.getByRole("button", { name: /^Storyboard/ }).click();
        await page.getByTestId("workflow-name").filter({ hasText: "Storyboard" }).waitFor();
        // nothing answers at Ollama's address here, and there is no "images" provider
        const bar = page.getByTestId("needs-server");
        await bar.waitFor({ state: "visible", timeout: 20_000 });
        await bar.getByText(/Provider "images" \(node gen\) is not set up\./).waitFor();
        await bar.getByText(/Provider "ollama" \(node write\) does not answer — .*127\.0\.0\.1:11434/).waitFor({ timeout: 20_000 });
        await shot(page, "example-needs-server.png");

        await bar.getByRole("button", { name: "Settings → Providers" }).click();
        const dialog = page.getByTestId("providers-dialog");
        await dialog.waitFor({ state: "visible" });
        await cli("providers", "set", "ollama", "--kind", "openai", "--url", fake.url);
        await cli("providers", "set", "images", "--kind", "openai", "--url", fake.url);
        await dialog.getByRole("button", { name: "Done" }).click();
        await bar.waitFor({ state: "detached", timeout: 20_000 });

        const m = decodeURIComponent(await page.evaluate(() => location.hash)).match(/#\/workflow\/([^/?]+)/);
        const r = await call(page, "StartRun", { workflow_id: m[1], version_id: "", inputs: {}, from: "" });
        const done = await waitRun(page, r.id, 90_000);
        assert.equal(done.status, "completed", done.error);
        assert.equal(done.outputs.scenes.length, 4);
        // the board in the results (the whole example is too wide to show previews on its nodes)
        const results = page.getByTestId("results-panel");
        if ((await results.locator(".results-bar").getAttribute("aria-expanded")) !== "true") await results.locator(".results-bar").click();
        const img = page.getByTestId("output-board").locator("img");
        await img.waitFor({ timeout: 20_000 });
        await waitFor(page, () => img.evaluate((el) => el.complete && el.naturalWidth > 0), "the board loaded", 20_000);
        await page.locator(".react-flow__controls-fitview").click();
        await shot(page, "example-storyboard.png");
      } finally {
        fake.stop();
      }
    },
  },
];
