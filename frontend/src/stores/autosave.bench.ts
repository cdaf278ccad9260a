// The main-thread work of one autosave of an edited 10,000-node graph (npx vitest bench --run
// src/stores/autosave.bench.ts; docs/PERFORMANCE.md): "whole" is what saveNow did until
// session 11 (the graph converted, compared with the base as the canvas writes it, and the
// call's arguments stringified for the bridge), "patch" what it does now (the patch of the base
// made, and stringified). Then the undo step each edit records (the graph converted, or the
// canvas's lists kept), and what opening the workflow pays for the base (canonicalJSON of its
// graph, or makeBase indexing it against the canvas).
import { bench, describe } from "vitest";
import type { Graph } from "../api/types";
import { testDetail, testVersion } from "../lib/testworkflow";
import { flowToGraph, graphToFlow } from "../lib/convert";
import { makeBase } from "../lib/patch";
import { draftPatch, flowOf, graphOf, useGraph } from "./graph";

const N = 10_000;

function chain(n: number): Graph {
  const g: Graph = { inputs: [], nodes: [], edges: [] };
  for (let i = 0; i < n; i++) {
    g.nodes.push({ id: `n${i}`, type: "math.expr", params: { expression: "a + 1" }, position: { x: i * 220, y: 120 } });
    if (i > 0) g.edges.push({ id: `e${i}`, source: `n${i - 1}`, sourceHandle: "result", target: `n${i}`, targetHandle: "a" });
  }
  return g;
}

const base = chain(N);
const v1 = testVersion(base);
const detail = testDetail(v1);

useGraph.getState().load(detail);
// the nodes in view were measured by React Flow (replaced with their sizes), one was selected
// and its param edited: what an autosave after one edit finds
useGraph.setState((s) => ({
  nodes: s.nodes.map((n, i) => (i >= 4_950 && i < 5_050 ? { ...n, measured: { width: 180, height: 120 } } : n)),
}));
useGraph.getState().edit((f) => ({
  ...f,
  nodes: f.nodes.map((n) => (n.id === "n5000" ? { ...n, selected: true, data: { ...n.data, params: { expression: "a + 2" } } } : n)),
}));
const baseJSON = JSON.stringify(flowToGraph(graphToFlow(base)));

describe("one autosave of an edited 10,000-node graph (main thread)", () => {
  bench("whole", () => {
    const s = useGraph.getState();
    const graph = graphOf(s);
    const backToBase = JSON.stringify(flowToGraph(graphToFlow(graph))) === baseJSON;
    if (backToBase) throw new Error("the graph was edited");
    JSON.stringify({ name: "main.App.SaveDraft", args: ["w", graph, "v1"], callbackID: "main.App.SaveDraft-1" });
  });
  bench("patch", () => {
    const p = draftPatch(useGraph.getState());
    if (!p) throw new Error("the graph was edited");
    JSON.stringify({ name: "main.App.SaveDraftPatch", args: ["w", p], callbackID: "main.App.SaveDraftPatch-1" });
  });
});

describe("the undo step one edit records (10,000 nodes)", () => {
  bench("graph", () => {
    graphOf(useGraph.getState());
  });
  bench("lists", () => {
    flowOf(useGraph.getState());
  });
});

describe("the base indexed when the 10,000-node graph opens", () => {
  const flow = graphToFlow(base);
  bench("canonicalJSON", () => {
    JSON.stringify(flowToGraph(graphToFlow(base)));
  });
  bench("makeBase", () => {
    makeBase("v1", base, flow);
  });
});
