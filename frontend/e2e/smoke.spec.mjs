// Smoke test: the window's page loads against the real backend and a bound method answers.

export const tests = [
  ["the page title contains Flowbench", async (page, { assert }) => {
    assert.match(await page.title(), /Flowbench/);
  }],

  ["the header is visible", async (page) => {
    await page.locator("header").getByText("Flowbench", { exact: true }).waitFor({ state: "visible" });
  }],

  ["App.Version() resolves to a version string", async (page, { assert }) => {
    const version = await page.evaluate(() => window.go.main.App.Version());
    assert.equal(typeof version, "string");
    assert.match(version, /^\d+\.\d+\.\d+/);
  }],

  ["the dashboard shows the build's version (About)", async (page, { assert }) => {
    const version = await page.evaluate(() => window.go.main.App.Version());
    const footer = page.getByTestId("app-version");
    await footer.waitFor({ state: "visible" });
    assert.equal((await footer.textContent()).trim(), `Flowbench ${version}`);
  }],

  ["loading raises no unexpected page error", async (page, { assert, unexpectedPageErrors }) => {
    await page.waitForTimeout(300);
    assert.deepEqual(unexpectedPageErrors().map((e) => e.message), []);
  }],
];
