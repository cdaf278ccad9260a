package cli

import (
	"fmt"
	"time"

	"github.com/flowbench/flowbench/engine"
)

func (c *cmd) importCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"into": true, "json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "import FILE [--into WORKFLOW] [--json]"); err != nil {
		return 0, err
	}
	data, err := c.readArgFile("", p.pos[0], maxTextFile)
	if err != nil {
		return 0, err
	}
	res, err := c.svc.Import(c.ctx, data, p.str("into"))
	if err != nil {
		return 0, fmt.Errorf("importing %s: %w", p.pos[0], err)
	}
	if p.has("json") {
		return 0, c.json(res)
	}
	if res.Created {
		c.printf("imported %s as workflow %s version %s\n", p.pos[0], res.WorkflowID, res.VersionLabel)
	} else {
		c.printf("unchanged: %s equals the current version %s\n", p.pos[0], res.VersionLabel)
	}
	return 0, nil
}

func (c *cmd) exportCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"version": true, "bundle": false, "o": true, "output": true})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "export WORKFLOW [--version V] [--bundle] [-o FILE]"); err != nil {
		return 0, err
	}
	if p.has("bundle") && p.has("version") {
		return 0, usageErr("--bundle exports every version; drop --version")
	}
	data, warnings, err := c.svc.ExportWithWarnings(c.ctx, p.pos[0], p.str("version"), p.has("bundle"))
	if err != nil {
		return 0, err
	}
	for _, w := range warnings {
		fmt.Fprintln(c.errw, "flowbench: warning:", w, "(export --bundle)")
	}
	data = append(data, '\n')
	out := p.str("o")
	if out == "" {
		out = p.str("output")
	}
	if out == "" || out == "-" {
		_, err = c.out.Write(data)
		return 0, err
	}
	return 0, engine.WriteFileAtomic(out, data)
}

func (c *cmd) listCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	ws, err := c.svc.ListWorkflows(c.ctx)
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		type item struct {
			ID               string `json:"id"`
			Name             string `json:"name"`
			Versions         int    `json:"versions"`
			CurrentVersionID string `json:"current_version_id"`
		}
		items := make([]item, 0, len(ws))
		for _, w := range ws {
			items = append(items, item{w.ID, w.Name, w.Versions, w.CurrentVersionID})
		}
		return 0, c.json(map[string]any{"workflows": items})
	}
	if len(ws) == 0 {
		c.printf("no workflows yet: flowbench import FILE\n")
	}
	for _, w := range ws {
		c.printf("%s  %s — %s\n", w.ID, w.Name, plural(w.Versions, "version"))
	}
	return 0, nil
}

func (c *cmd) versionsCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "versions WORKFLOW [--json]"); err != nil {
		return 0, err
	}
	w, vs, err := c.svc.Versions(c.ctx, p.pos[0])
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		type item struct {
			ID        string `json:"id"`
			Label     string `json:"label"`
			Notes     string `json:"notes"`
			ParentID  string `json:"parent_id"`
			CreatedAt string `json:"created_at"`
		}
		items := make([]item, 0, len(vs))
		for _, v := range vs {
			items = append(items, item{v.ID, v.Label, v.Notes, v.ParentID, v.CreatedAt.Format(time.RFC3339Nano)})
		}
		return 0, c.json(map[string]any{"workflow_id": w.ID, "current_version_id": w.CurrentVersionID, "versions": items})
	}
	for _, v := range vs {
		mark := " "
		if v.ID == w.CurrentVersionID {
			mark = "*"
		}
		c.printf("%s %-4s %s  %s  %s\n", mark, v.Label, v.CreatedAt.Local().Format("2006-01-02 15:04"), v.ID, v.Notes)
	}
	return 0, nil
}

func (c *cmd) versionCmd(args []string) (int, error) {
	if len(args) == 0 {
		return 0, usageErr("usage: flowbench version create|use …")
	}
	switch args[0] {
	case "create":
		p, err := parseArgs(args[1:], flagSpec{"from": true, "notes": true, "json": false})
		if err != nil {
			return 0, err
		}
		if err := needArgs(p, 1, "version create WORKFLOW [--from V] [--notes TEXT] [--json]"); err != nil {
			return 0, err
		}
		v, err := c.svc.CreateVersion(c.ctx, p.pos[0], p.str("from"), p.str("notes"))
		if err != nil {
			return 0, err
		}
		if p.has("json") {
			return 0, c.json(map[string]string{"version_id": v.ID, "version_label": v.Label})
		}
		c.printf("created %s (%s); current is unchanged\n", v.Label, v.ID)
		return 0, nil
	case "use":
		p, err := parseArgs(args[1:], flagSpec{"json": false})
		if err != nil {
			return 0, err
		}
		if err := needArgs(p, 2, "version use WORKFLOW V"); err != nil {
			return 0, err
		}
		v, err := c.svc.UseVersion(c.ctx, p.pos[0], p.pos[1])
		if err != nil {
			return 0, err
		}
		if p.has("json") {
			return 0, c.json(map[string]string{"version_id": v.ID, "version_label": v.Label})
		}
		c.printf("current version is now %s\n", v.Label)
		return 0, nil
	}
	return 0, usageErr("unknown version command %q (create or use)", args[0])
}

