// Text output with a copy button. Shown as text (pre-wrapped), never as HTML.
import { memo, useState } from "react";

async function copyText(text: string): Promise<boolean> {
  try {
    const rt = (window as unknown as { runtime?: { ClipboardSetText?: (t: string) => Promise<boolean> } }).runtime;
    if (rt?.ClipboardSetText && (await rt.ClipboardSetText(text))) return true;
  } catch {
    // fall through to the browser clipboard
  }
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

const SHOWN = 20_000;

export const TextBlock = memo(function TextBlock({ text, live = false }: { text: string; live?: boolean }) {
  const [copied, setCopied] = useState<"" | "ok" | "fail">("");
  const shown = text.length > SHOWN ? text.slice(0, SHOWN) : text;
  return (
    <div className="pv-text-wrap">
      <pre className={`pv-text${live ? " pv-live" : ""}`} data-testid="text-preview">
        {shown}
        {live && <span className="pv-caret" aria-hidden="true" />}
      </pre>
      {text.length > SHOWN && <div className="pv-note">Showing the first {SHOWN.toLocaleString()} of {text.length.toLocaleString()} characters.</div>}
      <button
        type="button"
        className="pv-copy"
        onClick={async () => {
          setCopied((await copyText(text)) ? "ok" : "fail");
          setTimeout(() => setCopied(""), 1500);
        }}
        title="Copy the whole text"
      >
        {copied === "ok" ? "Copied" : copied === "fail" ? "Copy failed" : "Copy"}
      </button>
    </div>
  );
});
