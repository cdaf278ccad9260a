// Tests' workflow: "W" (id w), opened at version v1 (vitest and benchmarks only).
import { versionHead, type Graph, type Version, type WorkflowDetail } from "../api/types";

/** testVersion is version v1 of workflow w with graph. */
export function testVersion(graph: Graph): Version {
  return { id: "v1", workflow_id: "w", seq: 1, label: "v1", notes: "", parent_id: "", content_hash: "h", created_at: "", graph };
}

/** testDetail is the editor's detail of workflow w opened at v1, with over on top. */
export function testDetail(v1: Version, over: Partial<WorkflowDetail> = {}): WorkflowDetail {
  return {
    workflow: { id: "w", name: "W", description: "", tags: [], current_version_id: "v1", created_at: "", updated_at: "" },
    versions: [versionHead(v1)],
    current: v1,
    base: v1,
    draft_base_id: "",
    run_cap: 4,
    node_type_count: 30,
    ...over,
  };
}

/** abVersion is v1 of two math.expr nodes: a ("1") feeding b ("a + 1"). */
export function abVersion(): Version {
  return testVersion({
    inputs: [],
    nodes: [
      { id: "a", type: "math.expr", params: { expression: "1" }, position: { x: 0, y: 0 } },
      { id: "b", type: "math.expr", params: { expression: "a + 1" }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: "a", sourceHandle: "result", target: "b", targetHandle: "a" }],
  });
}
