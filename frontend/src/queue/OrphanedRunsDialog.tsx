// Asked once when the window opens: queued runs left by a process that stopped (a killed
// command-line batch, a window closed while runs waited) are not started behind the person's
// back when there are more than a handful (the backend resumes up to five by itself).
// "Resume" queues them here; "Cancel runs" drops them; closing the dialog leaves them queued
// (`flowbench queue` lists them, `flowbench resume --orphaned` or `cancel --orphaned` act).
import { useEffect, useState } from "react";
import { api } from "../api/backend";
import "./queue.css";
import { Dialog } from "../panels/Dialog";
import { toast } from "../stores/ui";
import type { OrphanedQueue } from "../api/types";
import { doneMessage, moreLine, orphanLine, orphansTitle } from "./orphans";

export function OrphanedRunsDialog() {
  const [queue, setQueue] = useState<OrphanedQueue | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api
      .orphanedRuns()
      .then((q) => {
        if (live && q.count > 0) setQueue(q);
      })
      .catch((e: Error) => toast("error", `Reading the queue failed: ${e.message}`));
    return () => {
      live = false;
    };
  }, []);

  if (!queue) return null;
  const answer = async (action: "resume" | "cancel") => {
    setBusy(true);
    try {
      const n = action === "resume" ? await api.resumeOrphanedRuns() : await api.cancelOrphanedRuns();
      toast("success", doneMessage(action, n));
      setQueue(null);
    } catch (e) {
      toast("error", `${action === "resume" ? "Resuming" : "Cancelling"} failed: ${(e as Error).message}`);
      setBusy(false);
    }
  };
  const more = moreLine(queue);
  return (
    <Dialog
      title={orphansTitle(queue.count)}
      onClose={() => setQueue(null)}
      testId="orphans-dialog"
      footer={
        <>
          <button type="button" className="button" disabled={busy} onClick={() => setQueue(null)}>
            Not now
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={() => answer("cancel")}>
            Cancel runs
          </button>
          <button type="button" className="button button-primary" disabled={busy} onClick={() => answer("resume")} data-autofocus>
            Resume
          </button>
        </>
      }
    >
      <p className="dialog-text">
        A Flowbench process that stopped (a closed window or an interrupted command) left these runs waiting. Resume runs them
        here, in order, as slots free; Cancel drops them.
      </p>
      <ul className="orphans-list" data-testid="orphans-list">
        {queue.runs.map((r) => (
          <li key={r.id} title={r.id}>
            {orphanLine(r)}
          </li>
        ))}
        {more && <li className="orphans-more">{more}</li>}
      </ul>
    </Dialog>
  );
}
