// The sweep grid (SPEC §13): up to 16 runs, one row per run ordered by the input that varies,
// one column per chosen node (default: the workflow's outputs). A cell is the generation the
// run made or used for that node; clicking it picks that generation (SPEC §6).
import { useEffect, useMemo, useState } from "react";
import { api } from "../api/backend";
import type { Generation, Graph, RunInfo } from "../api/types";
import { refreshNode } from "../stores/currentGens";
import { formatDuration } from "../lib/format";
import { runLabel } from "../lib/runlabel";
import { assetSrc, summarizeOutputs } from "../previews/classify";
import { useGraph } from "../stores/graph";
import { toast } from "../stores/ui";
import { compareApi } from "./api";
import { orderGrid, showValue } from "./logic";
import { useCompare } from "../stores/compare";

function defaultColumns(g: Graph | undefined): string[] {
  const nodes = g?.nodes ?? [];
  const outs = nodes.filter((n) => n.type === "io.output").map((n) => n.id);
  if (outs.length) return outs;
  const sources = new Set((g?.edges ?? []).map((e) => e.source));
  return nodes.filter((n) => !sources.has(n.id)).map((n) => n.id);
}

function Cell({ g, onPick }: { g: Generation | undefined; onPick: () => void }) {
  if (!g) return <td className="muted small grid-cell empty">—</td>;
  const s = summarizeOutputs(g.outputs, 60);
  return (
    <td className={`grid-cell${g.selected ? " picked" : ""}`}>
      <button type="button" className="grid-pick" onClick={onPick} title="Pick this result: it feeds downstream" data-testid="grid-cell" data-generation={g.id} data-picked={g.selected ? "true" : "false"}>
        {s.image ? <img src={assetSrc(s.image.asset)} alt={s.image.name || "image"} loading="lazy" /> : <span className="mono">{g.status === "failed" ? g.error || "failed" : s.text || "—"}</span>}
        {g.selected && <span className="gen-picked">★ picked</span>}
      </button>
    </td>
  );
}

export function SweepGrid({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const [runs, setRuns] = useState<RunInfo[] | null>(null);
  const [graphs, setGraphs] = useState<Record<string, Graph>>({});
  const [gens, setGens] = useState<Record<string, Generation>>({});
  const [cols, setCols] = useState<string[] | null>(null);
  const [error, setError] = useState("");
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    (async () => {
      const rs = await Promise.all(ids.map((id) => api.getRun(id)));
      // the graphs of the versions the runs ran, each read once
      const versions = new Map(rs.map((r) => [r.version_id, r.workflow_id]));
      const gs: Record<string, Graph> = {};
      await Promise.all([...versions].map(async ([v, wf]) => (gs[v] = (await api.getVersion(wf, v)).graph)));
      if (live) {
        setRuns(rs);
        setGraphs(gs);
      }
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [ids]);

  const ordered = useMemo(() => (runs ? orderGrid(runs.map((r) => ({ ...r, inputs: r.inputs ?? {} }))) : null), [runs]);
  const allNodes = useMemo(() => {
    const s = new Set<string>();
    for (const r of runs ?? []) for (const n of graphs[r.version_id]?.nodes ?? []) s.add(n.id);
    return [...s].sort();
  }, [runs, graphs]);
  const columns = useMemo(() => cols ?? (runs && runs.length ? defaultColumns(graphs[runs[0].version_id]) : []), [cols, runs, graphs]);

  useEffect(() => {
    if (!runs) return;
    let live = true;
    const want: string[] = [];
    for (const r of runs) for (const c of columns) if (r.nodes?.[c]?.generation_id) want.push(r.nodes[c].generation_id);
    compareApi
      .generations([...new Set(want)])
      .then((m) => live && setGens(m))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [runs, columns, tick]);

  const pick = async (r: RunInfo, node: string, g: Generation) => {
    try {
      await api.selectGeneration(r.workflow_id, node, g.selected ? "" : g.id);
      if (useGraph.getState().workflowId === r.workflow_id) void refreshNode(r.workflow_id, node);
      toast("success", g.selected ? `Pick cleared on ${node}.` : `Picked ${runLabel(r.label, r.number)}'s result for ${node}.`);
      setTick((t) => t + 1);
    } catch (e) {
      toast("error", (e as Error).message);
    }
  };

  return (
    <div className="cmp-overlay" role="dialog" aria-label="Compare runs as a grid" data-testid="sweep-grid">
      <header className="cmp-head">
        <h2>Compare {ids.length} runs</h2>
        {ordered && ordered.axis.length > 0 && <span className="muted small">ordered by {ordered.axis.join(", ")}</span>}
        <details className="grid-cols">
          <summary className="button">Columns ({columns.length})</summary>
          <div className="grid-cols-list">
            {allNodes.map((n) => (
              <label key={n} className="small">
                <input
                  type="checkbox"
                  checked={columns.includes(n)}
                  onChange={(e) => setCols(e.target.checked ? [...columns, n] : columns.filter((c) => c !== n))}
                />{" "}
                {n}
              </label>
            ))}
          </div>
        </details>
        {ids.length === 2 && (
          <button type="button" className="button" onClick={() => useCompare.getState().open({ kind: "runs", a: ids[0], b: ids[1] })}>
            Side by side
          </button>
        )}
        <button type="button" className="button" onClick={onClose} data-testid="compare-close">
          Close
        </button>
      </header>
      {error && <p className="field-error">{error}</p>}
      {!ordered && !error && <p className="muted">Loading…</p>}
      {ordered && (
        <div className="cmp-body">
          <table className="cmp-table grid-table">
            <thead>
              <tr>
                <th>Run</th>
                {ordered.axis.map((a) => (
                  <th key={a} className="mono">
                    {a}
                  </th>
                ))}
                {columns.map((c) => (
                  <th key={c} className="mono">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ordered.runs.map((r) => (
                <tr key={r.id} data-testid="grid-row" data-run-id={r.id}>
                  <td>
                    <div>{runLabel(r.label, r.number)}</div>
                    <div className="small muted">
                      {r.version_label} · {r.status}
                      {r.started_at && r.finished_at ? ` · ${formatDuration(Date.parse(r.finished_at) - Date.parse(r.started_at))}` : ""}
                    </div>
                  </td>
                  {ordered.axis.map((a) => (
                    <td key={a} className="mono" data-testid="grid-axis">
                      {showValue(r.inputs?.[a])}
                    </td>
                  ))}
                  {columns.map((c) => {
                    const gid = r.nodes?.[c]?.generation_id;
                    const g = gid ? gens[gid] : undefined;
                    return <Cell key={c} g={g} onPick={() => g && void pick(r, c, g)} />;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
