// Two runs side by side (SPEC §13): labels, versions, status, times; the inputs that differ;
// the graph diff on a canvas with the changed params; a sortable node table; the outputs.
// A run still going is followed: the comparison is fetched again as its events arrive.
import { useEffect, useMemo, useState } from "react";
import { isFinishedRun, type RunInfo } from "../api/types";
import { formatDuration } from "../lib/format";
import { runLabel } from "../lib/runlabel";
import { dateTime } from "../lib/time";
import { onRunEvents } from "../stores/runs";
import { compareApi, type CompareRuns } from "./api";
import { RestoreButton } from "./Controls";
import { DiffCanvas } from "./DiffCanvas";
import { nodeRows, showValue, sortRows, type GraphDiff, type NodeSide, type SortKey } from "./logic";
import { ValueDiff } from "./OutputDiff";
import { warmLineDiff } from "./textdiff";

function runMs(r: RunInfo): number | null {
  if (!r.started_at) return null;
  const end = r.finished_at ? Date.parse(r.finished_at) : Date.now();
  return end - Date.parse(r.started_at);
}

function RunHead({ r, side }: { r: RunInfo; side: "A" | "B" }) {
  const ms = runMs(r);
  return (
    <div className="cmp-run" data-testid={`compare-run-${side}`}>
      <span className="cmp-side">{side}</span>
      <div>
        <div className="cmp-run-label">{runLabel(r.label, r.number)}</div>
        <div className="small muted">
          {r.version_label} · <span className={`status-chip st-${r.status}`}>{r.status}</span> · started {dateTime(r.started_at || r.created_at)}
          {ms !== null && ` · ${formatDuration(ms)}`}
        </div>
      </div>
      <RestoreButton run={r} className="button" />
    </div>
  );
}

