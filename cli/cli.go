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
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/storage"
)

// Exit statuses (SPEC §8).
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	ExitPaused = 3
)

// Commands lists the subcommands; anything else opens the window.
var Commands = map[string]bool{"import": true, "export": true, "list": true, "versions": true, "version": true,
	"run": true, "plan": true, "approve": true, "runs": true, "generations": true, "select": true, "nodes": true,
	"help": true, "--help": true, "-h": true, "--version": true}

// IsCommand reports whether args (without --home) name a subcommand.
func IsCommand(args []string) bool { return len(args) > 0 && Commands[args[0]] }

// DefaultHome is the data home: FLOWBENCH_HOME, else the OS user data folder (SPEC §2).
func DefaultHome() string {
	if h := os.Getenv("FLOWBENCH_HOME"); h != "" {
		return h
	}
	switch runtime.GOOS {
	case "linux":
		if x := os.Getenv("XDG_DATA_HOME"); x != "" {
			return filepath.Join(x, "flowbench")
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "flowbench")
		}
	default:
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "Flowbench")
		}
	}
	return "flowbench-data"
}

// Env is what a command runs with.
type Env struct {
	Stdout, Stderr io.Writer
	Home           string
}

// Open opens the data home: storage, owner lock, registry and service.
func Open(ctx context.Context, home string, logger *slog.Logger) (*engine.Service, func(), error) {
	maxPixels, err := imageLimitFromEnv()
	if err != nil {
		return nil, nil, err
	}
	st, err := storage.Open(ctx, home, logger)
	if err != nil {
		return nil, nil, err
	}
	lock, err := storage.AcquireOwner(home)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		lock.Release()
		st.Close()
		return nil, nil, err
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, Logger: logger, Owner: lock.ID, OwnerAlive: lock.Alive,
		MaxImagePixels: maxPixels})
	if err != nil {
		lock.Release()
		st.Close()
		return nil, nil, err
	}
	closeFn := func() {
		svc.Close()
		st.Close()
		lock.Release()
	}
	return svc, closeFn, nil
}

// EnvMaxImagePixels overrides the decoded image size limit (the max_image_pixels setting,
// default 100 megapixels) for one process.
const EnvMaxImagePixels = "FLOWBENCH_MAX_IMAGE_PIXELS"

// imageLimitFromEnv reads EnvMaxImagePixels; 0 when unset.
func imageLimitFromEnv() (int64, error) {
	v := strings.TrimSpace(os.Getenv(EnvMaxImagePixels))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a whole number of pixels ≥ 1", EnvMaxImagePixels, v)
	}
	return n, nil
}

// Main runs a subcommand and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	args, home, err := ExtractHome(args)
	if err != nil {
		fmt.Fprintln(stderr, "flowbench:", err)
		return ExitUsage
	}
	if home == "" {
		home = DefaultHome()
	}
	if len(args) > 0 && args[0] == "--version" {
		fmt.Fprintln(stdout, "flowbench", Version)
		return ExitOK
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if args[0] == "nodes" {
		return report(stderr, cmdNodes(args[1:], stdout))
	}
	svc, closeFn, err := Open(ctx, home, logger)
	if err != nil {
		fmt.Fprintln(stderr, "flowbench: opening", home+":", err)
		return ExitFailed
	}
	defer closeFn()
	if _, err := svc.Recover(ctx, false); err != nil {
		logger.Warn("recovering runs", "err", err)
	}
	c := &cmd{svc: svc, out: stdout, errw: stderr, ctx: ctx}
	var code int
	switch args[0] {
	case "import":
		code, err = c.importCmd(args[1:])
	case "export":
		code, err = c.exportCmd(args[1:])
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
		errors.Is(err, engine.ErrAmbiguous), errors.Is(err, engine.ErrConflict):
		return ExitUsage
	}
	return ExitFailed
}

type cmd struct {
	svc  *engine.Service
	out  io.Writer
	errw io.Writer
	ctx  context.Context
}

func (c *cmd) json(v any) error {
	enc := json.NewEncoder(c.out)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (c *cmd) printf(format string, a ...any) { fmt.Fprintf(c.out, format, a...) }

func needArgs(p parsed, n int, what string) error {
	if len(p.pos) != n {
		return usageErr("usage: flowbench %s", what)
	}
	return nil
}

const usage = `flowbench — build and run node-based workflows

With no arguments flowbench opens the window. Subcommands work headless:

  flowbench import FILE [--into WORKFLOW] [--json]
  flowbench export WORKFLOW [--version V] [--bundle] [-o FILE]
  flowbench list [--json]
  flowbench versions WORKFLOW [--json]
  flowbench version create WORKFLOW [--from V] [--notes TEXT] [--json]
  flowbench version use WORKFLOW V
  flowbench run WORKFLOW [--version V] [--input NAME=VALUE]... [--inputs FILE.json] [--from NODE] [--json]
  flowbench run WORKFLOW --batch FILE.jsonl [--max-concurrent N] [--json]
  flowbench plan WORKFLOW --from NODE [--input NAME=VALUE]... [--json]
  flowbench approve RUN [--node NODE] [--reject] [--value JSON] [--json]
  flowbench runs [WORKFLOW] [--json]
  flowbench generations WORKFLOW NODE [--json]
  flowbench select WORKFLOW NODE GENERATION   (GENERATION "none" clears the selection)
  flowbench nodes [--json]

--home DIR (or FLOWBENCH_HOME) chooses the data folder; it may come before or after the command.
Exit status: 0 success, 1 run failed or cancelled, 2 bad usage or refused input, 3 paused for approval.
`

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
		if !t.Deterministic {
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
