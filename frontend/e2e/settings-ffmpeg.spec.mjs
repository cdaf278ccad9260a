// Settings → ffmpeg and API keys (issue 13): the path the video and audio nodes run ffmpeg from is set in
// the window, checked with `ffmpeg -version`, and the result shown; the CLI sees the setting.
import { shot } from "./flows.mjs";
import { cli } from "./fakes.mjs";

export default async function (page, { assert }) {
  await page.evaluate(() => (location.hash = "#/"));
  await page.getByRole("button", { name: "Settings…" }).click();
  const box = page.getByTestId("ffmpeg-setting");
  await box.waitFor({ state: "visible" });
  // API keys go to the OS keychain; this machine has none (no Secret Service on D-Bus): said so
  const key = page.getByTestId("provider-key-ollama");
  await key.waitFor({ timeout: 20_000 });
  assert.equal(await key.getAttribute("data-state"), "unavailable");
  assert.match(await key.textContent(), /no OS keychain here/);
  const result = box.getByTestId("ffmpeg-check");
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute("data-ok"), "yes");
  assert.match(await result.textContent(), /ffmpeg version .* — \/usr\/bin\/ffmpeg/);

  const field = box.getByLabel("ffmpeg path");
  // a folder without ffmpeg: saved, and the check says why it cannot be used and how to install it
  await field.fill("/tmp");
  await box.getByRole("button", { name: "Save and check" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ffmpeg-check"]')?.getAttribute("data-ok") === "no");
  assert.match(await result.textContent(), /\/tmp\/ffmpeg does not exist.*Install ffmpeg/);
  assert.match(await cli("settings"), /ffmpeg_path\s+\/tmp/);
  await box.scrollIntoViewIfNeeded();
  await shot(page, "settings-ffmpeg.png");

  // a relative path, or one that does not exist, is refused naming the problem; nothing is saved
  await field.fill("ffmpeg");
  await box.getByRole("button", { name: "Save and check" }).click();
  await box.getByRole("alert").getByText(/want an absolute path/).waitFor();
  await field.fill("/opt/nowhere/ffmpeg");
  await box.getByRole("button", { name: "Save and check" }).click();
  await box.getByRole("alert").getByText(/\/opt\/nowhere\/ffmpeg does not exist/).waitFor();
  assert.match(await cli("settings"), /ffmpeg_path\s+\/tmp/);

  await field.fill("/usr/bin/ffmpeg");
  await box.getByRole("button", { name: "Save and check" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ffmpeg-check"]')?.getAttribute("data-ok") === "yes");
  await field.fill("");
  await box.getByRole("button", { name: "Save and check" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="ffmpeg-check"]')?.getAttribute("data-ok") === "yes");
  assert.match(await cli("settings"), /ffmpeg_path\s+\(not set\)/);
}