func (c *cmd) runsCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false, "limit": true})
	if err != nil {
		return 0, err
	}
	if len(p.pos) > 1 {
		return 0, usageErr("usage: flowbench runs [WORKFLOW] [--json]")
	}
	wf := ""
	if len(p.pos) == 1 {
		wf = p.pos[0]
	}
	runs, err := c.svc.Runs(c.ctx, wf, 0)
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		items := make([]runItem, 0, len(runs))
		for _, r := range runs {
			items = append(items, toRunItem(r))
		}
		return 0, c.json(map[string]any{"runs": items})
	}
	for _, r := range runs {
		c.printf("%s  %-11s %-4s %-10s %s  %s\n", r.ID, r.Status, r.VersionLabel, r.Mode, r.CreatedAt.Local().Format("2006-01-02 15:04:05"), r.Label)
	}
	return 0, nil
}

func (c *cmd) generationsCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 2, "generations WORKFLOW NODE [--json]"); err != nil {
		return 0, err
	}
	tl, err := c.svc.NodeTimeline(c.ctx, p.pos[0], p.pos[1])
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		type item struct {
			ID           string         `json:"id"`
			RunID        string         `json:"run_id"`
			VersionID    string         `json:"version_id"`
			VersionLabel string         `json:"version_label"`
			Status       string         `json:"status"`
			Outputs      map[string]any `json:"outputs"`
			Error        string         `json:"error"`
			CreatedAt    string         `json:"created_at"`
			Selected     bool           `json:"selected"`
			// Cost is the server work a generative node recorded (provider, url, model, seed,
			// duration_ms, tokens); null for other nodes.
			Cost map[string]any `json:"cost"`
		}
		items := make([]item, 0, len(tl.Generations))
		for _, g := range tl.Generations {
			items = append(items, item{g.ID, g.RunID, g.VersionID, g.VersionLabel, string(g.Status), g.Outputs, g.Error,
				g.CreatedAt.Format(time.RFC3339Nano), g.Selected, g.Cost})
		}
		return 0, c.json(map[string]any{"workflow_id": tl.WorkflowID, "node_id": tl.NodeID, "current_generation_id": tl.CurrentGenerationID, "generations": items})
	}
	if len(tl.Generations) == 0 {
		c.printf("node %s has no generations yet\n", p.pos[1])
	}
	for _, g := range tl.Generations {
		mark := " "
		if g.ID == tl.CurrentGenerationID {
			mark = "*"
		}
		detail := engine.Preview(g.Outputs)
		if g.Error != "" {
			detail = "error: " + g.Error
		}
		c.printf("%s %s  %-9s %-4s %s  %s\n", mark, g.ID, g.Status, g.VersionLabel, g.CreatedAt.Local().Format("15:04:05"), detail)
		if line := costLine(g.Cost); line != "" {
			c.printf("    %s\n", line)
		}
	}
	return 0, nil
}

func (c *cmd) selectCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 3, "select WORKFLOW NODE GENERATION"); err != nil {
		return 0, err
	}
	gen := p.pos[2]
	if gen == "none" || gen == "-" {
		gen = ""
	}
	if err := c.svc.SelectGeneration(c.ctx, p.pos[0], p.pos[1], gen); err != nil {
		return 0, err
	}
	if p.has("json") {
		return 0, c.json(map[string]string{"node_id": p.pos[1], "selected_generation_id": gen})
	}
	if gen == "" {
		c.printf("selection of %s cleared\n", p.pos[1])
	} else {
		c.printf("%s now feeds %s downstream\n", gen, p.pos[1])
	}
	return 0, nil
}

// runItem is a run in `runs --json` (and the common part of a `queue --json` item).
type runItem struct {
	ID           string `json:"id"`
	WorkflowID   string `json:"workflow_id"`
	VersionID    string `json:"version_id"`
	VersionLabel string `json:"version_label"`
	Status       string `json:"status"`
	Mode         string `json:"mode"`
	Label        string `json:"label"`
	CreatedAt    string `json:"created_at"`
	// ParentRunID and ParentNodeID name the run and subworkflow node of a child run.
	ParentRunID  string `json:"parent_run_id,omitempty"`
	ParentNodeID string `json:"parent_node_id,omitempty"`
}

func toRunItem(r engine.Run) runItem {
	return runItem{r.ID, r.WorkflowID, r.VersionID, r.VersionLabel, string(r.Status), string(r.Mode), r.Label, r.CreatedAt.Format(time.RFC3339Nano),
		r.ParentRunID, r.ParentNodeID}
}

// deleteCmd deletes a workflow; one used as a subworkflow is refused (exit 2, naming its users)
// unless --anyway.
func (c *cmd) deleteCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"anyway": false, "json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "delete WORKFLOW [--anyway] [--json]"); err != nil {
		return 0, err
	}
	w, err := c.svc.ResolveWorkflow(c.ctx, p.pos[0])
	if err != nil {
		return 0, err
	}
	if p.has("anyway") {
		err = c.svc.DeleteWorkflowAnyway(c.ctx, w.ID)
	} else {
		err = c.svc.DeleteWorkflow(c.ctx, w.ID)
	}
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		return 0, c.json(map[string]any{"deleted": true, "id": w.ID, "name": w.Name})
	}
	c.printf("deleted workflow %q (%s)\n", w.Name, w.ID)
	return 0, nil
}
