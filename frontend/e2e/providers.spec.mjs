// Settings → Providers: add a provider with two URLs (a fake OpenAI-compatible server and a
// port nothing listens on), test it, see the result per URL with the models, edit and remove it.
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { call, importWorkflow, node, openEditor, selectNode, shot, waitFor, waitRun } from "./flows.mjs";

async function cli(...args) {
  const { stdout } = await promisify(execFile)(process.env.E2E_BIN, [...args, "--home", process.env.E2E_HOME], {
    env: { ...process.env, DISPLAY: "" },
  });
  return stdout;
}

/** startFake starts cmd/fakeserver and resolves to its base URL and a stop function. */
function startFake(kind) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.E2E_FAKESERVER, ["-kind", kind], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.on("error", reject);
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ url: line.trim(), stop: () => child.kill("SIGTERM") });
    });
  });
}

/** deadURL is the address of a port nothing listens on. */
function deadURL() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

export const tests = [
  {
    name: "add a provider with two URLs, test it per URL, edit and remove it",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      assert.ok(process.env.E2E_FAKESERVER, "e2e.sh builds cmd/fakeserver");
      const fake = await startFake("openai");
      const dead = await deadURL();
      try {
        await page.getByRole("button", { name: "Settings…" }).click();
        const dialog = page.getByTestId("providers-dialog");
        await dialog.waitFor({ state: "visible" });
        // A fresh data home has Ollama on this machine (and nothing else: TestProvidersFreshHomeHasOllamaOnly;
        // the suite shares one home, so other specs' providers may be listed here too).
        await page.getByTestId("provider-ollama").waitFor({ state: "visible" });
        assert.equal(await page.getByTestId("provider-gpus").count(), 0);

        await dialog.getByRole("button", { name: "Add provider" }).click();
        const form = page.getByRole("form", { name: "New provider" });
        await form.getByLabel("Name").fill("gpus");
        await form.getByLabel("Kind").selectOption("openai");
        await form.getByLabel("URLs, one per line").fill(`${fake.url}\n${dead}`);
        await form.getByRole("button", { name: "Save and test" }).click();

        const row = page.getByTestId("provider-gpus");
        const summary = row.getByTestId("provider-test-summary");
        await summary.waitFor({ state: "visible", timeout: 20_000 });
        assert.equal((await summary.textContent()).trim(), "Test: 1 of 2 URLs reachable");
        await row.getByText(/ok · 5 models: fake-chat/).waitFor({ state: "visible" });
        await row.getByText(/cannot reach .*connection refused/).waitFor({ state: "visible" });
        await shot(page, "settings-providers.png");

        // The CLI sees what the window saved.
        const list = JSON.parse(await cli("providers", "--json"));
        const gpus = list.providers.find((p) => p.name === "gpus");
        assert.deepEqual(gpus.urls, [fake.url, dead]);
        assert.equal(gpus.concurrency, 4);

        // Edit: one URL and 2 jobs at once.
        await row.getByRole("button", { name: "Edit" }).click();
        const edit = page.getByRole("form", { name: "Edit provider gpus" });
        await edit.getByLabel("URLs, one per line").fill(fake.url);
        await edit.getByLabel("Jobs at once per URL").fill("2");
        await edit.getByRole("button", { name: "Save and test" }).click();
        await waitFor(page, async () => (await summary.textContent()).includes("Test: ok"), "the edited provider tests ok", 20_000);
        await row.getByText("×2 per URL").waitFor({ state: "visible" });

        // A bad URL is refused with a message naming it, nothing saved.
        await dialog.getByRole("button", { name: "Add provider" }).click();
        const bad = page.getByRole("form", { name: "New provider" });
        await bad.getByLabel("Name").fill("broken");
        await bad.getByLabel("URLs, one per line").fill("localhost:8188");
        await bad.getByRole("button", { name: "Save and test" }).click();
        await bad.getByRole("alert").getByText(/"localhost:8188"/).waitFor({ state: "visible" });
        await bad.getByRole("button", { name: "Cancel" }).click();

        await row.getByRole("button", { name: "Remove" }).click();
        await row.waitFor({ state: "detached" });
        assert.ok(!(await cli("providers", "--json")).includes('"gpus"'));
      } finally {
        fake.stop();
      }
    },
  },
  {
    name: "an image.generate node offers its provider's models and runs on the provider's pool",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const fake = await startFake("openai");
      const dead = await deadURL();
      try {
        await cli("providers", "set", "local-gpus", "--kind", "openai", "--url", dead, "--url", fake.url);
        const id = await importWorkflow(page, {
          name: "Generated image",
          nodes: [
            { id: "gen", type: "image.generate", position: { x: 0, y: 0 },
              params: { provider: "local-gpus", model: "fake-image", prompt: "a lighthouse at dusk", width: 256, height: 192, seed: 7 } },
          ],
          edges: [],
        });
        await openEditor(page, id, "gen");
        await selectNode(page, "gen");
        const options = page.getByTestId("param-model-options").locator("option");
        await waitFor(page, async () => (await options.count()) === 5, "the provider's 5 models offered", 15_000);
        assert.ok((await options.evaluateAll((os) => os.map((o) => o.value))).includes("fake-image"));
        const r = await call(page, "StartRun", { workflow_id: id, version_id: "", inputs: {}, from: "" });
        const done = await waitRun(page, r.id);
        assert.equal(done.status, "completed", done.error);
        // The dead URL was set aside and the job went to the live one.
        const gen = (await call(page, "RunGenerations", r.id)).gen;
        assert.equal(gen.cost.url, fake.url);
        assert.equal(gen.cost.provider, "local-gpus");
        assert.equal(gen.cost.seed, 7);
        await node(page, "gen").locator("img").first().waitFor({ state: "visible", timeout: 15_000 });
        await shot(page, "generated-image.png");
      } finally {
        fake.stop();
      }
    },
  },
  {
    name: "a seed sweep of six image.generate runs spreads over both ComfyUI URLs of a provider",
    timeout: 90_000,
    fn: async (page, { assert }) => {
      const a = await startFake("comfyui");
      const b = await startFake("comfyui");
      try {
        await cli("providers", "set", "comfy-pool", "--kind", "comfyui", "--url", a.url, "--url", b.url);
        const id = await importWorkflow(page, {
          name: "Seed sweep",
          inputs: [{ name: "seed", type: "integer", required: true }],
          nodes: [
            { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
            { id: "gen", type: "image.generate", position: { x: 260, y: 0 },
              params: { provider: "comfy-pool", model: "sd_xl_base_1.0.safetensors", prompt: "a lighthouse, seed {{seed}}",
                width: 192, height: 128, steps: 8, seed: "{{seed}}" } },
          ],
          edges: [],
        });
        await openEditor(page, id, "gen");
        const runs = await call(page, "StartBatch", { workflow_id: id, version_id: "", inputs: {}, from: "" },
          [1, 2, 3, 4, 5, 6].map((seed) => ({ seed })));
        assert.equal(runs.length, 6);
        const urls = {};
        for (const r of runs) {
          const done = await waitRun(page, r.id, 60_000);
          assert.equal(done.status, "completed", done.error);
          const gen = (await call(page, "RunGenerations", r.id)).gen;
          urls[gen.cost.url] = (urls[gen.cost.url] ?? 0) + 1;
          assert.equal(gen.outputs.seed, gen.cost.seed);
        }
        assert.ok(urls[a.url] > 0 && urls[b.url] > 0, `work went to both URLs: ${JSON.stringify(urls)}`);
        assert.equal(urls[a.url] + urls[b.url], 6);
        await node(page, "gen").locator("img").first().waitFor({ state: "visible", timeout: 15_000 });
        await shot(page, "comfyui-seed-sweep.png");
      } finally {
        a.stop();
        b.stop();
      }
    },
  },
];
