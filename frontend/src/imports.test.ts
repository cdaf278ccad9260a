// The source has no import circle, type-only imports included (issue 12): a module and the
// modules it imports are read in one order, so a circle is a sign of a type or rule in the wrong home.
import { describe, expect, it } from "vitest";

/** every source file under src (tests excluded), by path relative to src ("api/types.ts"). */
const texts: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob(["./**/*.ts", "./**/*.tsx", "!./**/*.test.ts", "!./**/*.test.tsx"], { query: "?raw", import: "default", eager: true })).map(
    ([p, text]) => [p.replace(/^\.\//, ""), text as string],
  ),
);

/** join resolves a relative import against the importing file's folder. */
function join(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const s of spec.split("/")) {
    if (s === "..") parts.pop();
    else if (s !== ".") parts.push(s);
  }
  return parts.join("/");
}

/** importsOf lists the source files a module imports (values and types alike). */
function importsOf(file: string): string[] {
  const specs = [...texts[file].matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gms)].map((m) => m[1]);
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => join(file, s))
    .map((b) => [b, `${b}.ts`, `${b}.tsx`, `${b}/index.ts`].find((p) => p in texts))
    .filter((p): p is string => p !== undefined);
}

/** circles finds import circles, each as the path of files around it. */
function circles(): string[] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const g of importsOf(f)) {
      if (state.get(g) === "open") found.push([...stack.slice(stack.indexOf(g)), g].join(" → "));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of Object.keys(texts).sort()) if (!state.has(f)) visit(f);
  return found;
}

describe("imports", () => {
  it("reads imports, type-only ones included", () => {
    expect(importsOf("queue/queueControl.ts")).toEqual(expect.arrayContaining(["api/backend.ts", "api/types.ts"]));
  });
  it("no module imports itself back, types included", () => {
    expect(circles()).toEqual([]);
  });
});
