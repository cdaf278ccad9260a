// The queue overlay (bottom right): the open workflow's runs (or every workflow's, "All") in
// Running, Queued and Done; open while they go, folded when they end unless the user chose. The
// run the open canvas shows is marked "On canvas"; clicking a card puts that run on the
// canvas (opening its workflow first if needed); ✕ cancels that card's run, ↻ retries a failed,
// cancelled or interrupted one; queued cards are dragged to reorder the queue. The header
// pauses and resumes the data home's queue (shown while paused, whoever paused it).
import { memo, useEffect, useMemo, useState } from "react";
import { api } from "../api/backend";
import { RunCompareTools } from "../compare/Controls";
import { formatDuration } from "../lib/format";
import { useGraph } from "../stores/graph";
import { useThrottledValue } from "../lib/throttle";
import { useOverlayState } from "../stores/queueOverlay";
import { toLens, useRuns, type RunState } from "../stores/runs";
import { toast, useUI } from "../stores/ui";
import { groupRuns, isActiveRun, runDuration, statusWord, type LensRun } from "../lib/lens";
import { loadNames, useWorkflowNames } from "../stores/workflowNames";
import { clearFinished, loadAllRuns } from "./runsView";
import { moveTarget, retryable, useQueueControl } from "./queueControl";
import "./queue.css";

function useNow(active: boolean, ms = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return active ? now : Date.now();
}

/** overlayRuns are the runs the overlay lists: the open workflow's, or every workflow's
 * (all, or no workflow open). */
export function overlayRuns<T extends { workflow_id: string }>(runs: readonly T[], openWf: string | null, all: boolean): T[] {
  if (all || !openWf) return [...runs];
  return runs.filter((r) => r.workflow_id === openWf);
}

/** overlayOpen: the user's choice, else open while a listed run is queued or running. */
export function overlayOpen(choice: boolean | null, busy: boolean): boolean {
  return choice ?? busy;
}

/** focusRun puts a run on its workflow's canvas, opening that workflow when another is open. */
export function focusRun(run: Pick<LensRun, "id" | "workflow_id">): void {
  useRuns.getState().focus(run.workflow_id, run.id);
  const route = useUI.getState().route;
  if (route.page !== "editor" || route.workflowId !== run.workflow_id) {
    useUI.getState().navigate({ page: "editor", workflowId: run.workflow_id });
  }
}

async function cancel(run: LensRun) {
  try {
    await api.cancelRun(run.id);
  } catch (e) {
    toast("error", `Cancel ${run.label || "run"}: ${(e as Error).message}`);
  }
}

async function retry(run: LensRun) {
  try {
    const info = await api.retryRun(run.id);
    useRuns.getState().applyRunInfos([info]);
    toast("info", `Queued ${info.label}`);
  } catch (e) {
    toast("error", `Retry ${run.label || "run"}: ${(e as Error).message}`);
  }
}

// dragged is the queued run being dragged to a new place (one drag at a time).
let dragged: string | null = null;

async function dropOn(target: LensRun) {
  const move = moveTarget(dragged, target.id);
  dragged = null;
  if (!move) return;
  try {
    await api.moveQueuedRun(move.runId, move.toRunId);
  } catch (e) {
    toast("error", `Move run: ${(e as Error).message}`);
  }
}

