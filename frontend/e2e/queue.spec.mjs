// Queue control in the runs overlay (SPEC §14): pause the queue (shown while paused), drag a
// queued run to another place, resume, and retry a cancelled run from its card.
import { cli } from "./fakes.mjs";
import { call, importWorkflow, openEditor, openQueue, shot, waitFor, waitRun } from "./flows.mjs";

const wf = {
  name: "Queue control",
  inputs: [{ name: "seed", type: "integer", description: "", required: true }],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "wait", type: "util.delay", params: { ms: 10 }, position: { x: 260, y: 0 } },
    { id: "out", type: "io.output", params: { name: "seed" }, position: { x: 520, y: 0 } },
  ],
  edges: [
    { source: "in", sourceHandle: "seed", target: "wait", targetHandle: "value" },
    { source: "wait", sourceHandle: "value", target: "out", targetHandle: "value" },
  ],
};

/** queuedLabels are the labels of the overlay's queued cards, top to bottom. */
async function queuedLabels(page) {
  return page.locator('[data-testid="queue-queued"] [data-testid="run-card"] .run-label').allInnerTexts();
}

const card = (page, id) => page.locator(`[data-testid="run-card"][data-run-id="${id}"]`);

export const tests = [
  {
    name: "pause, reorder by drag, resume and retry in the overlay",
    timeout: 90_000,
    fn: async (page, { assert }) => {
      const id = await importWorkflow(page, wf);
      await openEditor(page, id, "in");
      const overlay = page.getByTestId("queue-overlay");
      try {
        // a first run, so the overlay is there to pause from
        const first = await call(page, "StartRun", { workflow_id: id, version_id: "", inputs: { seed: 0 }, from: "" });
        await waitRun(page, first.id);
        await openQueue(page);
        await page.getByTestId("queue-pause").click();
        await overlay.locator('[data-testid="queue-paused"]').waitFor();
        assert.equal(await overlay.getAttribute("data-paused"), "true");
        assert.equal((await call(page, "GetQueueControl")).paused, true, "the data home's queue is paused");

        const runs = await call(page, "StartBatch", { workflow_id: id, version_id: "", inputs: {}, from: "" }, [
          { seed: 1 },
          { seed: 2 },
          { seed: 3 },
        ]);
        await waitFor(page, async () => (await queuedLabels(page)).length === 3, "three queued cards");
        assert.deepEqual(await queuedLabels(page), ["seed=1", "seed=2", "seed=3"]);
        await shot(page, "queue-control.png");

        // drag the last queued card onto the first: it takes its place
        await card(page, runs[2].id).dragTo(card(page, runs[0].id));
        await waitFor(page, async () => (await queuedLabels(page))[0] === "seed=3", "seed=3 moved to the front");
        assert.deepEqual(await queuedLabels(page), ["seed=3", "seed=1", "seed=2"]);

        // cancel one while it waits, then resume: the others run
        await card(page, runs[1].id).getByTestId("run-cancel").click();
        await waitFor(page, async () => (await card(page, runs[1].id).getAttribute("data-status")) === "cancelled", "seed=2 cancelled");
        await page.getByTestId("queue-pause").click();
        await waitFor(page, async () => (await overlay.getAttribute("data-paused")) === "false", "the queue resumed");
        for (const r of [runs[0], runs[2]]) assert.equal((await waitRun(page, r.id)).status, "completed");

        // retry the cancelled run from its card: a new run, same inputs, "retry of seed=2"
        await card(page, runs[1].id).getByTestId("run-retry").click();
        const retried = await waitFor(
          page,
          async () => (await call(page, "ListRuns", id, 10)).find((r) => r.label === "retry of seed=2"),
          "the retry",
        );
        const done = await waitRun(page, retried.id);
        assert.equal(done.status, "completed");
        assert.equal(done.inputs.seed, 2);
        assert.equal(done.version_id, runs[1].version_id);
        await card(page, retried.id).waitFor();
        assert.equal(await card(page, runs[0].id).getByTestId("run-retry").count(), 0, "no retry on a completed run");
      } finally {
        await call(page, "SetQueuePaused", false); // the suite shares one data home
      }
    },
  },
  {
    name: "a pause and a resume made by another process show in the overlay",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const id = await importWorkflow(page, { ...wf, name: "Queue control elsewhere" });
      await openEditor(page, id, "in");
      const overlay = page.getByTestId("queue-overlay");
      try {
        const first = await call(page, "StartRun", { workflow_id: id, version_id: "", inputs: { seed: 0 }, from: "" });
        await waitRun(page, first.id);
        await openQueue(page);
        assert.equal(await overlay.getAttribute("data-paused"), "false");
        await cli("queue", "pause"); // another process: the command line
        await overlay.locator('[data-testid="queue-paused"]').waitFor();
        await cli("queue", "resume");
        await waitFor(page, async () => (await overlay.getAttribute("data-paused")) === "false", "the resume shown");
      } finally {
        await call(page, "SetQueuePaused", false);
      }
    },
  },
];
