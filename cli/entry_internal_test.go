package cli

import (
	"runtime"
	"strings"
	"testing"
)

// TestCheckDisplay: on Linux the window needs DISPLAY or WAYLAND_DISPLAY; without either the
// message says so.
func TestCheckDisplay(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("always a display")
	}
	defer func(f func(string) string) { displayEnv = f }(displayEnv)
	env := map[string]string{}
	displayEnv = func(k string) string { return env[k] }
	err := CheckDisplay()
	if err == nil || !strings.Contains(err.Error(), "no display") || !strings.Contains(err.Error(), "DISPLAY") {
		t.Fatalf("no display: got %v", err)
	}
	env["DISPLAY"] = ":0"
	if err := CheckDisplay(); err != nil {
		t.Fatalf("DISPLAY set: %v", err)
	}
	delete(env, "DISPLAY")
	env["WAYLAND_DISPLAY"] = "wayland-0"
	if err := CheckDisplay(); err != nil {
		t.Fatalf("WAYLAND_DISPLAY set: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	for word, want := range map[string]string{"runz": "run", "imprt": "import", "generation": "generations", "qwertyuiop": ""} {
		got := suggest(word)
		if (want == "") != (got == "") || (want != "" && !strings.Contains(got, `"`+want+`"`)) {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}

// TestOverviewNotesNameUsageLines: each remark of help's overview is keyed by a usage line
// some command has, so a command's usage changing cannot silently drop its remark.
func TestOverviewNotesNameUsageLines(t *testing.T) {
	lines := map[string]bool{}
	for _, c := range commandOrder {
		for _, l := range usageLines(commandHelp[c]) {
			lines[l] = true
		}
	}
	for l := range overviewNotes {
		if !lines[l] {
			t.Errorf("overviewNotes has %q, which no command's usage has", l)
		}
	}
}
