package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flowbench/flowbench/engine"
)

// runJSON is the `run --json` shape of SPEC §8.
type runJSON struct {
	RunID        string                       `json:"run_id"`
	WorkflowID   string                       `json:"workflow_id"`
	VersionID    string                       `json:"version_id"`
	VersionLabel string                       `json:"version_label"`
	Status       string                       `json:"status"`
	Mode         string                       `json:"mode"`
	Outputs      map[string]any               `json:"outputs"`
	Nodes        map[string]engine.NodeRecord `json:"nodes"`
	Error        string                       `json:"error"`
}

func toRunJSON(r engine.Run) runJSON {
	nodes := r.Snapshot.Records()
	if nodes == nil {
		nodes = map[string]engine.NodeRecord{}
	}
	for id, n := range nodes {
		if n.Reasons == nil {
			n.Reasons = []string{}
			nodes[id] = n
		}
	}
	outs := r.Outputs
	if outs == nil {
		outs = map[string]any{}
	}
	return runJSON{RunID: r.ID, WorkflowID: r.WorkflowID, VersionID: r.VersionID, VersionLabel: r.VersionLabel,
		Status: string(r.Status), Mode: string(r.Mode), Outputs: outs, Nodes: nodes, Error: r.Error}
}

func exitFor(s engine.RunStatus) int {
	switch s {
	case engine.RunCompleted:
		return ExitOK
	case engine.RunPaused:
		return ExitPaused
	}
	return ExitFailed
}

// Largest files the commands read whole: workflow and inputs files, batch files.
const (
	maxTextFile  = 64 << 20
	maxBatchFile = 256 << 20
)

// readArgFile reads a file named on the command line (a regular file only; a FIFO or a
// stalled file fails naming it). Refused or unreadable files are usage errors (exit 2); an
// interrupt (Ctrl-C) while reading stays an interrupt.
func (c *cmd) readArgFile(flag, path string, maxBytes int64) ([]byte, error) {
	data, err := engine.ReadFile(c.ctx, path, maxBytes)
	if err == nil {
		return data, nil
	}
	if errors.Is(err, context.Canceled) {
		return nil, err
	}
	if flag != "" {
		return nil, usageErr("%s: %v", flag, err)
	}
	return nil, usageErr("%v", err)
}

// collectInputs reads --inputs FILE.json then applies each --input NAME=VALUE over it.
func (c *cmd) collectInputs(p parsed) (map[string]any, error) {
	inputs := map[string]any{}
	if f := p.str("inputs"); f != "" {
		data, err := c.readArgFile("--inputs", f, maxTextFile)
		if err != nil {
			return nil, err
		}
		if err := engine.UnmarshalJSON(data, &inputs); err != nil {
			return nil, fmt.Errorf("--inputs %s: want a JSON object of input values: %v: %w", f, err, engine.ErrInvalid)
		}
	}
	for _, kv := range p.flags["input"] {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, usageErr("--input %q: want NAME=VALUE", kv)
		}
		inputs[name] = val
	}
	return inputs, nil
}

func (c *cmd) runCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"version": true, "input": true, "inputs": true, "from": true, "changed": false, "json": false,
		"batch": true, "max-concurrent": true})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "run WORKFLOW [--version V] [--input NAME=VALUE]... [--inputs FILE.json] [--from NODE | --changed] [--json]"); err != nil {
		return 0, err
	}
	if p.has("changed") && p.has("from") {
		return 0, usageErr("--changed and --from %q: a changed run has no start block, give one of them", p.str("from"))
	}
	if n := p.str("max-concurrent"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 {
			return 0, usageErr("--max-concurrent %q: want a whole number ≥ 1", n)
		}
		c.svc.SetRunCapLocal(v)
	}
	if p.has("batch") {
		if p.has("from") || p.has("changed") || p.has("input") || p.has("inputs") {
			return 0, usageErr("--batch takes its inputs from the file; drop --input/--inputs/--from/--changed")
		}
		return c.batch(p)
	}
	inputs, err := c.collectInputs(p)
	if err != nil {
		return 0, err
	}
	run, err := c.svc.StartRun(c.ctx, engine.RunRequest{Workflow: p.pos[0], Version: p.str("version"), Inputs: inputs, From: p.str("from"), Changed: p.has("changed")})
	if err != nil {
		return 0, err
	}
	return c.report(p, run.ID)
}

// report waits for a run and prints it (JSON or text); the exit status follows its status.
func (c *cmd) report(p parsed, runID string) (int, error) {
	final, err := c.wait(runID)
	if err != nil {
		return 0, err
	}
	// The run's end is recorded and final holds all that is printed: the home closes while
	// the summary is written.
	if c.releaseHome != nil {
		c.releaseHome()
	}
	if p.has("json") {
		return exitFor(final.Status), c.json(toRunJSON(final))
	}
	c.printHuman(final)
	return exitFor(final.Status), nil
}

