// Renaming a declared flow input rewrites what refers to it: {{old}} and {{inputs.old}} in
// node params, inputs.old in expressions and code, and edges out of flow.inputs' "old"
// handle. What cannot be rewritten safely is reported as a warning.
import type { Graph, NodeType } from "../api/types";

/** Names a node type resolves itself in {{…}}, not as flow inputs (engine NodeType.LocalNames,
 * which the node schema does not carry: text.template reads its handles a–d this way). */
export const LOCAL_NAMES: Record<string, string[]> = {
  "text.template": ["a", "b", "c", "d"],
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** rewriteTemplateRefs replaces {{old}} / {{ inputs.old }} by the same form naming next. */
export function rewriteTemplateRefs(s: string, old: string, next: string): string {
  const re = new RegExp(`\\{\\{(\\s*)(inputs\\.)?${escapeRe(old)}(\\s*)\\}\\}`, "g");
  return s.replace(re, (_m, pre: string, ns: string | undefined, post: string) => `{{${pre}${ns ?? ""}${next}${post}}}`);
}

/** rewriteInputsMember replaces inputs.old, inputs["old"] and inputs['old'] (expr-lang, JS). */
export function rewriteInputsMember(s: string, old: string, next: string): string {
  const o = escapeRe(old);
  return s
    .replace(new RegExp(`\\binputs\\.${o}(?![A-Za-z0-9_$-])`, "g"), `inputs.${next}`)
    .replace(new RegExp(`\\binputs\\[(["'])${o}\\1\\]`, "g"), (_m, q: string) => `inputs[${q}${next}${q}]`);
}

function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f);
    return out;
  }
  return v;
}

export interface RenameResult {
  graph: Graph;
  /** how many params and edges changed */
  changed: number;
  warnings: string[];
}

/** renameInput renames declared input old to next across the graph. */
export function renameInput(g: Graph, types: Record<string, NodeType>, old: string, next: string): RenameResult {
  const warnings: string[] = [];
  let changed = 0;
  const inputs = (g.inputs ?? []).map((i) => (i.name === old ? { ...i, name: next } : { ...i }));
  const nodes = (g.nodes ?? []).map((n) => {
    if (!n.params) return n;
    const t = types[n.type];
    const local = t?.local_names ?? LOCAL_NAMES[n.type] ?? [];
    const kindOf = (p: string) => t?.params?.find((s) => s.name === p)?.kind ?? "string";
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n.params)) {
      const kind = kindOf(k);
      let nv: unknown;
      if (kind === "code") {
        // Code is kept verbatim by the engine: only inputs.old is a reference there.
        nv = mapStrings(v, (s) => rewriteInputsMember(s, old, next));
        const code = typeof nv === "string" ? nv.replace(new RegExp(`\\binputs\\.${escapeRe(next)}\\b`, "g"), "") : "";
        if (new RegExp(`\\b${escapeRe(old)}\\b`).test(code) && /\binputs\b/.test(code)) {
          warnings.push(`Node "${n.id}": check its code, it may still use "${old}".`);
        }
      } else if (local.includes(old)) {
        nv = v; // {{old}} names this node's own handle here, not the input
      } else {
        nv = mapStrings(v, (s) => {
          let r = rewriteTemplateRefs(s, old, next);
          if (kind === "expression") r = rewriteInputsMember(r, old, next);
          return r;
        });
        if (local.includes(next) && JSON.stringify(nv) !== JSON.stringify(v)) {
          warnings.push(`Node "${n.id}": {{${next}}} means its own input handle ${next}, not the flow input; rename the input to something else.`);
        }
      }
      if (JSON.stringify(nv) !== JSON.stringify(v)) changed++;
      params[k] = nv;
    }
    return { ...n, params };
  });
  const flowInputs = new Set(nodes.filter((n) => types[n.type]?.dynamic_outputs).map((n) => n.id));
  const edges = (g.edges ?? []).map((e) => {
    if (flowInputs.has(e.source) && e.sourceHandle === old) {
      changed++;
      return { ...e, sourceHandle: next };
    }
    return e;
  });
  return { graph: { inputs, nodes, edges }, changed, warnings };
}
