// A collapsible tree of a JSON value. Keys and values are text nodes only.
import { memo, useState } from "react";

const MAX_CHILDREN = 200;

function scalar(v: unknown): { text: string; cls: string } {
  if (v === null) return { text: "null", cls: "jt-null" };
  switch (typeof v) {
    case "string":
      return { text: JSON.stringify(v), cls: "jt-str" };
    case "number":
      return { text: String(v), cls: "jt-num" };
    case "boolean":
      return { text: String(v), cls: "jt-bool" };
    default:
      return { text: String(v), cls: "" };
  }
}

function Branch({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const isObj = value !== null && typeof value === "object";
  const [open, setOpen] = useState(depth < 2);
  if (!isObj) {
    const s = scalar(value);
    return (
      <li className="jt-leaf">
        {name !== null && <span className="jt-key">{name}: </span>}
        <span className={s.cls}>{s.text}</span>
      </li>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as object);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <li className="jt-branch">
      <button type="button" className="jt-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"}
      </button>
      {name !== null && <span className="jt-key">{name}: </span>}
      <span className="jt-punct">
        {brackets[0]}
        {!open && ` ${entries.length} ${Array.isArray(value) ? "items" : "keys"} ${brackets[1]}`}
      </span>
      {open && (
        <>
          <ul className="jt-list">
            {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
              <Branch key={k} name={k} value={v} depth={depth + 1} />
            ))}
            {entries.length > MAX_CHILDREN && <li className="jt-more">… {entries.length - MAX_CHILDREN} more</li>}
          </ul>
          <span className="jt-punct">{brackets[1]}</span>
        </>
      )}
    </li>
  );
}

/** JsonTree shows a value as an expandable tree (two levels open). */
export const JsonTree = memo(function JsonTree({ value }: { value: unknown }) {
  return (
    <ul className="jt" data-testid="json-tree">
      <Branch name={null} value={value} depth={0} />
    </ul>
  );
});