// wait waits for a run; an interrupt (Ctrl-C) cancels it and still reports its end.
func (c *cmd) wait(runID string) (engine.Run, error) {
	if c.svc.QueuePaused() && !c.pausedNoted {
		c.pausedNoted = true
		fmt.Fprintln(c.errw, "flowbench: the queue is paused: runs wait until `flowbench queue resume`")
	}
	r, err := c.svc.Wait(c.ctx, runID)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, context.Canceled) {
		return engine.Run{}, err
	}
	_ = c.svc.Cancel(context.Background(), runID)
	return c.svc.Wait(context.Background(), runID)
}

// printHuman prints a run's summary, one line per node sorted by id, in one write (a
// 10,000-node run's summary was 10,000 unbuffered writes to stdout), each line formatted by
// appending bytes (as "  %-20s %-9s" would: padded to a width in runes). The records are
// Snapshot.Records read in place: a node of Reused is a plain reused line unless Nodes has a
// record for it (no merged map of every node: a run from the end of a large graph reuses
// thousands), and the lines are sorted by a key of each id's first 8 bytes before the ids
// themselves (most comparisons are then of two integers; sorting the ids as strings and
// looking each up in Nodes was most of the summary).
func (c *cmd) printHuman(r engine.Run) {
	w := bufio.NewWriterSize(c.out, 64<<10)
	defer w.Flush()
	fmt.Fprintf(w, "run %s  %s  %s  %s\n", r.ID, r.VersionLabel, r.Label, r.Status)
	nodes := r.Snapshot.Nodes
	size := len(nodes) + len(r.Snapshot.Reused)
	recs := make([]engine.NodeRecord, 0, len(nodes))
	ids := make([]string, 0, size)
	lines := make([]line, 0, size)
	for id, n := range nodes {
		lines = append(lines, line{idKey(id), int32(len(ids)), int32(len(recs))})
		recs = append(recs, n)
		ids = append(ids, id)
	}
	for _, u := range r.Snapshot.Reused {
		lines = append(lines, line{idKey(u.NodeID), int32(len(ids)), -1})
		ids = append(ids, u.NodeID)
	}
	// By id, a node's record before its plain reused lines: the first line of an id is printed.
	sortLines(lines, func(a, b line) int {
		return cmp.Or(strings.Compare(ids[a.id], ids[b.id]), cmp.Compare(b.rec, a.rec))
	})
	reused := engine.NodeRecord{Status: engine.NodeReused}
	var buf []byte
	for i, l := range lines {
		id := ids[l.id]
		if i > 0 && ids[lines[i-1].id] == id {
			continue
		}
		n := &reused
		if l.rec >= 0 {
			n = &recs[l.rec]
		}
		buf = append(buf[:0], "  "...)
		buf = appendPadded(buf, id, 20)
		buf = append(buf, ' ')
		buf = appendPadded(buf, string(n.Status), 9)
		if n.DurationMS > 0 {
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, n.DurationMS, 10)
			buf = append(buf, " ms"...)
		}
		if len(n.Reasons) > 0 {
			buf = append(buf, "  ("...)
			for j, reason := range n.Reasons {
				if j > 0 {
					buf = append(buf, ", "...)
				}
				buf = append(buf, reason...)
			}
			buf = append(buf, ')')
		}
		if n.Error != "" {
			buf = append(buf, "  "...)
			buf = append(buf, n.Error...)
		}
		buf = append(buf, '\n')
		w.Write(buf)
	}
	names := make([]string, 0, len(r.Outputs))
	for k := range r.Outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(w, "output %s = %s\n", k, engine.ToText(r.Outputs[k]))
	}
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
}

// A line of printHuman: its id's key and index in ids, its record's index in recs (-1: a
// plain reused node); no pointers, so sorting moves 16 bytes and no write barrier.
type line struct {
	key     uint64
	id, rec int32
}

// sortLines orders lines by key, and lines of equal keys by same. A large summary (a run of
// 10,000 nodes prints 10,000 lines) is sorted by key with a radix sort, a byte of the key a
// pass (passes where every key has the same byte skipped), then each run of equal keys with
// same: a comparison sort took ~1 ms of a cold run from the last node.
func sortLines(lines []line, same func(a, b line) int) {
	byKey := func(a, b line) int { return cmp.Or(cmp.Compare(a.key, b.key), same(a, b)) }
	if len(lines) < 512 {
		slices.SortFunc(lines, byKey)
		return
	}
	src, dst := lines, make([]line, len(lines))
	for shift := 0; shift < 64; shift += 8 {
		var at [256]int
		for _, l := range src {
			at[byte(l.key>>shift)]++
		}
		if at[byte(src[0].key>>shift)] == len(src) {
			continue
		}
		sum := 0
		for b, n := range at {
			at[b], sum = sum, sum+n
		}
		for _, l := range src {
			b := byte(l.key >> shift)
			dst[at[b]] = l
			at[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &lines[0] {
		copy(lines, src)
	}
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && lines[j].key == lines[i].key {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(lines[i:j], same)
		}
		i = j
	}
}

// idKey is the first 8 bytes of id as a big-endian number, zeros after a shorter id: keys
// order as their ids do, equal keys say nothing.
func idKey(id string) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(id) {
			k |= uint64(id[i])
		}
	}
	return k
}

