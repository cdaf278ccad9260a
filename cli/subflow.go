package cli

import (
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
		c.printf("%s  %-18s %-9s %s\n", indent, id, n.Action, strings.Join(n.Reasons, ", "))
		c.printChildPlan(p.Children[id], indent+"    ")
	}
}
