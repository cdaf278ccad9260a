// One field of the inspector's params form, chosen by the param's kind: text, multi-line
// text, number, integer, switch, select, JSON (checked live), code, expression, path (with
// Browse) and lists of strings.
import { useState } from "react";
import { api } from "../api/backend";
import type { ParamSpec } from "../api/types";
import { formatParam, parseParam } from "../lib/params";
import { toast } from "../stores/ui";
import { useSyncedText } from "./useSyncedText";

/** onCodeKey makes Tab indent inside a code area instead of leaving it; Escape then Tab
 * leaves, so the keyboard is never trapped. */
function onCodeKey(e: React.KeyboardEvent<HTMLTextAreaElement>, set: (t: string) => void) {
  const el = e.currentTarget;
  if (e.key === "Escape") {
    el.dataset.tabOut = "1";
    return;
  }
  if (e.key !== "Tab") {
    delete el.dataset.tabOut;
    return;
  }
  if (e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
  if (el.dataset.tabOut === "1") return;
  e.preventDefault();
  const { selectionStart: a, selectionEnd: b, value } = el;
  const next = value.slice(0, a) + "  " + value.slice(b);
  set(next);
  requestAnimationFrame(() => {
    el.selectionStart = el.selectionEnd = a + 2;
  });
}

export function ParamField({
  spec,
  value,
  nodeId,
  onChange,
  problem,
  suggestions,
}: {
  spec: ParamSpec;
  value: unknown;
  nodeId: string;
  onChange: (v: unknown) => void;
  /** the backend's problem with the param's saved value (CheckGraph), shown under the field */
  problem?: string;
  /** values offered while typing (the models a node's provider lists) */
  suggestions?: string[];
}) {
  const [text, setText] = useSyncedText(value, (v) => formatParam(spec.kind, v), (t) => parseParam(spec.kind, t));
  const [error, setError] = useState<string | null>(null);
  const id = `param-${nodeId}-${spec.name}`;
  // The field's own parse error (say, JSON being typed) comes first: until the text parses,
  // the backend's problem is about an older value.
  const shown = error ?? problem ?? null;
  const errorId = shown ? `${id}-error` : undefined;
  const label = spec.label || spec.name;
  const placeholder = spec.default !== undefined && spec.default !== null ? formatParam(spec.kind, spec.default) : undefined;

  const change = (t: string) => {
    setText(t);
    const p = parseParam(spec.kind, t);
    if (!p.ok) {
      setError(p.error);
      return;
    }
    setError(null);
    onChange(p.value);
  };

  let control: React.ReactNode;
  switch (spec.kind) {
    case "boolean": {
      const on = value === true || value === "true";
      control = (
        <button
          id={id}
          type="button"
          role="switch"
          aria-checked={on}
          className={`switch${on ? " on" : ""}`}
          onClick={() => onChange(!on)}
        >
          <span className="switch-knob" />
        </button>
      );
      break;
    }
    case "select":
      control = (
        <select id={id} className="input" aria-invalid={Boolean(shown)} aria-describedby={errorId} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
          {!spec.options?.includes(String(value ?? "")) && <option value="">—</option>}
          {(spec.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case "text":
    case "json":
    case "strings":
    case "code":
      control = (
        <textarea
          id={id}
          className={`input${spec.kind === "text" ? "" : " mono"}${spec.kind === "code" ? " code" : ""}`}
          rows={spec.kind === "code" ? 8 : spec.kind === "text" ? 4 : 3}
          value={text}
          placeholder={spec.kind === "strings" ? "one per line" : placeholder}
          title={spec.kind === "code" ? "Tab indents; press Escape, then Tab, to leave" : undefined}
          spellCheck={spec.kind === "text"}
          aria-invalid={Boolean(shown)}
          aria-describedby={errorId}
          onChange={(e) => change(e.target.value)}
          onKeyDown={spec.kind === "code" ? (e) => onCodeKey(e, change) : undefined}
        />
      );
      break;
    case "path":
      control = (
        <div className="path-field">
          <input id={id} className="input mono" aria-invalid={Boolean(shown)} aria-describedby={errorId} value={text} placeholder={placeholder ?? "/path/to/file"} onChange={(e) => change(e.target.value)} />
          <button
            type="button"
            className="button"
            onClick={async () => {
              try {
                const p = await api.pickFile(`Choose a file for ${label}`);
                if (p) change(p);
              } catch (e) {
                toast("error", (e as Error).message);
              }
            }}
          >
            Browse…
          </button>
        </div>
      );
      break;
    default:
      control = (
        <input
          id={id}
          className={`input${spec.kind === "expression" ? " mono" : ""}`}
          value={text}
          inputMode={spec.kind === "number" || spec.kind === "integer" ? "decimal" : undefined}
          placeholder={placeholder}
          aria-invalid={Boolean(shown)}
          aria-describedby={errorId}
          spellCheck={false}
          list={suggestions?.length ? `${id}-options` : undefined}
          onChange={(e) => change(e.target.value)}
        />
      );
      if (suggestions?.length) {
        control = (
          <>
            {control}
            <datalist id={`${id}-options`} data-testid={`param-${spec.name}-options`}>
              {suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </>
        );
      }
  }

  return (
    <div className={`field param-${spec.kind}`} data-testid={`param-${spec.name}`}>
      <label className="field-label" htmlFor={id}>
        {label}
        {spec.required && <span className="required" aria-label="required"> *</span>}
        <span className="field-kind">{spec.kind}</span>
      </label>
      {control}
      {shown && (
        <p id={errorId} className="field-error" data-testid="param-error">
          {shown}
        </p>
      )}
      {spec.description && <p className="field-help">{spec.description}</p>}
    </div>
  );
}
