// The inputs panel: the workflow's typed flow inputs — add, edit, reorder, remove. Defaults
// are checked as they are typed; renaming an input rewrites what refers to it.
import { useEffect, useState } from "react";
import type { InputDecl } from "../api/types";
import { INPUT_TYPES, isMediaType } from "../api/types";
import { uniqueId } from "../lib/ids";
import { formatDefault, parseDefault, validateInputName } from "../lib/inputs";
import { renameFlowInput, setInputs } from "../commands/editor";
import { useCatalog } from "../stores/catalog";
import { useGraph } from "../stores/graph";
import { toast } from "../stores/ui";
import { useSyncedText } from "./useSyncedText";

function replaceAt(list: InputDecl[], i: number, d: InputDecl): InputDecl[] {
  return list.map((x, j) => (j === i ? d : x));
}

/** removeInput drops a declared input and the edges out of its flow.inputs handle. */
function removeInput(index: number) {
  const s = useGraph.getState();
  const name = s.inputs[index]?.name;
  const types = useCatalog.getState().types;
  const flowInputs = new Set(s.nodes.filter((n) => types[n.data.type]?.dynamic_outputs).map((n) => n.id));
  s.edit((f) => ({
    ...f,
    inputs: f.inputs.filter((_, j) => j !== index),
    edges: f.edges.filter((e) => !(flowInputs.has(e.source) && e.sourceHandle === name)),
  }));
}

function DefaultField({ decl, index, inputs }: { decl: InputDecl; index: number; inputs: InputDecl[] }) {
  const [text, setText] = useSyncedText(
    decl.default,
    (v) => (decl.type === "object" || decl.type === "array") && v !== undefined ? JSON.stringify(v, null, 2) : formatDefault(decl.type, v),
    (t) => parseDefault(decl.type, t),
  );
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setError(null), [decl.type]);
  if (isMediaType(decl.type)) return <p className="muted small">Media inputs have no default; choose a file when running.</p>;
  const change = (t: string) => {
    setText(t);
    const p = parseDefault(decl.type, t);
    if (!p.ok) {
      setError(p.error);
      return;
    }
    setError(null);
    const next: InputDecl = { ...decl };
    if (p.value === undefined) delete next.default;
    else next.default = p.value;
    setInputs(replaceAt(inputs, index, next), `input-default:${index}`);
  };
  const id = `input-default-${index}`;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Default
      </label>
      {decl.type === "boolean" ? (
        <select id={id} className="input" value={text} onChange={(e) => change(e.target.value)}>
          <option value="">No default</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : decl.type === "object" || decl.type === "array" ? (
        <textarea id={id} className="input mono" rows={3} value={text} aria-invalid={Boolean(error)} aria-label={`Default of ${decl.name}`} onChange={(e) => change(e.target.value)} />
      ) : (
        <input
          id={id}
          className="input"
          value={text}
          inputMode={decl.type === "number" || decl.type === "integer" ? "decimal" : undefined}
          placeholder="No default"
          aria-invalid={Boolean(error)}
          aria-label={`Default of ${decl.name}`}
          onChange={(e) => change(e.target.value)}
        />
      )}
      {error && (
        <p className="field-error" data-testid="default-error">
          {error}
        </p>
      )}
    </div>
  );
}

function InputEditor({ decl, index, inputs }: { decl: InputDecl; index: number; inputs: InputDecl[] }) {
  const [name, setName] = useState(decl.name);
  useEffect(() => setName(decl.name), [decl.name]);
  const others = inputs.filter((_, j) => j !== index).map((d) => d.name);
  const nameError = name === decl.name ? null : validateInputName(name, others);
  const update = (patch: Partial<InputDecl>, key?: string) => setInputs(replaceAt(inputs, index, { ...decl, ...patch }), key);
  const commitName = () => {
    if (name === decl.name) return;
    if (nameError) {
      toast("error", `Input name “${name}”: ${nameError}.`);
      setName(decl.name);
      return;
    }
    for (const w of renameFlowInput(decl.name, name)) toast("warning", w);
  };
  const changeType = (type: string) => {
    const next: InputDecl = { ...decl, type };
    if (next.default !== undefined) {
      const p = parseDefault(type, formatDefault(decl.type, decl.default));
      if (p.ok && p.value !== undefined) next.default = p.value;
      else delete next.default;
    }
    setInputs(replaceAt(inputs, index, next));
  };
  const move = (by: number) => {
    const list = [...inputs];
    const [d] = list.splice(index, 1);
    list.splice(index + by, 0, d);
    setInputs(list);
  };
  return (
    <li className="input-card" data-testid={`input-row-${index}`} aria-label={`Input ${decl.name}`}>
      <div className="input-card-head">
        <input
          className="input input-name mono"
          value={name}
          aria-label="Input name"
          aria-invalid={Boolean(nameError)}
          onChange={(e) => setName(e.target.value)}
          onBlur={commitName}
          onKeyDown={(e) => {
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
            if (e.key === "Escape") setName(decl.name);
          }}
        />
        <div className="input-card-tools">
          <button type="button" className="icon-button" aria-label="Move up" disabled={index === 0} onClick={() => move(-1)}>
            ↑
          </button>
          <button type="button" className="icon-button" aria-label="Move down" disabled={index === inputs.length - 1} onClick={() => move(1)}>
            ↓
          </button>
          <button type="button" className="icon-button danger" aria-label={`Remove input ${decl.name}`} onClick={() => removeInput(index)}>
            ×
          </button>
        </div>
      </div>
      {nameError && <p className="field-error">{nameError}</p>}
      <div className="input-card-grid">
        <label className="field">
          <span className="field-label">Type</span>
          <select className="input" value={decl.type} aria-label="Input type" onChange={(e) => changeType(e.target.value)}>
            {INPUT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <input type="checkbox" checked={decl.required} aria-label="Required" onChange={(e) => update({ required: e.target.checked })} />
          <span>Required</span>
        </label>
      </div>
      <label className="field">
        <span className="field-label">Description</span>
        <input
          className="input"
          value={decl.description ?? ""}
          placeholder="What this input is for"
          onChange={(e) => update({ description: e.target.value }, `input-desc:${index}`)}
        />
      </label>
      <DefaultField decl={decl} index={index} inputs={inputs} />
    </li>
  );
}

export function InputsPanel() {
  const inputs = useGraph((s) => s.inputs);
  const add = () => {
    const name = uniqueId("input", new Set(inputs.map((d) => d.name)));
    setInputs([...inputs, { name, type: "string", description: "", required: false }]);
  };
  return (
    <div className="inputs-panel">
      <p className="muted small">
        Typed values a run asks for. Use them through a <span className="mono">Flow inputs</span> node or as{" "}
        <span className="mono">{"{{name}}"}</span> in any text param.
      </p>
      {inputs.length === 0 && <p className="muted">No inputs declared.</p>}
      <ol className="input-list">
        {inputs.map((d, i) => (
          <InputEditor key={`${i}:${d.name}`} decl={d} index={i} inputs={inputs} />
        ))}
      </ol>
      <button type="button" className="button button-block" onClick={add}>
        + Add input
      </button>
    </div>
  );
}
