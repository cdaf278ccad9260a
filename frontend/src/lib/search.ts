// Search by words, as the palette and the dashboard do it: every word of the query, in any
// order, is part of the text or an abbreviation of one of its words ("img" of "image").

/** isAbbrev: w is h shortened by leaving letters out, from its first letter ("img" of "image"). */
function isAbbrev(w: string, h: string): boolean {
  if (w.length < 2 || h[0] !== w[0]) return false;
  let i = 0;
  for (const c of h) if (c === w[i]) i++;
  return i === w.length;
}

/** matchesWords: every word of query (any case, any order) is found in text, as a part of it or as an abbreviation of one of its words. */
export function matchesWords(text: string, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const lower = text.toLowerCase();
  const tokens = lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.every((w) => lower.includes(w) || tokens.some((h) => isAbbrev(w, h)));
}
