// The generation viewer of the selected node (right panel, under the inspector): step
// through the node's timeline or see it as a grid; select the generation that feeds
// downstream ("picked"), or delete one.
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { formatDuration } from "../lib/format";
import { assetSrc, summarizeOutputs } from "../previews/classify";
import { TextBlock } from "../previews/TextBlock";
import { OutputsView } from "../previews/ValuePreview";
import { useRuns } from "../stores/runs";
import { api } from "../api/backend";
import { CompareCheck } from "../compare/Controls";
import { refreshNode } from "../stores/currentGens";
import { setShowCurrent, useShownGenerationId } from "../stores/shown";
import { formatTime, indexOf, position, reconcile, runTitle, step, tileLabels, type Generation, type Timeline } from "./timeline";
import { useTimeline } from "./useTimeline";
import "./generations.css";
import "../previews/previews.css";

export interface GenerationViewerProps {
  workflowId: string;
  nodeId: string;
  /** called after a pick or a delete changed what feeds downstream */
  onChanged?: () => void;
  onError?: (message: string) => void;
}

function StatusChip({ g }: { g: Generation }) {
  if (g.status === "completed") return null;
  return <span className={`gen-chip gen-${g.status}`}>{g.status === "running" ? "running…" : g.status}</span>;
}

function Meta({ g, current }: { g: Generation; current: boolean }) {
  return (
    <div className="gen-meta">
      <span className="gen-run" title={g.run_id}>
        {runTitle(g)}
      </span>
      {g.version_label && <span className="gen-version">{g.version_label}</span>}
      <time className="gen-time" dateTime={String(g.created_at)}>
        {formatTime(g.created_at)}
      </time>
      {g.status !== "running" && g.duration_ms > 0 && <span className="gen-dur">{formatDuration(g.duration_ms)}</span>}
      <StatusChip g={g} />
      {g.selected && (
        <span className="gen-picked" data-testid="gen-picked" title="You picked this result: it feeds downstream">
          ★ picked
        </span>
      )}
      {!g.selected && current && (
        <span className="gen-current" title="The latest successful result: it feeds downstream">
          current
        </span>
      )}
    </div>
  );
}

/** LiveText shows the text a running generation has streamed so far. */
function LiveText({ runId, nodeId }: { runId: string; nodeId: string }) {
  const text = useRuns((s) => s.runs[runId]?.nodes[nodeId]?.stream ?? "");
  if (!text) return <p className="pv-muted">Running…</p>;
  return <TextBlock text={text} live />;
}

const Tile = memo(function Tile({
  g,
  label,
  current,
  active,
  onOpen,
}: {
  g: Generation;
  /** what the tile says about its run: the part of its label that differs from the others' */
  label: string;
  current: boolean;
  active: boolean;
  onOpen: () => void;
}) {
  const s = summarizeOutputs(g.outputs, 60);
  return (
    <li className={`gen-tile${active ? " active" : ""}${g.selected ? " picked" : ""}`} data-testid="gen-tile" data-generation={g.id}>
      {g.run_id && g.status !== "running" && <CompareCheck runId={g.run_id} title="Choose this tile's run to compare" />}
      <button type="button" className="gen-tile-btn" onClick={onOpen} title={`${runTitle(g)} · ${g.version_label} · ${formatTime(g.created_at)}`}>
        <span className="gen-tile-body">
          {s.image ? (
            <img src={assetSrc(s.image.asset)} alt={s.image.name || "image"} loading="lazy" draggable={false} />
          ) : g.status === "failed" ? (
            <span className="gen-tile-text gen-failed">{g.error || "failed"}</span>
          ) : g.status === "running" ? (
            <span className="gen-tile-text">running…</span>
          ) : (
            <span className="gen-tile-text">{s.text || "—"}</span>
          )}
        </span>
        <span className="gen-tile-meta">
          <span className="gen-run" data-testid="gen-tile-label">
            {label}
          </span>
          <span className="gen-version">{g.version_label}</span>
          <span className="gen-time">{formatTime(g.created_at)}</span>
        </span>
        {g.selected && <span className="gen-tile-star" aria-label="picked">★</span>}
        {!g.selected && current && <span className="gen-tile-dot" aria-label="current" />}
      </button>
    </li>
  );
});

