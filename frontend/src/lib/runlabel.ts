// How a run is named in the window. Mirrors engine/labels.go: a run nothing else names is
// "Run #n" (engine.NumberedLabel), n its number in its workflow; other runs carry the label
// the engine gave them (engine.RunLabel, engine.SweepLabels).

/** numberedLabel is "Run #n" — the label the stores give a run created without one. */
export function numberedLabel(n: number): string {
  return `Run #${n}`;
}

/** isNumberedLabel says whether a label is only a run number ("Run #3"). */
export function isNumberedLabel(label: string): boolean {
  return /^Run #\d+$/.test(label);
}

/** runTitle is a run's number, or "Run" while the stored record (and its number) is unknown. */
export function runTitle(n: number): string {
  return n ? numberedLabel(n) : "Run";
}

/** runLabel is the run's label, else its number. */
export function runLabel(label: string, n: number): string {
  return label || numberedLabel(n);
}

/** extraLabel is the run's label when it says more than its number, else "". */
export function extraLabel(label: string, n: number): string {
  return label !== numberedLabel(n) ? label : "";
}

/** runName is how the header names a run: its number, then its label when that says more. */
export function runName(n: number, label: string): string {
  const num = n > 0 ? numberedLabel(n) : "";
  if (!label || label === num) return num || "a run";
  if (isNumberedLabel(label)) return label;
  return num ? `${num} ${label}` : label;
}
