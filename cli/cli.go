// Package cli implements flowbench's headless subcommands (SPEC §8).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	datahome "github.com/flowbench/flowbench/home"
	"github.com/flowbench/flowbench/storage"
)

// Exit statuses (SPEC §8).
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	ExitPaused = 3
)

// cacheMapBudget bounds the cache files a command maps into memory instead of reading them
// (storage.MapCacheFiles): a command lives for a moment, and its mappings go with it.
const cacheMapBudget = 256 << 20

// commandOrder lists the subcommands in the order help shows them.
var commandOrder = []string{"import", "export", "delete", "list", "versions", "version", "run", "plan", "approve", "runs",
	"generations", "select", "nodes", "diff", "restore", "queue", "cancel", "retry", "resume", "providers", "settings", "help"}

// commandHelp is each subcommand's usage lines and what it does (`flowbench CMD --help`).
var commandHelp = map[string]string{
	"import": `usage: flowbench import FILE [--into WORKFLOW] [--json]

Imports a workflow file (or a bundle) as a new workflow; with --into, saves the file's graph
as a new current version of WORKFLOW (no new version if it equals the current one).
`,
	"export": `usage: flowbench export WORKFLOW [--version V] [--bundle] [-o FILE]

Writes a version (default: current) as a workflow file, or with --bundle the whole workflow
with every version, to stdout or FILE.
`,
	"delete": `usage: flowbench delete WORKFLOW [--anyway] [--json]

Deletes a workflow with its versions, runs and generations (its active runs are cancelled
first). A workflow other workflows use as a subworkflow is refused (exit 2, naming them);
--anyway deletes it all the same, and the versions that use it then fail validation naming it.
`,
	"list": `usage: flowbench list [--json]

Lists the workflows with their number of versions.
`,
	"versions": `usage: flowbench versions WORKFLOW [--json]

Lists a workflow's versions, newest first; * marks the current one.
`,
	"version": `usage: flowbench version [--json]
       flowbench version create WORKFLOW [--from V] [--notes TEXT] [--json]
       flowbench version use WORKFLOW V

Alone, prints flowbench's version. create copies a version (default current) as a new one;
use makes V the current version.
`,
	"run": `usage: flowbench run WORKFLOW [--version V] [--input NAME=VALUE]... [--inputs FILE.json] [--from NODE] [--json]
       flowbench run WORKFLOW --changed [--json]
       flowbench run WORKFLOW --batch FILE.jsonl [--max-concurrent N] [--json]

Runs a workflow and waits for it. --input photo=@cat.png reads a file for a media input.
--from NODE runs from a block, reusing unchanged upstream work. --changed runs every node
that changed since its last result (settings, inputs, files, failures) and what depends on
it, reusing the rest, like make. --batch queues one run per
line of a JSON Lines file at once. Runs start as the data home's run cap allows (one cap for
the window and every command: flowbench settings); --max-concurrent N runs at most N of this
command's runs at once within it. Exit 0 completed, 1 failed or cancelled, 3 paused.
`,
	"plan": `usage: flowbench plan WORKFLOW --from NODE [--version V] [--input NAME=VALUE]... [--json]
       flowbench plan WORKFLOW --changed [--version V] [--input NAME=VALUE]... [--json]

Shows what a run from NODE (or a changed run) would rerun and reuse, and why, without
running anything.
`,
	"approve": `usage: flowbench approve RUN [--node NODE] [--reject] [--value JSON] [--json]

Decides a paused run's approval and resumes it.
`,
	"runs": `usage: flowbench runs [WORKFLOW] [--json]

Lists runs, newest first.
`,
	"generations": `usage: flowbench generations WORKFLOW NODE [--json]

Lists a node's generations, newest first; * marks the one that feeds downstream.
`,
	"select": `usage: flowbench select WORKFLOW NODE GENERATION

Picks the generation that feeds NODE's downstream ("none" clears the pick).
`,
	"nodes": `usage: flowbench nodes [--json]

Lists the node types with their handles, params schema and determinism.
`,
	"queue": `usage: flowbench queue [--json]
       flowbench queue pause | resume
       flowbench queue move RUN --to N
       flowbench queue clear

Lists the running and queued runs of the data home in queue order, across every process, with
whether the process that owns each one still runs. Queued runs of a process that stopped
("orphaned") wait until flowbench resume --orphaned runs them or cancel --orphaned drops them.
--json: {"paused", "cap", "running": [run…], "queued": [run…]}, each run as in runs --json
plus "owner_alive" and "position".
pause: running runs finish, queued ones (of every process, the window's too) wait, kept
across restarts; resume starts them again. The run cap (flowbench settings) bounds the
running runs of every process together; queued runs start in queue order.
move: puts a queued run at position N of the queue (1 starts next; past the end: last).
clear: clears finished runs from the window's queue list (they stay in flowbench runs, with
their generations).
A run that does not exist or is not queued is refused (exit 2, naming it).
`,
	"retry": `usage: flowbench retry RUN [--json]

Runs a failed, cancelled or interrupted run again as a new run: the same version, mode and
inputs, labelled "retry of …". Waits for it and reports it like run (--json: a run object as
run --json). A run that does not exist or is in another state is refused (exit 2, naming it).
`,
	"cancel": `usage: flowbench cancel RUN... [--json]
       flowbench cancel --orphaned [--json]

Cancels queued or running runs: those of this data home's other processes (the window, a
batch) are asked to stop and the command waits until they have; a paused run, or one whose
process is gone, is recorded cancelled. A run that does not exist or has already finished is
refused (exit 2, naming it). --orphaned cancels every queued run of processes that stopped.
`,
	"resume": `usage: flowbench resume --orphaned [--max-concurrent N] [--json]
       flowbench resume RUN... [--max-concurrent N] [--json]

Runs queued runs left behind by a process that stopped (a killed batch), in their order, in
this process, and waits for them like run --batch (one line, or one JSON object per line).
`,
	"diff": `usage: flowbench diff RUN_A RUN_B [--json]
       flowbench diff --versions WORKFLOW V1 V2 [--json]

Compares two runs (any two, even of different workflows or still running): versions, inputs
that differ, the graph diff, each node's status and whether its outputs are the same, and the
outputs. With --versions, compares two versions of a workflow: graph and declared inputs.
`,
	"restore": `usage: flowbench restore RUN [--json]
       flowbench restore --undo WORKFLOW [--json]

Makes RUN's version current and selects, for every node it executed or reused, the generation
that run used, so a run from any block builds on it. Nodes whose generation was deleted are
listed as missing. --undo puts back what the workflow's last restore replaced.
`,
	"providers": providersHelp,
	"settings": `usage: flowbench settings [--json]
       flowbench settings set KEY VALUE
       flowbench settings check ffmpeg [--json]

Lists the settings of the data home (run_cap, max_image_pixels, ffmpeg_path, cache) with
their values, or changes one; an empty VALUE ("") puts back the default. ffmpeg_path is the
ffmpeg executable, or a folder holding ffmpeg and ffprobe, the video and audio nodes run
(default: found on PATH). cache on|off (default on): a run from a block or a changed run
reuses a completed result with the same inputs from any workflow (reason cached).
--json: {"settings": [{"key","value","default","set","description"}]}.
check ffmpeg finds ffmpeg and ffprobe as the media nodes would and runs ffmpeg -version
(exit 1 when they cannot be used; --json: {"ok","setting","ffmpeg","ffprobe","version","error"}).
`,
	"help": `usage: flowbench help [COMMAND]

Shows the overview, or one command's usage (the same as flowbench COMMAND --help).
`,
}

