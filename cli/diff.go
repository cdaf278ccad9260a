package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// plainLimit bounds the rows of one section of a plain summary.
const plainLimit = 40

// diffCmd: flowbench diff RUN_A RUN_B [--json] | flowbench diff --versions WORKFLOW V1 V2 [--json]
func (c *cmd) diffCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false, "versions": false})
	if err != nil {
		return ExitUsage, err
	}
	if p.has("versions") {
		if err := needArgs(p, 3, "diff --versions WORKFLOW V1 V2 [--json]"); err != nil {
			return ExitUsage, err
		}
		d, err := c.svc.DiffVersions(c.ctx, p.pos[0], p.pos[1], p.pos[2])
		if err != nil {
			return ExitUsage, err
		}
		if p.has("json") {
			return ExitOK, c.json(d)
		}
		va, vb := d.Versions()
		c.printf("Versions %s → %s of workflow %s\n", va.Label, vb.Label, va.WorkflowID)
		if len(d.InputsAdded)+len(d.InputsRemoved)+len(d.InputsChanged) == 0 && d.Graph.Empty() {
			c.printf("The two versions have the same graph and inputs.\n")
			return ExitOK, nil
		}
		for _, n := range d.InputsAdded {
			c.printf("  input added    %s\n", n)
		}
		for _, n := range d.InputsRemoved {
			c.printf("  input removed  %s\n", n)
		}
		for _, n := range sortedMapKeys(d.InputsChanged) {
			c.printf("  input changed  %s: %s\n", n, pairsText(d.InputsChanged[n]))
		}
		c.printGraph(d.Graph)
		return ExitOK, nil
	}
	if err := needArgs(p, 2, "diff RUN_A RUN_B [--json]  or  flowbench diff --versions WORKFLOW V1 V2 [--json]"); err != nil {
		return ExitUsage, err
	}
	d, err := c.svc.DiffRuns(c.ctx, p.pos[0], p.pos[1])
	if err != nil {
		return ExitUsage, err
	}
	if p.has("json") {
		return ExitOK, writeRunDiff(c.out, d)
	}
	c.printRunDiff(d)
	return ExitOK, nil
}

func (c *cmd) printRunDiff(d engine.RunDiff) {
	ra, _, errA := c.svc.GetRun(c.ctx, d.A)
	rb, _, errB := c.svc.GetRun(c.ctx, d.B)
	if errA == nil && errB == nil {
		c.printf("A  %s  %-24s %s  %s\n", ra.ID, ra.Label, ra.VersionLabel, ra.Status)
		c.printf("B  %s  %-24s %s  %s\n", rb.ID, rb.Label, rb.VersionLabel, rb.Status)
	}
	if d.Workflows != nil {
		c.printf("The runs belong to different workflows (%v, %v): nodes are matched by id.\n", d.Workflows.A, d.Workflows.B)
	}
	var diffNodes []string
	for id, n := range d.Nodes {
		if nodeDiffers(n) {
			diffNodes = append(diffNodes, id)
		}
	}
	slices.Sort(diffNodes)
	var diffOut []string
	for name, o := range d.Outputs {
		if !o.Same {
			diffOut = append(diffOut, name)
		}
	}
	slices.Sort(diffOut)
	if len(d.Inputs) == 0 && d.Version.Same && d.Workflows == nil && len(diffNodes) == 0 && len(diffOut) == 0 {
		c.printf("No differences: same version, same inputs, same outputs.\n")
		return
	}
	if !d.Version.Same {
		if errA == nil && errB == nil {
			c.printf("Versions differ: %s → %s\n", ra.VersionLabel, rb.VersionLabel)
		} else {
			c.printf("Versions differ: %v → %v\n", d.Version.A, d.Version.B)
		}
		c.printGraph(d.Graph)
	}
	if len(d.Inputs) > 0 {
		c.printf("Inputs that differ:\n")
		for _, name := range sortedMapKeys(d.Inputs) {
			c.printf("  %s: %s → %s\n", name, valueText(d.Inputs[name].A), valueText(d.Inputs[name].B))
		}
	}
	if len(diffOut) > 0 {
		c.printf("Outputs that differ:\n")
		for _, name := range diffOut {
			c.printf("  %s: %s → %s\n", name, valueText(d.Outputs[name].A), valueText(d.Outputs[name].B))
		}
	}
	if len(diffNodes) > 0 {
		c.printf("Nodes that differ (%d of %d):\n", len(diffNodes), len(d.Nodes))
		for i, id := range diffNodes {
			if i == plainLimit {
				c.printf("  … and %d more (--json has them all)\n", len(diffNodes)-plainLimit)
				break
			}
			n := d.Nodes[id]
			what := "output differs"
			if n.SameOutput {
				what = "same output"
			}
			c.printf("  %-20s A %-28s B %-28s %s\n", id, sideText(n.A), sideText(n.B), what)
		}
	}
	same := len(d.Outputs) - len(diffOut)
	c.printf("Same: %d of %d nodes, %d of %d outputs.\n", len(d.Nodes)-len(diffNodes), len(d.Nodes), same, len(d.Outputs))
}

