package cli

import (
	"slices"
	"sort"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// printChildPlan prints, under a subworkflow node that reruns, the plan of its child run
// (SPEC §15), indented; nested subworkflows go one level deeper.
func (c *cmd) printChildPlan(p *engine.Plan, indent string) {
	if p == nil {
		return
	}
	c.printf("%schild run of %q %s:\n", indent, p.WorkflowName, p.VersionLabel)
	ids := make([]string, 0, len(p.Nodes))
	for id := range p.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := p.Nodes[id]
		c.printf("%s  %-18s %-9s %s\n", indent, id, n.Action, planWhy(n))
		c.printChildPlan(p.Children[id], indent+"    ")
	}
}

// planWhy is a planned node's reasons as the plan prints them, with what the cache (SPEC §14)
// will do: the generation a cached node reuses, or that the cache may serve a rerun node
// once what it depends on has executed.
func planWhy(n engine.PlanNode) string {
	why := strings.Join(n.Reasons, ", ")
	switch {
	case slices.Contains(n.Reasons, engine.ReasonCached):
		why += " (generation " + n.SourceGenerationID + ")"
	case n.MayBeCached:
		why += " (may be cached)"
	}
	return why
}
