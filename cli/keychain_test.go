package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestProvidersKeyWithoutAKeychain: `providers key NAME` reads the key from standard input
// for the OS keychain; where no keychain can be used (here: Linux with no reachable Secret
// Service) it says so, naming the provider, exit 1; bad use is exit 2; the key is never printed
// nor stored.
func TestProvidersKeyWithoutAKeychain(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("the keychain is made unreachable through D-Bus, which only Linux uses")
	}
	h := newHome(t)
	h.ok("providers", "set", "cloud", "--kind", "openai", "--url", "http://127.0.0.1:9")
	env := []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/flowbench-test-bus"}
	key := func(stdin string, args ...string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
		defer cancel()
		cmd := cliCommand(ctx, env, append(append([]string{"providers", "key"}, args...), "--home", h.dir)...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		r := result{args: args, stdout: out.String(), stderr: errb.String()}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := key("sk-never-printed\n", "cloud")
	if r.code != 1 || !strings.Contains(r.stderr, `provider "cloud"`) || !strings.Contains(r.stderr, "no OS keychain available") {
		t.Fatalf("key with no keychain: %s", r)
	}
	if strings.Contains(r.stdout+r.stderr, "sk-never-printed") {
		t.Fatalf("the key was printed: %s", r)
	}
	if r := key("", "cloud"); r.code != 2 || !strings.Contains(r.stderr, "no API key on standard input") {
		t.Fatalf("empty stdin: %s", r)
	}
	if r := key("sk\n", "nope"); r.code != 2 || !strings.Contains(r.stderr, `unknown provider "nope"`) {
		t.Fatalf("unknown provider: %s", r)
	}
	if r := key("sk\n"); r.code != 2 {
		t.Fatalf("no NAME: %s", r)
	}
	if out := h.ok("providers", "--json").stdout; strings.Contains(out, "sk-never-printed") {
		t.Fatal("the key reached providers --json")
	}
}