/** ChangedParams lists each changed node's params as before → after (the selected one first). */
export function ChangedParams({ graph, selected, onSelect }: { graph: GraphDiff; selected: string | null; onSelect: (id: string | null) => void }) {
  const ids = Object.keys(graph.nodes_changed).sort();
  if (selected && ids.includes(selected)) {
    ids.splice(ids.indexOf(selected), 1);
    ids.unshift(selected);
  }
  return (
    <div className="cmp-params" data-testid="changed-params">
      <h4>Graph changes</h4>
      {graph.nodes_added.length + graph.nodes_removed.length + ids.length + graph.edges_added.length + graph.edges_removed.length === 0 && (
        <p className="muted small">Same nodes, params and edges.</p>
      )}
      {graph.nodes_added.length > 0 && <p className="small"><span className="mk mk-added">added</span> {graph.nodes_added.join(", ")}</p>}
      {graph.nodes_removed.length > 0 && <p className="small"><span className="mk mk-removed">removed</span> {graph.nodes_removed.join(", ")}</p>}
      {ids.map((id) => (
        <div key={id} className={`cmp-param-node${id === selected ? " sel" : ""}`} data-testid="changed-node" data-node-id={id}>
          <button type="button" className="link-button" onClick={() => onSelect(id === selected ? null : id)}>
            <span className="mk mk-changed">changed</span> {id}
          </button>
          <ul>
            {Object.entries(graph.nodes_changed[id]).map(([p, v]) => (
              <li key={p} className="mono small" data-testid="changed-param">
                {p}: <del>{showValue(v.a)}</del> → <ins>{showValue(v.b)}</ins>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {graph.edges_added.length > 0 && <p className="small mono"><span className="mk mk-added">+ edges</span> {graph.edges_added.join(", ")}</p>}
      {graph.edges_removed.length > 0 && <p className="small mono"><span className="mk mk-removed">− edges</span> {graph.edges_removed.join(", ")}</p>}
    </div>
  );
}

function sideCell(s: NodeSide | null) {
  if (!s) return <td colSpan={3} className="muted small">not in this version</td>;
  const reasons = s.reasons.join(", ");
  return (
    <>
      <td><span className={`status-chip st-${s.status}`}>{s.status}</span></td>
      <td className="small cmp-reasons" title={reasons}>{reasons}</td>
      <td className="small">{s.duration_ms ? formatDuration(s.duration_ms) : ""}</td>
    </>
  );
}

/** ROW_H is a node row's height in a long table (compare.css .cmp-table-long); WINDOW_OVER the
 * row count above which only the rows in view (and OVERSCAN around them) are in the page. */
export const ROW_H = 28;
const WINDOW_OVER = 80;
const OVERSCAN = 8;

function NodeTable({ data }: { data: CompareRuns }) {
  const [only, setOnly] = useState(true);
  const [by, setBy] = useState<SortKey>("node");
  const [desc, setDesc] = useState(false);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(360);
  const rows = useMemo(() => nodeRows(data.diff.nodes), [data]);
  const differ = useMemo(() => rows.filter((r) => r.differs).length, [rows]);
  const shown = useMemo(() => sortRows(rows, by, desc, only), [rows, by, desc, only]);
  const long = shown.length > WINDOW_OVER;
  const first = long ? Math.max(0, Math.floor(top / ROW_H) - OVERSCAN) : 0;
  const last = long ? Math.min(shown.length, Math.ceil((top + height) / ROW_H) + OVERSCAN) : shown.length;
  const th = (k: SortKey, label: string, span = 1) => (
    <th colSpan={span} aria-sort={by === k ? (desc ? "descending" : "ascending") : "none"}>
      <button type="button" className="link-button" onClick={() => (by === k ? setDesc(!desc) : (setBy(k), setDesc(false)))}>
        {label}
        {by === k ? (desc ? " ▾" : " ▴") : ""}
      </button>
    </th>
  );
  return (
    <section className="cmp-section">
      <h3>
        Nodes <span className="muted small">{differ} of {rows.length} differ</span>
        <label className="small cmp-only">
          <input type="checkbox" checked={only} onChange={(e) => setOnly(e.target.checked)} data-testid="only-differences" /> only differences
        </label>
      </h3>
      <div
        className="cmp-table-wrap"
        data-testid="node-table-wrap"
        onScroll={
          long
            ? (e) => {
                setTop(e.currentTarget.scrollTop);
                setHeight(e.currentTarget.clientHeight);
              }
            : undefined
        }
      >
        <table className={`cmp-table${long ? " cmp-table-long" : ""}`} data-testid="node-table" data-rows={shown.length}>
          <thead>
            <tr>
              {th("node", "Node")}
              {th("a_status", "A status")}
              <th>A reasons</th>
              {th("a_duration", "A time")}
              {th("b_status", "B status")}
              <th>B reasons</th>
              {th("b_duration", "B time")}
              {th("same", "Output")}
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr aria-hidden="true" style={{ height: first * ROW_H }} />}
            {shown.slice(first, last).map((r) => (
              <tr key={r.id} data-testid="node-row" data-node-id={r.id} className={r.differs ? "differs" : ""}>
                <td className="mono">{r.id}</td>
                {sideCell(r.a)}
                {sideCell(r.b)}
                <td>{r.same ? "same" : <b>differs</b>}</td>
              </tr>
            ))}
            {last < shown.length && <tr aria-hidden="true" style={{ height: (shown.length - last) * ROW_H }} />}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function CompareRunsView({ a, b, onClose }: { a: string; b: string; onClose: () => void }) {
  const [data, setData] = useState<CompareRuns | null>(null);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // the line diff's worker loads while the comparison is fetched
  useEffect(() => warmLineDiff(), []);
  useEffect(() => {
    let live = true;
    compareApi
      .compareRuns(a, b)
      .then((d) => live && (setData(d), setError("")))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [a, b, tick]);
  // follow runs still going
  const going = data ? !isFinishedRun(data.run_a.status) || !isFinishedRun(data.run_b.status) : false;
  useEffect(() => {
    if (!going) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onRunEvents((evs) => {
      if (!evs.some((e) => e.run_id === a || e.run_id === b) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((t) => t + 1);
      }, 400);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [going, a, b]);

  return (
    <div className="cmp-overlay" role="dialog" aria-label="Compare runs" data-testid="compare-view">
      <header className="cmp-head">
        <h2>Compare runs</h2>
        {going && <span className="badge">live</span>}
        <button type="button" className="button" onClick={onClose} data-testid="compare-close">
          Close
        </button>
      </header>
      {error && <p className="field-error" data-testid="compare-error">{error}</p>}
      {!data && !error && <p className="muted">Comparing…</p>}
      {data && (
        <div className="cmp-body">
          <div className="cmp-runs">
            <RunHead r={data.run_a} side="A" />
            <RunHead r={data.run_b} side="B" />
          </div>
          {data.diff.workflows && <p className="cmp-warn">These runs belong to different workflows: nodes are matched by id.</p>}
          <section className="cmp-section">
            <h3>Inputs that differ</h3>
            {Object.keys(data.diff.inputs).length === 0 ? (
              <p className="muted small">Same inputs.</p>
            ) : (
              <table className="cmp-table" data-testid="inputs-diff">
                <tbody>
                  {Object.entries(data.diff.inputs).map(([k, v]) => (
                    <tr key={k}>
                      <td className="mono">{k}</td>
                      <td className="mono">{showValue(v.a)}</td>
                      <td className="mono">{showValue(v.b)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="cmp-section">
            <h3>
              Graph{" "}
              <span className="muted small">
                {data.diff.version.same ? `same version ${data.run_a.version_label}` : `${data.run_a.version_label} → ${data.run_b.version_label}`}
              </span>
            </h3>
            <div className="cmp-graph">
              <DiffCanvas a={data.graph_a} b={data.graph_b ?? data.graph_a} diff={data.diff.graph} selected={selected} onSelect={setSelected} />
              <ChangedParams graph={data.diff.graph} selected={selected} onSelect={setSelected} />
            </div>
          </section>
          <NodeTable data={data} />
          <section className="cmp-section">
            <h3>Outputs</h3>
            {Object.keys(data.diff.outputs).length === 0 && <p className="muted small">Neither run has outputs yet.</p>}
            {Object.entries(data.diff.outputs)
              .sort(([x, ox], [y, oy]) => Number(ox.same) - Number(oy.same) || x.localeCompare(y))
              .map(([name, o]) => (
                <div key={name} className="cmp-output" data-testid="output-diff" data-output={name}>
                  <h4>
                    {name} {o.same ? <span className="muted small">same</span> : <span className="mk mk-changed">differs</span>}
                  </h4>
                  <ValueDiff a={o.a} b={o.b} />
                </div>
              ))}
          </section>
        </div>
      )}
    </div>
  );
}
