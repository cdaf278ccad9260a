// Chromium pictures of the generated workflows (scripts/bench-ui.sh runs it when
// BENCH_CHROMIUM_SHOTS names a directory): each size fitted (scale-N-out-chromium.png), zoomed
// in 14 clicks of the zoom button (scale-N-mid-chromium.png) and 24 clicks
// (scale-N-in-chromium.png). Same environment as ui.mjs (BENCH_BASE_URL, BENCH_WORKFLOWS).
import { chromium } from "playwright-core";

const baseURL = (process.env.BENCH_BASE_URL || "http://127.0.0.1:34115").replace(/\/$/, "");
const dir = process.env.BENCH_CHROMIUM_SHOTS;
const workflows = (process.env.BENCH_WORKFLOWS || "").split(",").filter(Boolean).map((kv) => kv.split("="));
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
for (const [size, id] of workflows) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`${baseURL}/#/workflow/${encodeURIComponent(id)}`);
  await page.waitForSelector('[data-testid="canvas"]', { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="canvas-loading"]'), null, { timeout: 300_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${dir}/scale-${size}-out-chromium.png` });
  for (const [clicks, name] of [[14, "mid"], [10, "in"]]) {
    for (let i = 0; i < clicks; i++) {
      const zoomIn = page.locator(".react-flow__controls-zoomin");
      if (await zoomIn.isDisabled()) break; // at the greatest zoom
      await zoomIn.click();
    }
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${dir}/scale-${size}-${name}-chromium.png` });
  }
  console.log(`shots: ${size} done`);
  await ctx.close();
}
await browser.close();