// appendPadded appends s and spaces up to width runes, as fmt's %-Ns does (the spaces in
// one append: a summary of 10,000 lines appended ~150,000 spaces one by one).
func appendPadded(buf []byte, s string, width int) []byte {
	buf = append(buf, s...)
	if n := utf8.RuneCountInString(s); n < width {
		buf = appendSpaces(buf, width-n)
	}
	return buf
}

const spaces = "                                "

func appendSpaces(buf []byte, n int) []byte {
	for n > len(spaces) {
		buf = append(buf, spaces...)
		n -= len(spaces)
	}
	return append(buf, spaces[:n]...)
}

// batch validates every line of a JSON Lines file before queuing anything, queues all runs at
// once and prints one run object per line in input order.
func (c *cmd) batch(p parsed) (int, error) {
	data, err := c.readArgFile("--batch", p.str("batch"), maxBatchFile)
	if err != nil {
		return 0, err
	}
	var sets []map[string]any
	var lines []int // the file line of each run
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var inputs map[string]any
		if err := engine.UnmarshalJSON([]byte(text), &inputs); err != nil || inputs == nil {
			why := ""
			if errors.Is(err, engine.ErrNumberRange) {
				why = fmt.Sprintf(" (%v)", err)
			}
			return 0, fmt.Errorf("batch line %d: want a JSON object of input values%s: %w", line, why, engine.ErrInvalid)
		}
		sets, lines = append(sets, inputs), append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if len(sets) == 0 {
		return 0, usageErr("batch file %s has no runs", p.str("batch"))
	}
	st, err := c.svc.StartBatch(c.ctx, engine.RunRequest{Workflow: p.pos[0], Version: p.str("version")}, sets)
	var refused *engine.BatchError
	if errors.As(err, &refused) {
		return 0, fmt.Errorf("batch line %d: %w", lines[refused.Index], refused.Err)
	}
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(st.Runs))
	for i, r := range st.Runs {
		ids[i] = r.ID
	}
	return c.waitAndReport(ids, p.has("json"))
}

// waitAndReport waits for each run in turn, prints it (a runJSON line with asJSON, else a
// summary line) and returns the worst exit code of their statuses.
func (c *cmd) waitAndReport(ids []string, asJSON bool) (int, error) {
	code := ExitOK
	for _, id := range ids {
		r, err := c.wait(id)
		if err != nil {
			return 0, err
		}
		if e := exitFor(r.Status); e > code {
			code = e
		}
		if asJSON {
			if err := c.json(toRunJSON(r)); err != nil {
				return 0, err
			}
		} else {
			c.printf("%s  %-9s %s\n", r.ID, r.Status, r.Label)
		}
	}
	return code, nil
}

func (c *cmd) planCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"from": true, "changed": false, "version": true, "input": true, "inputs": true, "json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "plan WORKFLOW (--from NODE | --changed) [--json]"); err != nil {
		return 0, err
	}
	if p.has("changed") == (p.str("from") != "") {
		return 0, usageErr("plan needs --from NODE or --changed (one of them)")
	}
	inputs, err := c.collectInputs(p)
	if err != nil {
		return 0, err
	}
	var plan engine.Plan
	if p.has("changed") {
		plan, err = c.svc.PlanChanged(c.ctx, p.pos[0], p.str("version"), inputs)
	} else {
		plan, err = c.svc.PlanFrom(c.ctx, p.pos[0], p.str("version"), p.str("from"), inputs)
	}
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		return 0, c.json(plan)
	}
	ids := make([]string, 0, len(plan.Nodes))
	for id := range plan.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := plan.Nodes[id]
		c.printf("  %-20s %-9s %s\n", id, n.Action, planWhy(n))
		c.printChildPlan(plan.Children[id], "    ")
	}
	c.printf("%d to rerun, %d reused\n", plan.Rerun, plan.Reuse)
	return 0, nil
}

func (c *cmd) approveCmd(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"node": true, "reject": false, "value": true, "json": false})
	if err != nil {
		return 0, err
	}
	if err := needArgs(p, 1, "approve RUN [--node NODE] [--reject] [--value JSON] [--json]"); err != nil {
		return 0, err
	}
	var value any
	hasValue := p.has("value")
	if hasValue {
		if err := engine.UnmarshalJSON([]byte(p.str("value")), &value); err != nil {
			return 0, fmt.Errorf("--value: want JSON (quote text as \"…\"): %v: %w", err, engine.ErrInvalid)
		}
	}
	run, err := c.svc.Approve(c.ctx, engine.ApproveRequest{RunID: p.pos[0], NodeID: p.str("node"), Reject: p.has("reject"), Value: value, HasValue: hasValue})
	var choice *engine.ApprovalChoiceError
	switch {
	case errors.As(err, &choice):
		return 0, usageErr("run %s waits at %d approvals (%s): name one with --node", choice.RunID, len(choice.Pending), strings.Join(choice.Pending, ", "))
	case err != nil:
		return 0, err
	}
	return c.report(p, run.ID)
}
