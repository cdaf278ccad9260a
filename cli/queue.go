package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// cancelWait bounds how long `cancel` waits for another process to stop a run it was asked
// to cancel (it checks every cancelPoll).
const (
	cancelWait = time.Minute
	cancelPoll = 50 * time.Millisecond
)

// queueItem is a run in `queue --json`: the `runs --json` fields, its owner's state and its
// place in this process's queue.
type queueItem struct {
	runItem
	OwnerAlive bool `json:"owner_alive"`
	Position   int  `json:"position"`
}

func toQueueItems(qs []engine.QueuedRun) []queueItem {
	out := make([]queueItem, 0, len(qs))
	for _, q := range qs {
		out = append(out, queueItem{toRunItem(q.Run), !q.Orphaned, q.Position})
	}
	return out
}

func (c *cmd) queueCmd(args []string) (int, error) {
	if len(args) > 0 {
		switch args[0] {
		case "move":
			return c.queueMoveCmd(args[1:])
		case "clear":
			return c.queueClearCmd(args[1:])
		}
	}
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) > 1 {
		return 0, usageErr("usage: flowbench queue [--json] | queue pause | queue resume | queue move RUN --to N | queue clear")
	}
	if len(p.pos) == 1 {
		switch p.pos[0] {
		case "pause":
			err = c.svc.PauseQueue(c.ctx)
		case "resume":
			err = c.svc.ResumeQueue(c.ctx)
		default:
			return 0, usageErr("unknown queue command %q (pause, resume, move or clear)", p.pos[0])
		}
		if err != nil {
			return 0, err
		}
		if p.has("json") {
			return 0, c.json(map[string]bool{"paused": p.pos[0] == "pause"})
		}
		if p.pos[0] == "pause" {
			c.printf("queue paused: running runs finish, queued ones wait (flowbench queue resume)\n")
		} else {
			c.printf("queue resumed\n")
		}
		return 0, nil
	}
	q, err := c.svc.Queue(c.ctx)
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		return 0, c.json(map[string]any{"paused": q.Paused, "cap": q.Cap, "running": toQueueItems(q.Running), "queued": toQueueItems(q.Queued)})
	}
	if q.Paused {
		c.printf("paused (flowbench queue resume): ")
	}
	orphans := 0
	for _, q := range q.Queued {
		if q.Orphaned {
			orphans++
		}
	}
	c.printf("cap %d: %d running, %d queued", q.Cap, len(q.Running), len(q.Queued))
	if orphans > 0 {
		c.printf(" (%d of them left by a process that stopped: flowbench resume --orphaned, or cancel --orphaned)", orphans)
	}
	c.printf("\n")
	for _, list := range [][]engine.QueuedRun{q.Running, q.Queued} {
		for _, q := range list {
			owner := "running process"
			if q.Orphaned {
				owner = "orphaned"
			}
			c.printf("%s  %-8s %-4s %-16s %s  %s\n", q.ID, q.Status, q.VersionLabel, owner, q.CreatedAt.Local().Format("2006-01-02 15:04:05"), q.Label)
		}
	}
	return 0, nil
}

type cancelJSON struct {
	RunID  string `json:"run_id"`
	Status string `json:"status"`
	Error  string `json:"error"`
}

func (c *cmd) cancelCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false, "orphaned": false})
	if err != nil {
		return 0, err
	}
	var done []engine.Run
	switch {
	case p.has("orphaned") && len(p.pos) > 0:
		return 0, usageErr("cancel takes RUN ids or --orphaned, not both")
	case p.has("orphaned"):
		if done, err = c.svc.CancelOrphaned(c.ctx); err != nil {
			return 0, err
		}
	case len(p.pos) == 0:
		return 0, usageErr("usage: flowbench cancel RUN... | --orphaned [--json]")
	default:
		// Every run is checked before any is cancelled: a typo cancels nothing.
		for _, id := range p.pos {
			r, _, err := c.svc.GetRun(c.ctx, id)
			if errors.Is(err, engine.ErrNotFound) {
				return 0, fmt.Errorf("run %q does not exist: %w", id, engine.ErrNotFound)
			}
			if err != nil {
				return 0, err
			}
			if r.Status.Finished() {
				return 0, fmt.Errorf("run %s has already finished (%s): nothing to cancel: %w", id, r.Status, engine.ErrConflict)
			}
		}
		for _, id := range p.pos {
			r, err := c.cancelOne(id)
			if err != nil {
				return 0, err
			}
			done = append(done, r)
		}
	}
	if p.has("json") {
		items := make([]cancelJSON, 0, len(done))
		for _, r := range done {
			items = append(items, cancelJSON{r.ID, string(r.Status), r.Error})
		}
		return 0, c.json(map[string]any{"runs": items})
	}
	if p.has("orphaned") && len(done) == 0 {
		c.printf("no queued runs of a stopped process\n")
	}
	for _, r := range done {
		c.printf("%s  %s  %s\n", r.ID, r.Status, r.Label)
	}
	return 0, nil
}

// cancelOne cancels a run and returns its record once it is cancelled (or has ended
// otherwise: a run of another process may finish before it gets the request).
func (c *cmd) cancelOne(id string) (engine.Run, error) {
	err := c.svc.Cancel(c.ctx, id)
	if err != nil && !errors.Is(err, engine.ErrCancelRequested) {
		return engine.Run{}, err
	}
	ctx, cancel := context.WithTimeout(c.ctx, cancelWait)
	defer cancel()
	r, werr := c.svc.WaitFinished(ctx, id, cancelPoll)
	if werr != nil {
		if errors.Is(werr, context.DeadlineExceeded) {
			return engine.Run{}, fmt.Errorf("asked the process running %s to cancel it; it has not stopped it within %s", id, cancelWait)
		}
		return engine.Run{}, werr
	}
	return r, nil
}

func (c *cmd) resumeCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false, "orphaned": false, "max-concurrent": true})
	if err != nil {
		return 0, err
	}
	switch {
	case p.has("orphaned") && len(p.pos) > 0:
		return 0, usageErr("resume takes RUN ids or --orphaned, not both")
	case !p.has("orphaned") && len(p.pos) == 0:
		return 0, usageErr("usage: flowbench resume --orphaned | RUN... [--max-concurrent N] [--json]")
	}
	if n := p.str("max-concurrent"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 {
			return 0, usageErr("--max-concurrent %q: want a whole number ≥ 1", n)
		}
		c.svc.SetRunCapLocal(v)
	}
	runs, err := c.svc.ResumeOrphaned(c.ctx, p.pos...)
	if err != nil {
		return 0, err
	}
	if len(runs) == 0 && !p.has("json") {
		c.printf("no queued runs of a stopped process\n")
	}
	ids := make([]string, len(runs))
	for i, q := range runs {
		ids[i] = q.ID
	}
	return c.waitAndReport(ids, p.has("json"))
}
