// Settings → Runs at once (issue 15, SPEC §5): the data home's run cap, which the window and every
// command share, is set in the window; a bad value is refused naming the range and nothing is
// saved; the CLI sees the new cap, and the runs overlay shows it. The File menu opens Settings
// from the editor too.
import { call, chain, importWorkflow, openEditor, openQueue, shot, waitFor, waitRun } from "./flows.mjs";
import { cli } from "./fakes.mjs";

export default async function (page, { assert }) {
  const cap = await call(page, "GetRunCap");
  try {
    await page.evaluate(() => (location.hash = "#/"));
    await page.getByRole("button", { name: "Settings…" }).click();
    const box = page.getByTestId("run-cap-setting");
    await box.waitFor({ state: "visible" });
    const field = box.getByRole("spinbutton");
    await waitFor(page, async () => (await field.inputValue()) === String(cap), `the field to show the cap ${cap}`);

    // out of range: refused in the form, naming the range; the setting is unchanged
    await field.fill("0");
    await box.getByRole("button", { name: "Save" }).click();
    await box.getByRole("alert").getByText(/want a whole number from 1 to 64, got "0"/).waitFor();
    assert.match(await cli("settings"), new RegExp(`run_cap\\s+${cap}\\b`));

    // a good value is saved for the whole data home: the CLI and the backend see it
    const next = cap === 3 ? 5 : 3;
    await field.fill(String(next));
    await box.getByRole("button", { name: "Save" }).click();
    await box.getByText(`up to ${next} runs at a time`).waitFor();
    assert.equal(await box.getByRole("alert").count(), 0);
    assert.match(await cli("settings"), new RegExp(`run_cap\\s+${next}\\b`));
    assert.equal(await call(page, "GetRunCap"), next);
    await box.scrollIntoViewIfNeeded();
    await shot(page, "settings-runcap.png");
    await page.keyboard.press("Escape");

    // the runs overlay says how many run at once, by its running runs
    const wf = await importWorkflow(page, chain(1, 60_000));
    await openEditor(page, wf, "d0");
    const r = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: {}, from: "" });
    await openQueue(page);
    const running = page.locator('[data-testid="queue-running"]');
    await running.locator(`[data-testid="run-card"][data-run-id="${r.id}"]`).waitFor({ timeout: 10_000 });
    await waitFor(page, async () => ((await running.getByTestId("queue-cap").textContent().catch(() => "")) ?? "").includes(`${next} at once`), `"${next} at once" in the overlay`);
    await running.locator(`[data-testid="run-card"][data-run-id="${r.id}"]`).getByTestId("run-cancel").click();
    assert.equal((await waitRun(page, r.id)).status, "cancelled");

    // File → Settings… (Ctrl+,) opens the same dialog over the editor
    await page.evaluate(() => window.runtime.EventsEmit("menu", "settings"));
    const again = page.getByTestId("run-cap-setting");
    await again.waitFor({ state: "visible" });
    await waitFor(page, async () => (await again.getByRole("spinbutton").inputValue()) === String(next), `the field to show ${next}`);
    await page.getByTestId("providers-dialog").getByRole("button", { name: "Done", exact: true }).click();
    await again.waitFor({ state: "detached" });
    await page.getByTestId("node-d0").waitFor({ state: "visible" });
  } finally {
    await call(page, "SetRunCap", cap);
  }
}