export function GenerationViewer({ workflowId, nodeId, onChanged, onError }: GenerationViewerProps) {
  const { timeline, error, refresh } = useTimeline(workflowId, nodeId);
  const [viewing, setViewing] = useState<string | null>(null);
  const [grid, setGrid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const prevTl = useRef<Timeline | null>(null);
  // the generation the canvas shows on this node: the viewer opens on it, and follows it when
  // the canvas moves to another run
  const shown = useShownGenerationId(workflowId, nodeId) ?? null;
  const shownRef = useRef(shown);
  shownRef.current = shown;

  useEffect(() => {
    setViewing(null);
    setConfirmDelete(false);
    prevTl.current = null;
  }, [workflowId, nodeId]);

  useEffect(() => {
    if (!timeline) return;
    setViewing((v) => reconcile(prevTl.current, timeline, v, shownRef.current));
    prevTl.current = timeline;
  }, [timeline]);

  useEffect(() => {
    if (shown && indexOf(prevTl.current, shown) >= 0) setViewing(shown);
  }, [shown]);

  const gens = timeline?.generations ?? [];
  const i = indexOf(timeline, viewing);
  const g = i >= 0 ? gens[i] : undefined;
  const pos = position(timeline, viewing);
  const currentId = timeline?.current_generation_id ?? "";
  const labels = useMemo(() => tileLabels((timeline?.generations ?? []).map(runTitle)), [timeline]);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
      await refreshNode(workflowId, nodeId);
      await refresh();
      onChanged?.();
    } catch (e) {
      onError?.((e as Error).message);
    } finally {
      setBusy(false);
      setConfirmDelete(false);
    }
  };

  return (
    <section className="gen-viewer" aria-label="Generations" data-testid="gen-viewer">
      <header className="gen-head">
        <h3>Generations</h3>
        <span className="gen-count">{gens.length}</span>
        <div className="gen-views" role="group" aria-label="View">
          <button type="button" aria-pressed={!grid} onClick={() => setGrid(false)} data-testid="gen-single-toggle">
            One
          </button>
          <button type="button" aria-pressed={grid} onClick={() => setGrid(true)} data-testid="gen-grid-toggle">
            Grid
          </button>
        </div>
      </header>
      {error && <p className="gen-error">{error}</p>}
      {timeline && gens.length === 0 && <p className="pv-muted">No results yet. Run the workflow to make one.</p>}
      {grid && gens.length > 0 && (
        <ul className="gen-grid" data-testid="gen-grid">
          {gens.map((x, j) => (
            <Tile
              key={x.id}
              g={x}
              label={labels[j]}
              current={x.id === currentId}
              active={x.id === viewing}
              onOpen={() => {
                setViewing(x.id);
                setGrid(false);
              }}
            />
          ))}
        </ul>
      )}
      {!grid && g && (
        <div className="gen-single" data-generation={g.id} data-testid="gen-single">
          <nav className="gen-nav" aria-label="Browse generations">
            <button
              type="button"
              onClick={() => setViewing(step(timeline, viewing, "prev"))}
              disabled={!step(timeline, viewing, "prev")}
              data-testid="gen-prev"
              title="Older generation"
            >
              ‹ Older
            </button>
            <span className="gen-pos" data-testid="gen-position">
              {pos.n} of {pos.of}
            </span>
            <button
              type="button"
              onClick={() => setViewing(step(timeline, viewing, "next"))}
              disabled={!step(timeline, viewing, "next")}
              data-testid="gen-next"
              title="Newer generation"
            >
              Newer ›
            </button>
          </nav>
          <Meta g={g} current={g.id === currentId} />
          <div className="gen-body">
            {g.status === "running" ? (
              <LiveText runId={g.run_id} nodeId={nodeId} />
            ) : g.status === "failed" ? (
              <p className="gen-error" role="alert">
                {g.error || "This execution failed."}
              </p>
            ) : (
              <OutputsView outputs={g.outputs} />
            )}
          </div>
          <div className="gen-actions">
            {g.selected ? (
              <button type="button" disabled={busy} onClick={() => act(() => api.selectGeneration(workflowId, nodeId, ""))} data-testid="gen-unselect">
                Unpick
              </button>
            ) : (
              <button
                type="button"
                className="primary"
                disabled={busy || g.status !== "completed"}
                onClick={() =>
                  act(async () => {
                    await api.selectGeneration(workflowId, nodeId, g.id);
                    // a pick is about the current results: the canvas shows them
                    setShowCurrent(workflowId, true);
                  })
                }
                data-testid="gen-select"
                title="Make this the node's result: it shows on the canvas and feeds downstream in a run from here"
              >
                Select
              </button>
            )}
            {confirmDelete ? (
              <span className="gen-confirm">
                Delete this result?
                <button type="button" className="danger" disabled={busy} onClick={() => act(() => api.deleteGeneration(g.id))} data-testid="gen-delete-yes">
                  Delete
                </button>
                <button type="button" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </span>
            ) : (
              <button type="button" disabled={busy || g.status === "running"} onClick={() => setConfirmDelete(true)} data-testid="gen-delete">
                Delete…
              </button>
            )}
          </div>
        </div>
      )}
      {/* a thumbnail strip of neighbours keeps the place visible in single view */}
      {!grid && gens.length > 1 && (
        <ol className="gen-strip" aria-label="All generations">
          {gens.slice(Math.max(0, i - 4), i + 5).map((x) => {
            const s = summarizeOutputs(x.outputs, 12);
            return (
              <li key={x.id}>
                <button
                  type="button"
                  className={`gen-dot${x.id === viewing ? " active" : ""}${x.selected ? " picked" : ""}`}
                  onClick={() => setViewing(x.id)}
                  title={`${runTitle(x)} · ${x.version_label} · ${formatTime(x.created_at)}`}
                >
                  {s.image ? <ImageThumbMini asset={s.image.asset} /> : <span>{x.selected ? "★" : x.status === "failed" ? "!" : "•"}</span>}
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function ImageThumbMini({ asset }: { asset: string }) {
  return <img src={assetSrc(asset)} alt="" loading="lazy" draggable={false} />;
}