const RunCard = memo(function RunCard({
  run,
  state,
  onCanvas,
  workflowName,
  now,
}: {
  run: LensRun;
  state: RunState;
  onCanvas: boolean;
  workflowName: string;
  now: number;
}) {
  const active = isActiveRun(run.status);
  const p = state.progress;
  const frac = run.status === "completed" ? 1 : p && p.total > 0 ? p.done / p.total : 0;
  const dur = runDuration(run, now);
  const queued = run.status === "queued";
  return (
    <li
      className={`run-card rc-${run.status}${onCanvas ? " on-canvas" : ""}`}
      data-testid="run-card"
      data-run-id={run.id}
      data-status={run.status}
      aria-current={onCanvas ? "true" : undefined}
      draggable={queued}
      title={queued ? "Drag to move this run in the queue" : undefined}
      onDragStart={
        queued
          ? (e) => {
              dragged = run.id;
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", run.id);
            }
          : undefined
      }
      onDragOver={queued ? (e) => e.preventDefault() : undefined}
      onDrop={
        queued
          ? (e) => {
              e.preventDefault();
              void dropOn(run);
            }
          : undefined
      }
    >
      <RunCompareTools run={run} />
      <button type="button" className="run-card-main" onClick={() => focusRun(run)} title="Show this run on the canvas">
        <span className="run-card-top">
          <span className="run-label">{run.label || "Run"}</span>
          {run.version_label && <span className="run-version">{run.version_label}</span>}
          {onCanvas && (
            <span className="run-oncanvas" data-testid="on-canvas">
              On canvas
            </span>
          )}
        </span>
        {workflowName && <span className="run-wf">{workflowName}</span>}
        <span className="run-bar" aria-hidden={run.status === "queued"}>
          <span className="run-bar-fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
        </span>
        <span className="run-card-bottom">
          <span className="run-status">
            {statusWord(run.status)}
            {run.status === "queued" && run.queue_position > 0 && <span data-testid="queue-position"> · #{run.queue_position} in queue</span>}
            {run.status === "running" && p && p.total > 0 && ` · ${p.done}/${p.total} nodes`}
          </span>
          {dur !== null && <span className="run-dur">{formatDuration(dur)}</span>}
        </span>
        {run.status === "failed" && run.error && (
          <span className="run-card-error" title={run.error}>
            {run.error}
          </span>
        )}
      </button>
      {active && (
        <button
          type="button"
          className="run-cancel"
          aria-label={`Cancel ${run.label || "run"}`}
          title="Cancel this run"
          onClick={() => void cancel(run)}
          data-testid="run-cancel"
        >
          ✕
        </button>
      )}
      {retryable(run.status) && (
        <button
          type="button"
          className="run-retry"
          aria-label={`Retry ${run.label || "run"}`}
          title="Run it again: same version and inputs"
          onClick={() => void retry(run)}
          data-testid="run-retry"
        >
          ↻
        </button>
      )}
    </li>
  );
});

function Section({
  title,
  runs,
  limit,
  cap,
  ...rest
}: { title: string; runs: LensRun[]; testId: string; limit?: number; cap?: number } & SectionProps) {
  // "show all" outlives a remount of the overlay (another workflow opened, the editor reloaded)
  const all = useOverlayState((s) => s.doneAll);
  const setAll = (v: boolean) => useOverlayState.setState({ doneAll: v });
  if (runs.length === 0) return null;
  // the card on the canvas is always listed
  let shown = runs;
  if (limit && !all && runs.length > limit) {
    shown = runs.slice(0, limit);
    const onCanvas = runs.find((r) => r.id === rest.onCanvasId);
    if (onCanvas && !shown.includes(onCanvas)) shown = [...shown.slice(0, limit - 1), onCanvas];
  }
  return (
    <section className="queue-section" data-testid={rest.testId}>
      <h4>
        {title} <span className="queue-count">{runs.length}</span>
        {cap !== undefined && (
          <span className="queue-cap" data-testid="queue-cap" title="Runs at once, for the window and every command on this data home (Settings)">
            · {cap} at once
          </span>
        )}
        {limit && runs.length > limit && (
          <button type="button" className="queue-more" data-testid="queue-more" aria-expanded={all} onClick={() => setAll(!all)}>
            {all ? "show fewer" : `show all`}
          </button>
        )}
      </h4>
      <ul>
        {shown.map((r) => (
          <RunCard
            key={r.id}
            run={r}
            state={rest.states[r.id]}
            onCanvas={r.id === rest.onCanvasId}
            workflowName={r.workflow_id === rest.openWf ? "" : (rest.names[r.workflow_id] ?? "another workflow")}
            now={rest.now}
          />
        ))}
      </ul>
    </section>
  );
}

interface SectionProps {
  states: Record<string, RunState>;
  onCanvasId: string | null;
  openWf: string | null;
  names: Record<string, string>;
  now: number;
}

/** QueueOverlay sits at the bottom right of the canvas (inWindow: of the window). */
export function QueueOverlay({ inWindow = false }: { inWindow?: boolean }) {
  // the list follows the runs four times a second: enough for progress bars and durations
  const runs = useThrottledValue(useRuns, (s) => s.runs, 250);
  // on the dashboard (inWindow) no workflow is open: every run is listed
  const openWf = useGraph((s) => (inWindow ? null : s.workflowId));
  const onCanvasId = useRuns((s) => (openWf ? (s.shown[openWf] ?? null) : null));
  const names = useWorkflowNames((s) => s.names);
  // Open while runs it lists are going, folded when they end, unless the user chose; by
  // default it lists the open workflow's runs only.
  const userOpen = useOverlayState((s) => s.open);
  const all = useOverlayState((s) => s.all);
  const [control, setPaused] = useQueueControl();
  const paused = control?.paused ?? false;

  useEffect(() => {
    loadAllRuns().catch(() => {});
  }, []);

  const allLens = useMemo(() => Object.values(runs).map(toLens), [runs]);
  const lens = useMemo(() => overlayRuns(allLens, openWf, all), [allLens, openWf, all]);
  const others = allLens.length - lens.length;
  const groups = useMemo(() => groupRuns(lens), [lens]);
  const anyActive = groups.running.length > 0;
  const busy = groups.running.length + groups.queued.length > 0;
  const open = overlayOpen(userOpen, busy);
  const setOpen = (v: boolean) => useOverlayState.setState({ open: v });
  const now = useNow(anyActive && open);

  useEffect(() => {
    const unknown = [...new Set(lens.filter((r) => !names[r.workflow_id]).map((r) => r.workflow_id))];
    if (unknown.length) void loadNames(unknown);
  }, [lens, names]);

  const total = groups.running.length + groups.queued.length + groups.done.length;
  // nothing of this workflow to list: no overlay (a quiet link to the others' runs)
  if (total === 0 && (others === 0 || !openWf)) return null;
  const props: SectionProps = { states: runs, onCanvasId, openWf, names, now };
  const capOn = (here: boolean) => (here && control ? control.cap : undefined);
  return (
    <div
      className={`queue-overlay${open ? " open" : ""}${inWindow ? " in-window" : ""}${paused ? " paused" : ""}`}
      data-testid="queue-overlay"
      data-paused={paused ? "true" : "false"}
      aria-label="Runs"
    >
      <header className="queue-head">
        <button type="button" className="queue-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
          Runs
          <span className="queue-summary">
            {groups.running.length > 0 && ` · ${groups.running.length} running`}
            {groups.queued.length > 0 && ` · ${groups.queued.length} queued`}
            {!busy && ` · ${groups.done.length} done`}
          </span>
          <span aria-hidden="true">{open ? " ▾" : " ▴"}</span>
        </button>
        {paused && (
          <span className="queue-paused-badge" data-testid="queue-paused" title="Queued runs wait until the queue is resumed; running runs finish">
            Paused
          </span>
        )}
        {open && (
          <div className="queue-tools">
            {control && (
              <button
                type="button"
                className="queue-pause"
                data-testid="queue-pause"
                onClick={() => setPaused(!paused).catch((e: Error) => toast("error", `Queue: ${e.message}`))}
                title={paused ? "Start queued runs again" : "Running runs finish; queued runs wait (kept across restarts)"}
              >
                {paused ? "▶ Resume" : "❚❚ Pause"}
              </button>
            )}
            {openWf && (
              <label className="queue-all" title="List the runs of every workflow, not only this one's">
                <input type="checkbox" checked={all} onChange={(e) => useOverlayState.setState({ all: e.target.checked })} data-testid="queue-all" /> All
              </label>
            )}
            {groups.done.length > 0 && (
              <button
                type="button"
                className="queue-clear"
                data-testid="queue-clear"
                onClick={() => clearFinished().catch((e: Error) => toast("error", `Clear: ${e.message}`))}
                title="Remove finished runs from this list (their results and history stay)"
              >
                Clear done
              </button>
            )}
          </div>
        )}
      </header>
      {open && (
        <div className="queue-body">
          {/* the run cap, by the first of the two sections listed */}
          <Section title="Running" runs={groups.running} testId="queue-running" cap={capOn(groups.running.length > 0)} {...props} />
          <Section title="Queued" runs={groups.queued} testId="queue-queued" cap={capOn(groups.running.length === 0)} {...props} />
          <Section title="Done" runs={groups.done} testId="queue-done" limit={3} {...props} />
        </div>
      )}
    </div>
  );
}
