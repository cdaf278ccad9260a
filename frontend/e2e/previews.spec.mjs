// Previews of node outputs: streamed llm.chat text on the node as it arrives (a local
// OpenAI-compatible server in the test), an image thumbnail that enlarges on click, a JSON
// tree, text shown as text with a copy button, and audio and video players.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, choosePaths, importWorkflow, node, openEditor, selectNode, waitFor, waitRun } from "./flows.mjs";

/** chatServer streams `chunks` as server-sent events, `gapMs` apart. */
function chatServer(chunks, gapMs) {
  const server = createServer(async (req, res) => {
    if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    req.resume(); // the request body is not needed
    await new Promise((done) => req.on("end", done));
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    for (const c of chunks) {
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: c } }] })}\n\n`);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** wav writes a short 8 kHz mono sine tone. */
function wav(path, seconds = 0.5) {
  const rate = 8000;
  const n = Math.round(rate * seconds);
  const b = Buffer.alloc(44 + n * 2);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  writeFileSync(path, b);
  return path;
}

export const tests = [
  [
    "streamed llm.chat text appears on the node as it arrives",
    async (page, { assert }) => {
      const server = await chatServer(["Once", " upon", " a", " time", "."], 450);
      try {
        const { port } = server.address();
        const wf = await importWorkflow(page, {
          name: "Chat",
          nodes: [
            {
              id: "chat",
              type: "llm.chat",
              params: { base_url: `http://127.0.0.1:${port}/v1`, model: "test", prompt: "Tell a story" },
              position: { x: 0, y: 0 },
            },
          ],
          edges: [],
        });
        await openEditor(page, wf, "chat");
        await selectNode(page, "chat");
        const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
        const live = node(page, "chat").getByTestId("node-live-text");
        // part of the text is there while the node still runs
        await waitFor(page, async () => (await live.count()) && /^Once upon/.test(await live.innerText()), "partial text");
        const partial = await live.innerText();
        assert.notEqual(partial, "Once upon a time.");
        assert.equal((await call(page, "GetRun", r.id)).status, "running");
        // the generation viewer streams it too
        await waitFor(page, async () => /Once upon/.test(await page.getByTestId("gen-viewer").innerText()), "viewer streams");
        assert.equal((await waitRun(page, r.id)).status, "completed");
        await waitFor(page, async () => /Once upon a time\./.test(await node(page, "chat").innerText()), "whole text on the node");
      } finally {
        server.close();
      }
    },
  ],

  [
    "image, JSON, text, audio and video outputs each show as what they are",
    async (page, { assert }) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-previews-"));
      const tone = wav(join(dir, "tone.wav"));
      await choosePaths(page, [tone]);
      const sound = await call(page, "ImportMedia", tone, "audio");
      let movie = null;
      if (existsSync("/usr/bin/ffmpeg")) {
        const out = join(dir, "clip.webm");
        execFileSync("/usr/bin/ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5", "-y", out]);
        await choosePaths(page, [out]);
        movie = await call(page, "ImportMedia", out, "video");
      }
      const wf = await importWorkflow(page, {
        name: "Previews",
        nodes: [
          { id: "noise", type: "image.noise", params: { width: 96, height: 64, seed: 3 }, position: { x: 0, y: 0 } },
          { id: "obj", type: "code.js", params: { code: "return {answer: 42, list: [1, 2, 3], nested: {html: '<b>bold?</b>'}}" }, position: { x: 260, y: 0 } },
          { id: "txt", type: "text.template", params: { template: "<script>alert(1)</script> & <b>not bold</b>" }, position: { x: 520, y: 0 } },
          { id: "sound", type: "audio.load", params: { asset: sound.asset }, position: { x: 0, y: 260 } },
          ...(movie ? [{ id: "movie", type: "video.load", params: { asset: movie.asset }, position: { x: 260, y: 260 } }] : []),
        ],
        edges: [],
      });
      await openEditor(page, wf, "noise");
      const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
      const done = await waitRun(page, r.id);
      assert.equal(done.status, "completed", done.error);

      // image: a thumbnail on the node and in the viewer; a click shows it large
      await node(page, "noise").getByTestId("node-thumb").locator("img").waitFor();
      await selectNode(page, "noise");
      const thumb = page.getByTestId("gen-single").locator(".pv-thumb img");
      await waitFor(page, () => thumb.evaluate((el) => el.complete && el.naturalWidth === 96), "viewer image");
      await page.getByTestId("gen-single").locator(".pv-thumb").click();
      const box = page.getByTestId("lightbox");
      await box.waitFor();
      assert.equal(await box.locator("img").evaluate((el) => el.naturalWidth), 96);
      await page.keyboard.press("Escape");
      await box.waitFor({ state: "detached" });

      // JSON: a tree with its keys; text inside it stays text
      await selectNode(page, "obj");
      const tree = page.getByTestId("json-tree");
      await tree.waitFor();
      const treeText = await tree.innerText();
      for (const k of ["answer", "42", "list", "nested"]) assert.ok(treeText.includes(k), `tree shows ${k}`);
      assert.equal(await tree.locator("b").count(), 0);

      // text: as text, never HTML; a copy button
      await selectNode(page, "txt");
      const pre = page.getByTestId("gen-single").getByTestId("text-preview");
      await pre.waitFor();
      assert.equal(await pre.innerText(), "<script>alert(1)</script> & <b>not bold</b>");
      assert.equal(await pre.locator("b, script").count(), 0);
      await page.getByTestId("gen-single").getByRole("button", { name: "Copy" }).click();
      await page.getByTestId("gen-single").getByRole("button", { name: /Copied|Copy failed/ }).waitFor();

      // audio and video: players on the stored assets
      await selectNode(page, "sound");
      const audio = page.getByTestId("gen-single").getByTestId("audio-preview");
      await audio.waitFor();
      assert.match(await audio.getAttribute("src"), /^\/assets\/[0-9a-f]{64}$/);
      await waitFor(page, () => audio.evaluate((el) => el.readyState >= 1 && el.duration > 0.4), "audio metadata");
      if (movie) {
        await selectNode(page, "movie");
        const video = page.getByTestId("gen-single").getByTestId("video-preview");
        await video.waitFor();
        await waitFor(page, () => video.evaluate((el) => el.readyState >= 1 && el.videoWidth === 64), "video metadata");
      }
    },
  ],
  [
    "an SVG asset shows as an image; opened on its own, its script does not run",
    async (page, { assert }) => {
      const dir = mkdtempSync(join(tmpdir(), "flowbench-svg-"));
      const path = join(dir, "badge.svg");
      writeFileSync(
        path,
        `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><script>document.title = "pwned"</script>` +
          `<rect width="40" height="20" fill="teal"/></svg>`,
      );
      // bound methods read only files the person chose: choose it as the dialog would
      await choosePaths(page, [path]);
      const ref = await call(page, "ImportMedia", path, "file");
      const res = await page.evaluate(async (sha) => {
        const r = await fetch(`/assets/${sha}`);
        return { type: r.headers.get("content-type"), csp: r.headers.get("content-security-policy") };
      }, ref.asset);
      assert.equal(res.type, "image/svg+xml");
      assert.match(res.csp, /sandbox/);
      const width = await page.evaluate(
        (sha) =>
          new Promise((resolve) => {
            const img = new Image();
            img.onload = () => resolve(img.naturalWidth);
            img.onerror = () => resolve(-1);
            img.src = `/assets/${sha}`;
          }),
        ref.asset,
      );
      assert.equal(width, 40, "the SVG renders in an <img>");
      await page.goto(new URL(`/assets/${ref.asset}`, page.url()).href);
      await page.waitForTimeout(300);
      assert.notEqual(await page.title(), "pwned", "the SVG's script ran");
    },
  ],
];
