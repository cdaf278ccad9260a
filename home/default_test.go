package home

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestOSDataHome(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	home := func() (string, error) { return "/home/ada", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	cases := []struct {
		name, goos string
		env        map[string]string
		home       func() (string, error)
		want       string
	}{
		{"windows APPDATA", "windows", map[string]string{"APPDATA": `C:\Users\ada\AppData\Roaming`}, home,
			filepath.Join(`C:\Users\ada\AppData\Roaming`, "Flowbench")},
		{"windows without APPDATA", "windows", nil, home, "flowbench-data"},
		{"macOS", "darwin", map[string]string{"XDG_DATA_HOME": "/x"}, home,
			filepath.Join("/home/ada", "Library", "Application Support", "Flowbench")},
		{"linux XDG_DATA_HOME", "linux", map[string]string{"XDG_DATA_HOME": "/data"}, home, filepath.Join("/data", "flowbench")},
		{"linux relative XDG_DATA_HOME is ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel"}, home,
			filepath.Join("/home/ada", ".local", "share", "flowbench")},
		{"linux default", "linux", nil, home, filepath.Join("/home/ada", ".local", "share", "flowbench")},
		{"freebsd follows XDG", "freebsd", nil, home, filepath.Join("/home/ada", ".local", "share", "flowbench")},
		{"no home at all", "linux", nil, noHome, "flowbench-data"},
	}
	for _, c := range cases {
		if got := osDataHome(c.goos, env(c.env), c.home); got != c.want {
			t.Errorf("%s: osDataHome = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDefaultPrefersFLOWBENCH_HOME(t *testing.T) {
	t.Setenv("FLOWBENCH_HOME", "/somewhere/else")
	if got := Default(); got != "/somewhere/else" {
		t.Errorf("Default = %q, want FLOWBENCH_HOME", got)
	}
}