func nodeDiffers(n engine.NodeDiff) bool {
	if n.A == nil || n.B == nil {
		return true
	}
	return !n.SameOutput || n.A.Status != n.B.Status
}

func sideText(s *engine.NodeSide) string {
	if s == nil {
		return "(not in version)"
	}
	t := string(s.Status)
	if len(s.Reasons) > 0 {
		t += " (" + strings.Join(s.Reasons, ",") + ")"
	}
	if s.DurationMS > 0 {
		t += fmt.Sprintf(" %dms", s.DurationMS)
	}
	return t
}

func (c *cmd) printGraph(g engine.GraphDiff) {
	if g.Empty() {
		c.printf("  graph: same nodes, params and edges\n")
		return
	}
	list := func(what string, ids []string) {
		for i, id := range ids {
			if i == plainLimit {
				c.printf("  … and %d more %s\n", len(ids)-plainLimit, what)
				return
			}
			c.printf("  %s %s\n", what, id)
		}
	}
	list("node added  ", g.NodesAdded)
	list("node removed", g.NodesRemoved)
	for i, id := range sortedMapKeys(g.NodesChanged) {
		if i == plainLimit {
			c.printf("  … and %d more changed nodes\n", len(g.NodesChanged)-plainLimit)
			break
		}
		c.printf("  node changed %s: %s\n", id, pairsText(g.NodesChanged[id]))
	}
	list("edge added  ", g.EdgesAdded)
	list("edge removed", g.EdgesRemoved)
}

func pairsText(m map[string]engine.Pair) string {
	parts := []string{}
	for _, k := range sortedMapKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %s → %s", k, valueText(m[k].A), valueText(m[k].B)))
	}
	return strings.Join(parts, "; ")
}

// valueText shows a value on one line, shortened.
func valueText(v any) string {
	if v == nil {
		return "—"
	}
	if ref, ok := engine.AsAssetRef(v); ok {
		return fmt.Sprintf("[%s %s…]", ref.Mime, ref.Asset[:min(12, len(ref.Asset))])
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// restoreCmd: flowbench restore RUN [--json] | flowbench restore --undo WORKFLOW [--json]
func (c *cmd) restoreCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false, "undo": false})
	if err != nil {
		return ExitUsage, err
	}
	var res engine.RestoreResult
	if p.has("undo") {
		if err := needArgs(p, 1, "restore --undo WORKFLOW [--json]"); err != nil {
			return ExitUsage, err
		}
		res, err = c.svc.UndoRestore(c.ctx, p.pos[0])
	} else {
		if err := needArgs(p, 1, "restore RUN [--json]  or  flowbench restore --undo WORKFLOW [--json]"); err != nil {
			return ExitUsage, err
		}
		res, err = c.svc.RestoreRun(c.ctx, p.pos[0])
	}
	if err != nil {
		return ExitUsage, err
	}
	if p.has("json") {
		return ExitOK, c.json(res)
	}
	label := res.VersionID
	if v, err := c.svc.GetVersion(c.ctx, res.VersionID); err == nil {
		label = v.Label
	}
	if p.has("undo") {
		c.printf("Undid the last restore of workflow %s: version %s is current again, %s put back.\n", res.WorkflowID, label, plural(len(res.Selected), "pick"))
	} else {
		c.printf("Restored run %s: version %s is current, and the generation that run used is current for %s.\n", res.RunID, label, plural(len(res.Selected), "node"))
	}
	if len(res.Missing) > 0 {
		c.printf("Could not restore %s, their generations were deleted: %s\n", plural(len(res.Missing), "node"), strings.Join(res.Missing, ", "))
	}
	return ExitOK, nil
}
