package cli

import (
	"strconv"
	"strings"
)

// queueMoveCmd: flowbench queue move RUN --to N.
func (c *cmd) queueMoveCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"to": true, "json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) != 1 || !p.has("to") {
		return 0, usageErr("usage: flowbench queue move RUN --to N")
	}
	to := p.str("to")
	n, err := strconv.Atoi(strings.TrimSpace(to))
	if err != nil || n < 1 {
		return 0, usageErr("--to %q: want a queue position, a whole number ≥ 1", to)
	}
	id := p.pos[0]
	if err := c.svc.MoveQueued(c.ctx, id, n); err != nil {
		return 0, err
	}
	q, err := c.svc.Queue(c.ctx)
	if err != nil {
		return 0, err
	}
	pos := 0
	for _, r := range q.Queued {
		if r.ID == id {
			pos = r.Position
		}
	}
	if p.has("json") {
		return 0, c.json(map[string]any{"run_id": id, "position": pos})
	}
	c.printf("%s  queued at position %d of %d\n", id, pos, len(q.Queued))
	return 0, nil
}

// queueClearCmd: flowbench queue clear.
func (c *cmd) queueClearCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{})
	if err != nil {
		return 0, err
	}
	if len(p.pos) > 0 {
		return 0, usageErr("usage: flowbench queue clear")
	}
	if err := c.svc.ClearFinished(c.ctx); err != nil {
		return 0, err
	}
	c.printf("finished runs cleared from the queue list (they stay in flowbench runs, with their generations)\n")
	return 0, nil
}

// retryCmd: flowbench retry RUN [--json], waited for and reported like run.
func (c *cmd) retryCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "retry RUN [--json]"); err != nil {
		return 0, err
	}
	if len(p.pos) > 1 {
		return 0, usageErr("usage: flowbench retry RUN [--json] (one run at a time)")
	}
	run, err := c.svc.Retry(c.ctx, p.pos[0])
	if err != nil {
		return 0, err
	}
	return c.report(p, run.ID)
}
