// Run ×N: the workflow run N times at once (StartBatch), the same inputs each time, an integer
// input stepped per run (a seed sweep), or one run per value of a list for one input. Other
// inputs take their run form values (or defaults).
import { useMemo, useState } from "react";
import type { InputDecl } from "../api/types";
import { api } from "../api/backend";
import { initialRaw, runValues, type RawValue } from "../lib/inputs";
import { Dialog } from "../panels/Dialog";
import { useGraph } from "../stores/graph";
import { noteSavedVersion } from "../commands/editor";
import { startEdited } from "../stores/persist";
import { useRuns } from "../stores/runs";
import { toast } from "../stores/ui";
import { buildBatch, seedCandidates, valueCandidates, type Sweep } from "./sweep";
import { rememberNames } from "../stores/workflowNames";

type Mode = Sweep["kind"];

/** baseValues are the run form's values: the ones typed last (if given) over the defaults. */
function baseValues(decls: InputDecl[], typed?: Record<string, RawValue>): { values: Record<string, unknown>; errors: Record<string, string> } {
  const raws = Object.fromEntries(decls.map((d) => [d.name, typed && d.name in typed ? typed[d.name] : initialRaw(d)]));
  return runValues(decls, raws);
}

export function RunManyDialog({ onClose, typed }: { onClose: () => void; typed?: Record<string, RawValue> }) {
  const inputs = useGraph((s) => s.inputs);
  const seeds = useMemo(() => seedCandidates(inputs), [inputs]);
  const lists = useMemo(() => valueCandidates(inputs), [inputs]);
  const [mode, setMode] = useState<Mode>(seeds.length ? "seed" : "repeat");
  const [count, setCount] = useState("4");
  const [seedInput, setSeedInput] = useState(seeds[0]?.name ?? "");
  const [start, setStart] = useState("1");
  const [listInput, setListInput] = useState(lists[0]?.name ?? "");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const base = useMemo(() => baseValues(inputs, typed), [inputs, typed]);
  const sweep: Sweep =
    mode === "seed"
      ? { kind: "seed", input: seedInput, start: Number(start), count: Number(count) }
      : mode === "values"
        ? { kind: "values", input: listInput, text }
        : { kind: "repeat", count: Number(count) };
  const batch = useMemo(() => buildBatch(base.values, sweep, inputs), [base.values, inputs, JSON.stringify(sweep)]); // eslint-disable-line react-hooks/exhaustive-deps
  const missing = Object.entries(base.errors).filter(([name]) => !(mode === "values" && name === listInput) && !(mode === "seed" && name === seedInput));

  const submit = async () => {
    setError("");
    if (!batch.ok) {
      setError(batch.error);
      return;
    }
    if (missing.length) {
      setError(missing.map(([n, e]) => `${n}: ${e}`).join("\n") + "\nFill these in the Run form first.");
      return;
    }
    const wf = useGraph.getState().workflowId!;
    setBusy(true);
    try {
      const { out: runs, seq, sent } = await startEdited(
        (target) => api.startBatch({ workflow_id: wf, ...target }, batch.inputs),
        (runs) => !!runs[0]?.saved_version,
      );
      if (runs.length) noteSavedVersion(runs[0], seq, sent);
      const st = useRuns.getState();
      st.applyRunInfos(runs);
      rememberNames(runs);
      if (runs.length) st.focus(wf, runs[0].id);
      toast("success", `Started ${runs.length} runs.`);
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const n = batch.ok ? batch.inputs.length : 0;
  return (
    <Dialog
      title="Run ×N"
      onClose={onClose}
      testId="run-many"
      confirm={{
        label: busy ? "Starting…" : `Run ×${n || "N"}`,
        onConfirm: () => void submit(),
        disabled: busy || !batch.ok,
        testId: "run-many-submit",
      }}
    >
      <div className="runmany-modes" role="radiogroup" aria-label="How the runs differ">
        <label>
          <input type="radio" name="rm-mode" checked={mode === "repeat"} onChange={() => setMode("repeat")} data-testid="rm-repeat" /> Same
          inputs each time
        </label>
        <label title={seeds.length ? undefined : "Declare an integer input (e.g. seed) to sweep it"}>
          <input type="radio" name="rm-mode" checked={mode === "seed"} disabled={!seeds.length} onChange={() => setMode("seed")} data-testid="rm-seed" />{" "}
          Step an integer input (seed sweep)
        </label>
        <label>
          <input type="radio" name="rm-mode" checked={mode === "values"} disabled={!lists.length} onChange={() => setMode("values")} data-testid="rm-values" /> One
          run per value of an input
        </label>
      </div>
      {mode !== "values" && (
        <div className="runmany-row">
          <label htmlFor="rm-count">Runs</label>
          <input id="rm-count" className="input" type="number" min={1} max={1000} value={count} onChange={(e) => setCount(e.target.value)} style={{ width: 90 }} />
        </div>
      )}
      {mode === "seed" && (
        <div className="runmany-row">
          <label htmlFor="rm-seed-input">Input</label>
          <select id="rm-seed-input" className="input" value={seedInput} onChange={(e) => setSeedInput(e.target.value)}>
            {seeds.map((d) => (
              <option key={d.name}>{d.name}</option>
            ))}
          </select>
          <label htmlFor="rm-start">from</label>
          <input id="rm-start" className="input" type="number" step={1} value={start} onChange={(e) => setStart(e.target.value)} style={{ width: 90 }} />
        </div>
      )}
      {mode === "values" && (
        <>
          <div className="runmany-row">
            <label htmlFor="rm-list-input">Input</label>
            <select id="rm-list-input" className="input" value={listInput} onChange={(e) => setListInput(e.target.value)}>
              {lists.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name} ({d.type})
                </option>
              ))}
            </select>
          </div>
          <textarea
            className="input mono"
            rows={6}
            placeholder="One value per line"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Values, one per line"
            data-testid="rm-values-text"
          />
        </>
      )}
      <p className="runmany-preview" data-testid="run-many-preview">
        {batch.ok
          ? `${n} run${n === 1 ? "" : "s"}` +
            (mode === "seed" && n ? `: ${seedInput} = ${Number(start)}…${Number(start) + n - 1}` : "") +
            (inputs.length > 1 || mode === "repeat" ? ". Other inputs use the Run form's values." : ".")
          : batch.error}
      </p>
      {error && (
        <pre className="run-error" role="alert">
          {error}
        </pre>
      )}
    </Dialog>
  );
}
