// The run form: one typed field per declared input of the graph being edited, prefilled with
// defaults. Values are checked while typing, then by the backend (CheckInputs) before
// anything runs; Run starts the run of the edited graph.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useFieldDrop } from "../dnd/useFieldDrop";
import { api, assetURL } from "../api/backend";
import type { AssetRef, InputDecl } from "../api/types";
import { isMediaType } from "../api/types";
import { withArticle } from "../lib/jsonerror";
import { initialRaw, rawsFromInputs, runField, runValues, type RawValue } from "../lib/inputs";
import { startRun } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { useRuns, type RunState } from "../stores/runs";
import { toast, useUI } from "../stores/ui";
import { Dialog } from "./Dialog";

/** Values typed last time, per workflow and input, so a second run starts from them. */
const remembered = new Map<string, Record<string, RawValue>>();
/** Input values the next run form of a workflow opens with ("Run again with these inputs"). */
const presets = new Map<string, Record<string, unknown>>();

/** latestInputs are the inputs of the newest run of a workflow the window knows. */
function latestInputs(workflowId: string): Record<string, unknown> | null {
  let best: RunState | null = null;
  for (const r of Object.values(useRuns.getState().runs)) {
    if (r.workflowId !== workflowId || !r.inputs) continue;
    if (!best || (r.createdAt || "") > (best.createdAt || "") || (r.createdAt === best.createdAt && r.number > best.number)) best = r;
  }
  return best?.inputs ?? null;
}

/**
 * runAgainWith opens the run form of the open workflow filled with the inputs a run was given
 * ("Run again with these inputs"); they can be changed before Run.
 */
export async function runAgainWith(runId: string): Promise<void> {
  try {
    let r: { workflowId: string; inputs: Record<string, unknown> | null } | undefined = useRuns.getState().runs[runId];
    if (!r?.inputs) {
      const info = await api.getRun(runId);
      r = { workflowId: info.workflow_id, inputs: info.inputs ?? {} };
    }
    if (r.workflowId !== useGraph.getState().workflowId) return;
    presets.set(r.workflowId, r.inputs ?? {});
    remembered.delete(r.workflowId);
    useUI.getState().open("run");
  } catch (e) {
    toast("error", `Run again: ${(e as Error).message}`);
  }
}

/** RunAgainButton sits on a run of the open workflow (a queue card, a Runs tab row). */
export function RunAgainButton({ runId, workflowId, className = "cmp-restore" }: { runId: string; workflowId: string; className?: string }) {
  const openWf = useGraph((s) => s.workflowId);
  if (workflowId !== openWf) return null;
  return (
    <button
      type="button"
      className={className}
      data-testid="run-again"
      title="Run again with these inputs: opens the Run form filled with them"
      onClick={(e) => {
        e.stopPropagation();
        void runAgainWith(runId);
      }}
    >
      Run again
    </button>
  );
}

/** rememberedValues are the run form's last values for a workflow (Run ×N starts from them). */
export function rememberedValues(workflowId: string): Record<string, RawValue> | undefined {
  return remembered.get(workflowId);
}

function MediaField({ decl, raw, set }: { decl: InputDecl; raw: RawValue; set: (v: RawValue) => void }) {
  const ref = raw && typeof raw === "object" ? (raw as AssetRef) : null;
  const box = useRef<HTMLDivElement>(null);
  const [dropError, setDropError] = useState("");
  // a file dragged from the OS onto the field fills it (the window routes the drop here)
  useFieldDrop(
    box,
    decl.type,
    useCallback(
      (a: AssetRef) => {
        setDropError("");
        set(a);
      },
      [set],
    ),
    setDropError,
  );
  return (
    <div className="media-field" ref={box} data-drop-input={decl.name} title={`Drop ${withArticle(decl.type)} file here, or choose one`}>
      {ref ? (
        <>
          {decl.type === "image" && <img className="media-thumb" src={assetURL(ref.asset)} alt="" />}
          <span className="mono small">{ref.name || ref.asset.slice(0, 12)}</span>
          <button type="button" className="button" onClick={() => set(null)}>
            Clear
          </button>
        </>
      ) : (
        <span className="muted small">No file chosen</span>
      )}
      <button
        type="button"
        className="button"
        id={`run-input-${decl.name}`}
        onClick={async () => {
          try {
            const r = await api.pickMedia(decl.type);
            if (r) set(r);
          } catch (e) {
            toast("error", (e as Error).message);
          }
        }}
      >
        Choose {decl.type}…
      </button>
      {dropError && (
        <p className="field-error" role="alert">
          {dropError}
        </p>
      )}
    </div>
  );
}

