// gen.mjs N OUT.json — writes a generated workflow of N nodes for the UI benchmark: a flow
// input, N-2 util.delay(0 ms) nodes laid out in a grid (50 columns), and an output. Every
// delay node takes the previous one's value: one long chain, so a run touches every node.
import { writeFileSync } from "node:fs";

export function generated(n) {
  const cols = 50;
  const nodes = [{ id: "in", type: "flow.inputs", position: { x: 0, y: 0 } }];
  const edges = [];
  let prev = "in";
  let handle = "seed";
  const body = Math.max(1, n - 2);
  for (let i = 0; i < body; i++) {
    const id = `d${i}`;
    nodes.push({ id, type: "util.delay", params: { ms: 0 }, position: { x: 280 * ((i % cols) + 1), y: 170 * Math.floor(i / cols) } });
    edges.push({ source: prev, sourceHandle: handle, target: id, targetHandle: "value" });
    prev = id;
    handle = "value";
  }
  nodes.push({ id: "out", type: "io.output", params: { name: "result" }, position: { x: 280 * (cols + 1), y: 0 } });
  edges.push({ source: prev, sourceHandle: "value", target: "out", targetHandle: "value" });
  return {
    format: "flowbench.workflow/1",
    name: `Generated ${n}`,
    inputs: [{ name: "seed", type: "integer", description: "", required: false, default: 1 }],
    nodes,
    edges,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const [n, out] = process.argv.slice(2);
  if (!n || !out) {
    console.error("usage: node gen.mjs N OUT.json");
    process.exit(2);
  }
  writeFileSync(out, JSON.stringify(generated(Number(n))));
}
