// Settings → runs at once: the data home's run cap (SPEC §5), the number of runs that execute at
// the same time for the window and every flowbench command on the data home; the rest wait in
// one first-in-first-out queue. The same setting as `flowbench settings set run_cap N`.

export const RUN_CAP = "run_cap";
export const RUN_CAP_MAX = 64;

/** parseRunCap reads the field: a whole number from 1 to RUN_CAP_MAX, or an Error saying so. */
export function parseRunCap(text: string): number | Error {
  const t = text.trim();
  const n = Number(t);
  if (t === "" || !/^\d+$/.test(t) || n < 1 || n > RUN_CAP_MAX) {
    return new Error(`Runs at once: want a whole number from 1 to ${RUN_CAP_MAX}, got "${t}"`);
  }
  return n;
}
