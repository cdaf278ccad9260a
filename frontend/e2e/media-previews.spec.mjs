// Previews of what generative and media nodes produce (issue 13 item 7), on the canvas and in
// the results: audio with its waveform (audio.speak against the fake server), video with a
// poster frame (video.trim), an embedding's dimension count and sparkline (llm.embed), a
// structured JSON answer (llm.chat with json_schema) and an array of images (video.frames).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, choosePaths, importWorkflow, node, openEditor, shot, waitFor, waitRun } from "./flows.mjs";
import { cli, startFake } from "./fakes.mjs";

export const tests = [
  {
    name: "audio, video, embedding, structured JSON and image-array outputs each show a preview",
    timeout: 120_000,
    fn: async (page, { assert }) => {
      const fake = await startFake("openai", "-dims", "192",
        "-chat-json", '{"title":"The last lighthouse","mood":"stormy","scenes":["a keeper climbs","a ship in fog"],"length_s":42}');
      try {
        await cli("providers", "set", "fake-ai", "--kind", "openai", "--url", fake.url);
        const dir = mkdtempSync(join(tmpdir(), "flowbench-previews-"));
        const clip = join(dir, "clip.mp4");
        execFileSync("/usr/bin/ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=10",
          "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", clip]);
        await choosePaths(page, [clip]);
        const movie = await call(page, "ImportMedia", clip, "video");
        const schema = JSON.stringify({
          type: "object",
          properties: { title: { type: "string" }, mood: { type: "string" }, scenes: { type: "array", items: { type: "string" } }, length_s: { type: "number" } },
          required: ["title", "mood", "scenes", "length_s"],
        });
        const id = await importWorkflow(page, {
          name: "Generative previews",
          inputs: [{ name: "video", type: "video", required: true }],
          nodes: [
            { id: "line", type: "text.template", position: { x: 0, y: 0 }, params: { template: "A lighthouse keeper finds a message in a bottle." } },
            { id: "speak", type: "audio.speak", position: { x: 300, y: -160 }, params: { provider: "fake-ai", model: "fake-tts", format: "wav" } },
            { id: "embed", type: "llm.embed", position: { x: 300, y: 200 }, params: { provider: "fake-ai", model: "fake-embed" } },
            { id: "story", type: "llm.chat", position: { x: 620, y: -160 }, params: { provider: "fake-ai", model: "fake-chat", prompt: "Plan a storyboard", json_schema: schema } },
            { id: "in", type: "flow.inputs", position: { x: 0, y: 420 } },
            { id: "trim", type: "video.trim", position: { x: 300, y: 520 }, params: { start_s: 0.5, end_s: 2.5 } },
            { id: "frames", type: "video.frames", position: { x: 620, y: 420 }, params: { count: 4, width: 160 } },
            ...["audio", "embedding", "answer", "clip", "frames"].map((name, i) => ({
              id: `out_${name}`, type: "io.output", position: { x: 960, y: -200 + i * 180 }, params: { name } })),
          ],
          edges: [
            { source: "line", sourceHandle: "text", target: "speak", targetHandle: "text" },
            { source: "line", sourceHandle: "text", target: "embed", targetHandle: "text" },
            { source: "in", sourceHandle: "video", target: "trim", targetHandle: "video" },
            { source: "in", sourceHandle: "video", target: "frames", targetHandle: "video" },
            { source: "speak", sourceHandle: "audio", target: "out_audio", targetHandle: "value" },
            { source: "embed", sourceHandle: "embedding", target: "out_embedding", targetHandle: "value" },
            { source: "story", sourceHandle: "json", target: "out_answer", targetHandle: "value" },
            { source: "trim", sourceHandle: "video", target: "out_clip", targetHandle: "value" },
            { source: "frames", sourceHandle: "images", target: "out_frames", targetHandle: "value" },
          ],
        });
        await openEditor(page, id, "speak");
        const r = await call(page, "StartRun", { workflow_id: id, version_id: "", inputs: { video: movie }, from: "" });
        const done = await waitRun(page, r.id, 90_000);
        assert.equal(done.status, "completed", done.error);

        // audio: a waveform decoded from the WAV the fake spoke
        const wave = node(page, "speak").getByTestId("audio-waveform");
        await wave.waitFor({ state: "visible", timeout: 20_000 });
        assert.ok(Number(await wave.getAttribute("data-duration")) > 0, "the waveform knows the audio's length");
        assert.ok((await wave.locator("rect").count()) > 50, "the waveform has its bars");
        // video: a poster frame taken from the trimmed clip
        const poster = node(page, "trim").getByTestId("video-poster").locator("img");
        await poster.waitFor({ state: "visible", timeout: 20_000 });
        await waitFor(page, () => poster.evaluate((el) => el.complete && el.naturalWidth > 0), "the poster frame drew", 20_000);
        // embedding: dimension count and sparkline
        const vec = node(page, "embed").getByTestId("vector-preview");
        await vec.waitFor({ state: "visible", timeout: 20_000 });
        assert.match(await vec.textContent(), /192 dims/);
        assert.ok(((await vec.locator("path").getAttribute("d")) ?? "").split(" ").length > 100, "the sparkline has the vector's points");
        // structured JSON: its fields
        const fields = node(page, "story").getByTestId("structured-fields");
        await fields.waitFor({ state: "visible", timeout: 20_000 });
        assert.match(await fields.textContent(), /titleThe last lighthouse/);
        assert.match(await fields.textContent(), /moodstormy/);
        // an array of images: a strip
        await waitFor(page, async () => (await node(page, "frames").locator("img").count()) >= 1, "the frames' thumbnail", 20_000);
        await page.locator(".react-flow__controls-fitview").click();
        await page.waitForTimeout(500);
        await shot(page, "previews-generative-nodes.png");

        // the results: waveform over the player, the video with its poster, the vector, the
        // answer as a tree, the frames as a strip
        const results = page.getByTestId("results-panel");
        if ((await results.locator(".results-bar").getAttribute("aria-expanded")) !== "true") await results.locator(".results-bar").click();
        await page.getByTestId("output-audio").getByTestId("audio-waveform").waitFor({ state: "visible", timeout: 20_000 });
        await page.getByTestId("output-clip").locator('[data-testid="video-preview"][data-poster="yes"]').waitFor({ timeout: 20_000 });
        await page.getByTestId("output-embedding").getByTestId("vector-preview").waitFor();
        await page.getByTestId("output-answer").getByTestId("json-tree").waitFor();
        assert.equal(await page.getByTestId("output-frames").getByTestId("image-strip").locator("img").count(), 4);
        await shot(page, "previews-generative-results.png");
      } finally {
        // the data home is shared by the whole suite: leave it with the providers it had
        await cli("providers", "remove", "fake-ai").catch(() => {});
        fake.stop();
      }
    },
  },
];
