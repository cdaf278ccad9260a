// The ffmpeg nodes in the window (issue 13): the gallery's video contact sheet example runs on
// a clip (video.frames seeking to four times, then image.grid) and shows the sheet on its
// output node.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, choosePaths, node, shot, waitFor, waitRun } from "./flows.mjs";

/** overlaps lists pairs of canvas nodes whose boxes overlap. */
async function overlaps(page) {
  const boxes = await page.locator(".react-flow__node").evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.id, x: r.x, y: r.y, w: r.width, h: r.height };
    }),
  );
  const out = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(`${a.id}/${b.id}`);
    }
  return out;
}

export const tests = [
  {
    name: "the video contact sheet example runs on a clip and shows the sheet",
    timeout: 120_000,
    fn: async (page, { assert }) => {
      assert.ok(existsSync("/usr/bin/ffmpeg"), "ffmpeg is installed (make setup installs it)");
      const dir = mkdtempSync(join(tmpdir(), "flowbench-ffmpeg-"));
      const clip = join(dir, "clip.mp4");
      execFileSync("/usr/bin/ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=4:size=320x240:rate=10",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", clip]);
      await choosePaths(page, [clip]);
      const movie = await call(page, "ImportMedia", clip, "video");

      await page.evaluate(() => (location.hash = "#/"));
      await page.getByRole("list", { name: "Examples" }).getByRole("button", { name: /^Video contact sheet/ }).click();
      await page.getByTestId("workflow-name").filter({ hasText: "Video contact sheet" }).waitFor();
      await node(page, "frames").waitFor();
      const m = decodeURIComponent(await page.evaluate(() => location.hash)).match(/#\/workflow\/([^/?]+)/);
      assert.ok(m, "the example opened in the editor");
      const r = await call(page, "StartRun", { workflow_id: m[1], version_id: "", inputs: { video: movie }, from: "" });
      const done = await waitRun(page, r.id, 90_000);
      assert.equal(done.status, "completed", done.error);
      assert.equal(done.outputs.frames.length, 4);
      const img = node(page, "out_sheet").getByTestId("node-thumb").locator("img");
      await img.waitFor({ timeout: 20_000 });
      await waitFor(page, () => img.evaluate((el) => el.complete && el.naturalWidth > 0), "the sheet's thumbnail loaded", 20_000);
      await page.locator(".react-flow__controls-fitview").click();
      await page.waitForTimeout(500);
      assert.deepEqual(await overlaps(page), [], "no node on another once the previews are shown");
      await shot(page, "example-video-contact-sheet.png");
    },
  },
];
