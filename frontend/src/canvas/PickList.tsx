// A search field over a list to pick from, as Quick add and Find node show it: typing filters
// (the caller's items), arrow keys choose, Enter or a click picks, Escape closes.
import { useState, type ReactNode } from "react";

export interface PickItem {
  key: string;
  title: string;
  detail: string;
  /** the node type's group: its colour dot */
  group?: string;
  testId?: string;
}

export function PickList({
  items,
  query,
  onQuery,
  onPick,
  onClose,
  placeholder,
  label,
  listLabel,
  footer,
}: {
  items: PickItem[];
  query: string;
  onQuery: (q: string) => void;
  onPick: (key: string) => void;
  onClose: () => void;
  placeholder: string;
  label: string;
  listLabel: string;
  footer?: ReactNode;
}) {
  const [active, setActive] = useState(0);
  return (
    <>
      <input
        className="input"
        autoFocus
        placeholder={placeholder}
        aria-label={label}
        value={query}
        onChange={(e) => {
          onQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, items.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter" && items[active]) {
            e.preventDefault();
            onPick(items[active].key);
          } else if (e.key === "Escape") {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <ul className="quickadd-list" role="listbox" aria-label={listLabel}>
        {items.length === 0 && <li className="muted small quickadd-empty">No node matches.</li>}
        {items.map((t, i) => (
          <li
            key={t.key}
            role="option"
            aria-selected={i === active}
            data-testid={t.testId}
            className={`quickadd-item${t.group ? ` group-${t.group}` : ""}${i === active ? " active" : ""}`}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(t.key);
            }}
            ref={i === active ? (el) => el?.scrollIntoView({ block: "nearest" }) : undefined}
          >
            {t.group && <span className="fb-dot" aria-hidden="true" />}
            <span className="palette-title">{t.title}</span>
            <span className="palette-type">{t.detail}</span>
          </li>
        ))}
        {footer}
      </ul>
    </>
  );
}
