// Orders of names and ids as people read them: numbers inside compare as numbers ("n2" before
// "n10", "Sweep 2" before "Sweep 10").
const numeric = new Intl.Collator(undefined, { numeric: true });
const numericAnyCase = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** compareIds orders node ids and other keys with their numbers as numbers. */
export const compareIds = (a: string, b: string): number => numeric.compare(a, b);

/** compareNames orders names with their numbers as numbers, whatever their case. */
export const compareNames = (a: string, b: string): number => numericAnyCase.compare(a, b);