function Field({ decl, raw, error, set }: { decl: InputDecl; raw: RawValue; error?: string; set: (v: RawValue) => void }) {
  const id = `run-input-${decl.name}`;
  let control: React.ReactNode;
  if (isMediaType(decl.type)) control = <MediaField decl={decl} raw={raw} set={set} />;
  else if (decl.type === "boolean") {
    const on = raw === true;
    control = (
      <button id={id} type="button" role="switch" aria-checked={on} className={`switch${on ? " on" : ""}`} onClick={() => set(!on)}>
        <span className="switch-knob" />
      </button>
    );
  } else if (decl.type === "object" || decl.type === "array") {
    control = (
      <textarea
        id={id}
        className="input mono"
        rows={4}
        value={typeof raw === "string" ? raw : ""}
        placeholder={decl.type === "object" ? "{ }" : "[ ]"}
        aria-invalid={Boolean(error)}
        onChange={(e) => set(e.target.value)}
      />
    );
  } else {
    control = (
      <input
        id={id}
        className="input"
        value={typeof raw === "string" ? raw : ""}
        inputMode={decl.type === "number" || decl.type === "integer" ? "decimal" : undefined}
        aria-invalid={Boolean(error)}
        onChange={(e) => set(e.target.value)}
      />
    );
  }
  return (
    <div className="field" data-testid={`run-field-${decl.name}`}>
      <label className="field-label" htmlFor={id}>
        <span className="mono">{decl.name}</span>
        {decl.required && <span className="required"> *</span>}
        <span className="field-kind">{decl.type}</span>
      </label>
      {control}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {decl.description && <p className="field-help">{decl.description}</p>}
    </div>
  );
}

export function RunForm() {
  const close = useUI((s) => s.close);
  const inputs = useGraph((s) => s.inputs);
  const workflowId = useGraph((s) => s.workflowId)!;
  // The fields open with: a run's inputs ("Run again"), else what was typed last in this
  // window, else the inputs of the workflow's last run (a reload, a command-line run), else
  // the defaults.
  const [source] = useState<"preset" | "typed" | "last">(() =>
    presets.has(workflowId) ? "preset" : remembered.has(workflowId) ? "typed" : "last",
  );
  const [raws, setRaws] = useState<Record<string, RawValue>>(() => {
    const preset = presets.get(workflowId);
    presets.delete(workflowId);
    if (preset) return rawsFromInputs(inputs, preset);
    const prev = remembered.get(workflowId);
    if (prev) return Object.fromEntries(inputs.map((d) => [d.name, d.name in prev ? prev[d.name] : initialRaw(d)]));
    return rawsFromInputs(inputs, latestInputs(workflowId));
  });
  const [touched, setTouched] = useState<Set<string>>(new Set());
  // the stored last run may be newer than what this window knows (another process ran it)
  const typedRef = useRef(false);
  useEffect(() => {
    if (source !== "last") return;
    let live = true;
    api
      .listRuns(workflowId, 1)
      .then((list) => {
        if (live && !typedRef.current && list[0]?.inputs) setRaws(rawsFromInputs(inputs, list[0].inputs));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [source, workflowId, inputs]);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState("");
  const [busy, setBusy] = useState(false);
  const local = useMemo(() => runValues(inputs, raws), [inputs, raws]);

  const set = (name: string, v: RawValue) => {
    typedRef.current = true;
    setRaws((r) => ({ ...r, [name]: v }));
    setTouched((t) => new Set(t).add(name));
    setServerErrors((e) => ({ ...e, [name]: "" }));
    setFormError("");
  };

  const errorFor = (d: InputDecl) => {
    if (serverErrors[d.name]) return serverErrors[d.name];
    if (!submitted && !touched.has(d.name)) return undefined;
    return runField(d, raws[d.name]).error;
  };

  const submit = async () => {
    setSubmitted(true);
    setFormError("");
    remembered.set(workflowId, raws);
    if (Object.keys(local.errors).length) return;
    setBusy(true);
    try {
      {
        // the check reads only the declared inputs: the nodes are not sent
        const problems = await api.checkRunInputs({ inputs: useGraph.getState().inputs, nodes: [], edges: [] }, local.values);
        if (problems.length) {
          const byInput: Record<string, string> = {};
          const general: string[] = [];
          for (const p of problems) {
            if (p.input && inputs.some((d) => d.name === p.input)) byInput[p.input] = p.message;
            else general.push(p.input ? `${p.input}: ${p.message}` : p.message);
          }
          setServerErrors(byInput);
          setFormError(general.join("\n"));
          return;
        }
      }
      await startRun(local.values);
      close();
    } catch (e) {
      setFormError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Run workflow"
      onClose={close}
      testId="run-form"
      confirm={{ label: busy ? "Starting…" : "Run", form: "run-form", disabled: busy, testId: "run-submit" }}
    >
      <form
        id="run-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {inputs.length === 0 && <p className="muted">This workflow declares no inputs.</p>}
        {inputs.map((d) => (
          <Field key={d.name} decl={d} raw={raws[d.name]} error={errorFor(d)} set={(v) => set(d.name, v)} />
        ))}
        {formError && (
          <pre className="run-error" role="alert" data-testid="run-form-error">
            {formError}
          </pre>
        )}
        <p className="muted small">Runs the graph as edited; if it differs from every version it is saved as a new one first.</p>
      </form>
    </Dialog>
  );
}
