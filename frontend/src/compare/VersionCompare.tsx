// "Compare with…" of the version menu: the graph diff of two versions of the open workflow,
// drawn on a canvas, and the declared inputs added, removed and changed.
import { useEffect, useState } from "react";
import { useGraph } from "../stores/graph";
import { compareApi, type CompareVersions } from "./api";
import { ChangedParams } from "./CompareView";
import { DiffCanvas } from "./DiffCanvas";
import { showValue } from "./logic";
import { useCompare } from "../stores/compare";

export function VersionCompareView({ workflowId, a, b, onClose }: { workflowId: string; a: string; b: string; onClose: () => void }) {
  const versions = useGraph((s) => (s.workflowId === workflowId ? s.versions : []));
  const [data, setData] = useState<CompareVersions | null>(null);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    if (a === b) {
      setError("Choose two different versions.");
      return;
    }
    compareApi
      .compareVersions(workflowId, a, b)
      .then((d) => live && (setData(d), setError("")))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [workflowId, a, b]);
  const choose = (side: "a" | "b", id: string) => useCompare.getState().open({ kind: "versions", workflowId, a: side === "a" ? id : a, b: side === "b" ? id : b });
  const picker = (side: "a" | "b", value: string) => (
    <select className="input" value={value} onChange={(e) => choose(side, e.target.value)} aria-label={`Version ${side.toUpperCase()}`} data-testid={`version-pick-${side}`}>
      {versions.map((v) => (
        <option key={v.id} value={v.id}>
          {v.label}
          {v.notes ? ` — ${v.notes.slice(0, 40)}` : ""}
        </option>
      ))}
    </select>
  );
  const d = data?.diff;
  return (
    <div className="cmp-overlay" role="dialog" aria-label="Compare versions" data-testid="version-compare">
      <header className="cmp-head">
        <h2>Compare versions</h2>
        {picker("a", a)} <span aria-hidden="true">→</span> {picker("b", b)}
        <button type="button" className="button" onClick={onClose} data-testid="compare-close">
          Close
        </button>
      </header>
      {error && <p className="field-error">{error}</p>}
      {d && data && (
        <div className="cmp-body">
          <section className="cmp-section" data-testid="version-inputs">
            <h3>Inputs</h3>
            {d.inputs_added.length + d.inputs_removed.length + Object.keys(d.inputs_changed).length === 0 && <p className="muted small">Same declared inputs.</p>}
            {d.inputs_added.length > 0 && <p className="small"><span className="mk mk-added">added</span> {d.inputs_added.join(", ")}</p>}
            {d.inputs_removed.length > 0 && <p className="small"><span className="mk mk-removed">removed</span> {d.inputs_removed.join(", ")}</p>}
            {Object.entries(d.inputs_changed).map(([name, ch]) => (
              <p key={name} className="small mono">
                <span className="mk mk-changed">changed</span> {name}:{" "}
                {Object.entries(ch)
                  .map(([f, v]) => `${f} ${showValue(v.a)} → ${showValue(v.b)}`)
                  .join("; ")}
              </p>
            ))}
          </section>
          <section className="cmp-section">
            <h3>
              Graph <span className="muted small">{data.version_a.label} → {data.version_b.label}</span>
            </h3>
            <div className="cmp-graph">
              <DiffCanvas a={data.version_a.graph} b={data.version_b.graph} diff={d.graph} selected={selected} onSelect={setSelected} />
              <ChangedParams graph={d.graph} selected={selected} onSelect={setSelected} />
            </div>
          </section>
        </div>
      )}
    </div>
  );
}