// Commands lists the subcommands and top-level flags that run headless.
var Commands = func() map[string]bool {
	m := map[string]bool{"--help": true, "-h": true, "-help": true, "--version": true, "-version": true}
	for _, c := range commandOrder {
		m[c] = true
	}
	return m
}()

// IsCommand reports whether args (without --home) name a subcommand.
func IsCommand(args []string) bool { return len(args) > 0 && Commands[args[0]] }

// wantsHelp reports whether a subcommand's arguments ask for its usage (before any "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--help", "-h", "-help":
			return true
		}
	}
	return false
}

// Main runs a subcommand and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	args, home, err := ExtractHome(args)
	if err != nil {
		fmt.Fprintln(stderr, "flowbench:", err)
		return ExitUsage
	}
	if home == "" {
		home = datahome.Default()
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version" || (args[0] == "version" && len(args) == 1)) {
		fmt.Fprintln(stdout, "flowbench", Version)
		return ExitOK
	}
	if len(args) == 2 && args[0] == "version" && args[1] == "--json" {
		fmt.Fprintf(stdout, "{\"version\":%q}\n", Version)
		return ExitOK
	}
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "-help" {
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	if args[0] == "help" {
		if wantsHelp(args[1:]) {
			fmt.Fprint(stdout, commandHelp["help"])
			return ExitOK
		}
		if len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return ExitOK
		}
		h, ok := commandHelp[args[1]]
		if !ok {
			fmt.Fprintf(stderr, "flowbench: unknown command %q%s (see flowbench help)\n", args[1], suggest(args[1]))
			return ExitUsage
		}
		fmt.Fprint(stdout, h)
		return ExitOK
	}
	if h, ok := commandHelp[args[0]]; !ok {
		fmt.Fprintf(stderr, "flowbench: unknown command %q%s (see flowbench help)\n", args[0], suggest(args[0]))
		return ExitUsage
	} else if wantsHelp(args[1:]) {
		fmt.Fprint(stdout, h)
		return ExitOK
	}
	relaxGC()
	storage.MapCacheFiles(cacheMapBudget)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if args[0] == "nodes" {
		return report(stderr, cmdNodes(args[1:], stdout))
	}
	h, err := datahome.Open(ctx, home, logger)
	if err != nil {
		fmt.Fprintln(stderr, "flowbench: opening", home+":", err)
		return ExitFailed
	}
	hc := newHomeCloser(h)
	defer hc.wait()
	svc := h.Service
	// Only the running runs of processes that are gone are settled here: the queued ones of
	// such processes wait for `flowbench resume --orphaned` or `cancel --orphaned`, and a
	// start never reads them all.
	if _, err := svc.RecoverInterrupted(ctx); err != nil {
		logger.Warn("recovering runs", "err", err)
	}
	c := &cmd{svc: svc, out: stdout, errw: stderr, ctx: ctx, releaseHome: hc.start}
	var code int
	switch args[0] {
	case "import":
		code, err = c.importCmd(args[1:])
	case "export":
		code, err = c.exportCmd(args[1:])
	case "delete":
		code, err = c.deleteCmd(args[1:])
	case "list":
		code, err = c.listCmd(args[1:])
	case "versions":
		code, err = c.versionsCmd(args[1:])
	case "version":
		code, err = c.versionCmd(args[1:])
	case "run":
		code, err = c.runCmd(args[1:])
	case "plan":
		code, err = c.planCmd(args[1:])
	case "approve":
		code, err = c.approveCmd(args[1:])
	case "runs":
		code, err = c.runsCmd(args[1:])
	case "generations":
		code, err = c.generationsCmd(args[1:])
	case "select":
		code, err = c.selectCmd(args[1:])
	case "cancel":
		code, err = c.cancelCmd(args[1:])
	case "resume":
		code, err = c.resumeCmd(args[1:])
	case "retry":
		code, err = c.retryCmd(args[1:])
	case "queue":
		code, err = c.queueCmd(args[1:])
	case "diff":
		code, err = c.diffCmd(args[1:])
	case "restore":
		code, err = c.restoreCmd(args[1:])
	case "providers":
		code, err = c.providersCmd(args[1:])
	case "settings":
		code, err = c.settingsCmd(args[1:])
	default:
		err = usageErr("unknown command %q (see flowbench help)", args[0])
	}
	if err != nil {
		return report(stderr, err)
	}
	return code
}

