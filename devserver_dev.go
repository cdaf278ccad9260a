//go:build dev

package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
)

// guardDevServer puts originGuard in front of Wails's dev server (the dev build serves the
// window to a browser for the end-to-end tests). Wails's server upgrades its IPC WebSocket
// for any origin and cannot be configured otherwise, so it is moved to a free loopback port
// and the address asked for (-devserver or $devserver) is served by a guarded reverse proxy,
// WebSocket upgrades included.
func guardDevServer() error {
	addr := os.Getenv("devserver")
	if addr == "" {
		addr = flagValue(os.Args[1:], "devserver")
	}
	if addr == "" {
		return nil
	}
	public, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("dev server: %w", err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		public.Close()
		return fmt.Errorf("dev server: %w", err)
	}
	innerAddr := inner.Addr().String()
	inner.Close() // Wails listens on it in a moment
	os.Setenv("devserver", innerAddr)
	os.Args = dropFlag(os.Args, "devserver")
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: innerAddr})
	go http.Serve(public, originGuard(addr, proxy)) //nolint:errcheck // ends with the process
	return nil
}

// flagValue is the value of -name / --name, given as "-name V" or "-name=V", or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return ""
}

// dropFlag removes -name / --name and its value from args (args[0] is the program).
func dropFlag(args []string, name string) []string {
	out := []string{args[0]}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "-"+name || a == "--"+name {
			i++
			continue
		}
		if strings.HasPrefix(a, "-"+name+"=") || strings.HasPrefix(a, "--"+name+"=") {
			continue
		}
		out = append(out, a)
	}
	return out
}
