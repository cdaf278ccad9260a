// Files dropped from the OS: the window gets the Wails "filedrop" event (window point + paths).
// Here the dev build's "e2e:filedrop" hands the drop to the Go handler of real OS drops, which
// records the paths as chosen (bound methods read no others) and sends "filedrop" to the page.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, dropFiles, newRun, node, waitFor, waitRun, writePNG } from "./flows.mjs";

async function emptyEditor(page) {
  const wf = await call(page, "CreateWorkflow", `Drop ${Date.now().toString(36)}`);
  await page.evaluate((id) => (location.hash = `#/workflow/${encodeURIComponent(id)}`), wf.id);
  await page.getByTestId("canvas").waitFor();
  await page.waitForTimeout(300);
  return wf.id;
}

async function drop(page, paths, at) {
  const box = await page.getByTestId("canvas").boundingBox();
  const x = at?.x ?? Math.round(box.x + box.width / 2);
  const y = at?.y ?? Math.round(box.y + box.height / 2);
  await dropFiles(page, { x, y, paths });
  return { x, y };
}

export const tests = [
  [
    "a PNG dropped on the canvas becomes an image node with its preview",
    async (page, { assert }) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-drop-"));
      const png = writePNG(join(dir, "gradient.png"), 64, 48);
      const wf = await emptyEditor(page);
      await drop(page, [png]);
      const n = page.locator(".react-flow__node").filter({ hasText: "image.load" });
      await n.waitFor({ timeout: 5000 });
      // the copied asset shows at once, before any run
      const img = n.getByTestId("node-thumb").locator("img");
      await img.waitFor();
      await waitFor(page, () => img.evaluate((el) => el.complete && el.naturalWidth === 64), "thumbnail loaded");
      assert.match(await page.getByTestId("drop-choice").innerText(), /Copied 1 file/);
      // the node holds an asset copied into the store; running the workflow loads the image
      await page.getByTestId("run-button").click();
      await page.getByTestId("run-submit").click();
      await page.getByTestId("run-form").waitFor({ state: "detached" });
      const run = await newRun(page, wf, []);
      const done = await waitRun(page, run.id);
      assert.equal(done.status, "completed", done.error);
      const id = await n.getAttribute("data-id");
      assert.equal(done.nodes[id].status, "executed");
      assert.equal(done.nodes[id].error, "");
      // after the run the preview is the node's current generation: the same image
      await waitFor(page, async () => (await node(page, id).getByTestId("node-status").innerText()).startsWith("done"), "node done");
      await waitFor(page, () => node(page, id).getByTestId("node-thumb").locator("img").evaluate((el) => el.naturalWidth === 64), "preview after run");
    },
  ],

  [
    "link instead of copy: a modifier key held, or chosen after the drop",
    async (page) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-drop-"));
      const png = writePNG(join(dir, "linked.png"), 32, 32);
      await emptyEditor(page);
      await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
      await page.keyboard.down("Alt");
      await drop(page, [png]);
      // the drop reaches the page through the app, as from the OS: the key stays held till then
      await page.getByTestId("drop-choice").filter({ hasText: "Linked 1 file" }).waitFor();
      await page.keyboard.up("Alt");
      const n = page.locator(".react-flow__node").filter({ hasText: "image.load" });
      // the node stays where it was dropped, the popover just below the pointer: click its title
      await n.locator(".fb-head").click();
      await waitFor(page, async () => (await page.getByTestId("inspector").innerText()).includes("linked.png"), "path param shown");
      // and back to a copy
      await page.getByTestId("drop-copy-instead").click();
      await page.getByTestId("drop-choice").filter({ hasText: "Copied 1 file" }).waitFor();
      await n.getByTestId("node-thumb").locator("img").waitFor();
    },
  ],

  [
    "unsupported files get a clear message and no node",
    async (page, { assert }) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-drop-"));
      const exe = join(dir, "setup.exe");
      writeFileSync(exe, "MZ");
      const bmp = join(dir, "scan.bmp");
      writeFileSync(bmp, "BM");
      await emptyEditor(page);
      await drop(page, [exe, bmp]);
      await page.getByText("setup.exe: .exe files are not supported").waitFor();
      await page.getByText("scan.bmp: .bmp images can't be read. Use PNG, JPEG, GIF or WebP.").waitFor();
      assert.equal(await page.locator(".react-flow__node").count(), 0);
    },
  ],

  [
    "a file dropped on a media field of the run form fills it",
    async (page, { assert }) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-drop-"));
      const png = writePNG(join(dir, "photo.png"), 40, 30);
      const r = await call(
        page,
        "ImportJSON",
        JSON.stringify({
          format: "flowbench.workflow/1",
          name: `Photo ${Date.now().toString(36)}`,
          inputs: [{ name: "photo", type: "image", description: "", required: true }],
          nodes: [
            { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
            { id: "g", type: "image.grayscale", position: { x: 260, y: 0 } },
          ],
          edges: [{ source: "in", sourceHandle: "photo", target: "g", targetHandle: "image" }],
        }),
        "",
      );
      await page.evaluate((id) => (location.hash = `#/workflow/${encodeURIComponent(id)}`), r.workflow_id);
      await node(page, "g").waitFor();
      await page.getByRole("button", { name: "Run", exact: false }).filter({ hasText: /^▶ Run$/ }).click();
      const field = page.getByTestId("run-field-photo");
      await field.waitFor();
      const box = await field.boundingBox();
      await drop(page, [png], { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) });
      await field.getByText("photo.png").waitFor();
      // a wrong kind is refused with a message
      const wav = join(dir, "sound.wav");
      writeFileSync(wav, "RIFF");
      await drop(page, [wav], { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) });
      await page.getByText("sound.wav is an audio file; this field takes an image.").waitFor();
      await page.getByTestId("run-submit").click();
      await page.getByTestId("run-form").waitFor({ state: "detached" });
      const runs = await call(page, "ListRuns", r.workflow_id, 1);
      const done = await waitRun(page, runs[0].id);
      assert.equal(done.status, "completed", done.error);
      assert.equal(done.inputs.photo.name, "photo.png");
    },
  ],
  [
    "a linked file that changes on disk marks its node stale, saying why",
    async (page, { assert }) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-drop-"));
      const png = writePNG(join(dir, "watched.png"), 32, 32);
      const wf = await emptyEditor(page);
      await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
      await page.keyboard.down("Alt");
      await drop(page, [png]);
      // the drop reaches the page through the app, as from the OS: the key stays held till then
      await page.getByTestId("drop-choice").filter({ hasText: "Linked 1 file" }).waitFor();
      await page.keyboard.up("Alt");
      const n = page.locator(".react-flow__node").filter({ hasText: "image.load" });
      const id = await n.getAttribute("data-id");
      await page.getByTestId("run-button").click();
      await page.getByTestId("run-submit").click();
      const done = await waitRun(page, (await newRun(page, wf, [])).id);
      assert.equal(done.status, "completed", done.error);
      assert.equal(await node(page, id).getByTestId("stale-badge").count(), 0);
      // the file changes on disk: the watcher says so, the badge explains
      await page.waitForTimeout(300);
      writePNG(png, 40, 40);
      const badge = node(page, id).getByTestId("stale-badge");
      await badge.waitFor({ timeout: 10_000 });
      assert.match(await badge.getAttribute("title"), /its linked file changed on disk/);
    },
  ],
];