// report prints an error and maps it to an exit status: refused input and bad usage are 2.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(stderr, "flowbench:", err)
	var ue *usageError
	switch {
	case errors.As(err, &ue), errors.Is(err, engine.ErrInvalid), errors.Is(err, engine.ErrNotFound),
		errors.Is(err, engine.ErrAmbiguous), errors.Is(err, engine.ErrConflict), errors.Is(err, engine.ErrInUse):
		return ExitUsage
	}
	return ExitFailed
}

type cmd struct {
	svc  *engine.Service
	out  io.Writer
	errw io.Writer
	ctx  context.Context
	// pausedNoted: the "queue is paused" note was printed once.
	pausedNoted bool
	// releaseHome, when set, starts closing the data home: the command reads and writes
	// nothing more of it (homeCloser).
	releaseHome func()
}

func (c *cmd) json(v any) error {
	enc := json.NewEncoder(c.out)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (c *cmd) printf(format string, a ...any) { fmt.Fprintf(c.out, format, a...) }

// plural is "1 version", "2 versions": a count and its noun, for the plain-text answers.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func needArgs(p parsed, n int, what string) error {
	if len(p.pos) != n {
		return usageErr("usage: flowbench %s", what)
	}
	return nil
}

// overviewHead and overviewFoot frame help's overview (usage), whose middle is every
// command's usage lines, in commandOrder, as that command's --help shows them.
const overviewHead = `flowbench — build and run node-based workflows

With no arguments flowbench opens the window. Subcommands work headless
(flowbench COMMAND --help shows one command's usage):

`

