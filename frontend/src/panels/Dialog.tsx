// A modal dialog: a labelled box over a dimmed window, closed by Escape or a click outside.
// Focus moves into it when it opens and returns where it was when it closes. Most dialogs end
// in Cancel and one button that names the action: give them `confirm`; `footer` is for the
// few with other buttons.
import { useEffect, useRef, type ReactNode } from "react";

/** Confirm is the footer's action button (Cancel beside it closes the dialog). */
export interface Confirm {
  /** the button's words: what it does ("Save version", "Run ×3") */
  label: ReactNode;
  /** a click; leave it out to submit `form` instead */
  onConfirm?: () => void;
  /** the id of a form in the body the button submits (Enter in a field does the same) */
  form?: string;
  disabled?: boolean;
  /** a destructive action: drawn as a danger button */
  danger?: boolean;
  testId?: string;
  /** the closing button's words (default "Cancel") */
  cancel?: string;
}

function ConfirmFooter({ confirm: c, onClose }: { confirm: Confirm; onClose: () => void }) {
  return (
    <>
      <button type="button" className="button" onClick={onClose}>
        {c.cancel ?? "Cancel"}
      </button>
      <button
        type={c.form ? "submit" : "button"}
        form={c.form}
        className={`button ${c.danger ? "button-danger" : "button-primary"}`}
        disabled={c.disabled}
        onClick={c.form ? undefined : c.onConfirm}
        data-testid={c.testId}
      >
        {c.label}
      </button>
    </>
  );
}

export function Dialog({
  title,
  onClose,
  children,
  confirm,
  footer,
  wide,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** a footer of Cancel and this action */
  confirm?: Confirm;
  /** any other footer */
  footer?: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const foot = confirm ? <ConfirmFooter confirm={confirm} onClose={onClose} /> : footer;
  const box = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    // Escape closes the topmost dialog wherever the focus is.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      const all = document.querySelectorAll(".dialog");
      if (all[all.length - 1] !== box.current) return;
      e.preventDefault();
      closeRef.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const b = box.current;
    const first =
      b?.querySelector<HTMLElement>("[data-autofocus]") ??
      b?.querySelector<HTMLElement>(".dialog-body input, .dialog-body textarea, .dialog-body select") ??
      b?.querySelector<HTMLElement>(".dialog-foot .button-primary, .dialog-foot .button-danger, .dialog-foot button");
    (first ?? b)?.focus();
    return () => before?.focus?.({ preventScroll: true });
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={box}
        className={`dialog${wide ? " dialog-wide" : ""}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
      >
        <div className="dialog-head">
          <h2 className="dialog-title">{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        {foot && <div className="dialog-foot">{foot}</div>}
      </div>
    </div>
  );
}

/** ConfirmDialog asks a yes/no question; the confirming button names the action. */
export function ConfirmDialog({
  title,
  message,
  confirm,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  message: ReactNode;
  confirm: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose} testId="confirm-dialog" confirm={{ label: confirm, onConfirm, danger }}>
      <p className="dialog-text">{message}</p>
    </Dialog>
  );
}