const overviewFoot = `
--home DIR (or FLOWBENCH_HOME) chooses the data folder; it may come before or after the command.
Exit status: 0 success, 1 run failed or cancelled, 2 bad usage or refused input, 3 paused for approval.
`

// overviewNotes are the remarks the overview adds after a usage line, keyed by the line.
var overviewNotes = map[string]string{
	"flowbench delete WORKFLOW [--anyway] [--json]": "refused when used as a subworkflow",
	"flowbench select WORKFLOW NODE GENERATION":     `GENERATION "none" clears the selection`,
	"flowbench diff RUN_A RUN_B [--json]":           "compare two runs",
	"flowbench restore RUN [--json]":                "the run's version and generations become current",
	"flowbench restore --undo WORKFLOW [--json]":    "put back what the last restore replaced",
	"flowbench run WORKFLOW --changed [--json]":     "what changed since its last result, and its downstream",
	"flowbench retry RUN [--json]":                  "a failed, cancelled or interrupted run, again",
	"flowbench providers [--json]":                  "local AI servers nodes use",
	"flowbench providers key NAME [--remove]":       "API key from stdin into the OS keychain",
	"flowbench settings set KEY VALUE":              "run_cap, ffmpeg_path, cache, …",
	"flowbench version [--json]":                    "flowbench's own version; or flowbench --version",
	"flowbench help [COMMAND]":                      "or flowbench COMMAND --help",
}

// usageLines are a command's usage lines from its help (up to the first blank line),
// without the "usage:" and the indent.
func usageLines(help string) []string {
	head, _, _ := strings.Cut(help, "\n\n")
	lines := strings.Split(head, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.TrimPrefix(l, "usage:"))
	}
	return lines
}

// usage is `flowbench help`: made from each command's help, so it lists every form of every
// command (a hand-kept copy lacked retry, settings and run --changed).
var usage = func() string {
	var b strings.Builder
	b.WriteString(overviewHead)
	for _, c := range commandOrder {
		for _, l := range usageLines(commandHelp[c]) {
			b.WriteString("  " + l)
			if note := overviewNotes[l]; note != "" {
				b.WriteString(strings.Repeat(" ", max(1, 48-len(l))) + " (" + note + ")")
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString(overviewFoot)
	return b.String()
}()

func cmdNodes(args []string, out io.Writer) error {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return err
	}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		return err
	}
	types := reg.Types()
	if p.has("json") {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		return enc.Encode(map[string]any{"nodes": types})
	}
	for _, t := range types {
		det := "deterministic"
		switch {
		case t.DeterministicWhen != nil:
			det = "deterministic or not by its params" // image.noise: with a seed
		case !t.Deterministic:
			det = "nondeterministic"
		}
		fmt.Fprintf(out, "%-18s %-8s %s (%s)\n", t.Type, t.Group, t.Title, det)
		fmt.Fprintf(out, "%18s in: %s  out: %s\n", "", handleList(t.Inputs), handleList(t.Outputs))
	}
	return nil
}

func handleList(hs []engine.Handle) string {
	if len(hs) == 0 {
		return "—"
	}
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.Name + ":" + h.Type
	}
	return strings.Join(parts, " ")
}
