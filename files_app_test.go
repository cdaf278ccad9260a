package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	datahome "github.com/flowbench/flowbench/home"
)

// testApp is an App over a fresh data home, with the window's events recorded.
func testApp(t *testing.T) (*App, *[]FileDrop) {
	t.Helper()
	home := t.TempDir()
	h, err := datahome.Open(context.Background(), home, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	a := NewApp(h.Service, home, slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	var drops []FileDrop
	a.emit = func(_ context.Context, name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		if d, ok := data[0].(FileDrop); ok && name == "filedrop" {
			drops = append(drops, d)
		}
	}
	return a, &drops
}

// within fails the test when f blocks past a deadline only a hang misses.
func within[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("%s: blocked for 60 s", what)
	}
	var zero T
	return zero
}

// TestImportMediaOnlyChosenPaths: ImportMedia reads only files dropped on the window (or
// chosen in a dialog) in this session; a dropped FIFO fails at once; a symlink named .png to
// a text file is not an image; a run given a media input as a path obeys the same rule.
func TestImportMediaOnlyChosenPaths(t *testing.T) {
	a, drops := testApp(t)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(dir, "pic.png")
	secret := filepath.Join(dir, "secret")
	fake := filepath.Join(dir, "fake.png")
	fifo := filepath.Join(dir, "pipe.png")
	if err := errors.Join(os.WriteFile(pic, buf.Bytes(), 0o644), os.WriteFile(secret, []byte("password\n"), 0o600),
		os.Symlink(secret, fake), syscall.Mkfifo(fifo, 0o644)); err != nil {
		t.Fatal(err)
	}

	for _, p := range []string{pic, secret, "/etc/passwd"} {
		if _, err := a.ImportMedia(p, "file"); err == nil || !strings.Contains(err.Error(), "not chosen") ||
			!strings.Contains(err.Error(), p) {
			t.Errorf("ImportMedia(%s) before any drop: %v", p, err)
		}
	}
	if _, err := a.ImportMedia("relative.png", "image"); err == nil {
		t.Error("a relative path was accepted")
	}

	a.dropped(10, 20, []string{pic, fake, fifo})
	if len(*drops) != 1 || (*drops)[0].X != 10 || len((*drops)[0].Paths) != 3 {
		t.Errorf("the window heard %+v, want the drop", *drops)
	}
	ref, err := a.ImportMedia(pic, "image")
	if err != nil || ref.Mime != "image/png" {
		t.Fatalf("a dropped PNG: %+v %v", ref, err)
	}
	if _, err := a.ImportMedia(dir+"/./pic.png", "image"); err != nil {
		t.Errorf("the same path spelled differently: %v", err)
	}
	if _, err := a.ImportMedia(fake, "image"); err == nil || !strings.Contains(err.Error(), "not a readable image") {
		t.Errorf("symlink named .png to a text file: %v", err)
	}
	if _, err := a.ImportMedia(secret, "file"); err == nil {
		t.Error("the target of a dropped symlink counts as dropped")
	}
	err = within(t, "ImportMedia on a FIFO", func() error { _, err := a.ImportMedia(fifo, "image"); return err })
	if err == nil || !strings.Contains(err.Error(), "FIFO") || !strings.Contains(err.Error(), fifo) {
		t.Errorf("a dropped FIFO: %v", err)
	}

	// A run whose media input is a path: the same rule.
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"photo",
		"inputs":[{"name":"photo","type":"image","required":true}],
		"nodes":[{"id":"in","type":"flow.inputs"},{"id":"out","type":"io.output","params":{"name":"photo"}}],
		"edges":[{"source":"in","sourceHandle":"photo","target":"out","targetHandle":"value"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.png")
	if err := os.WriteFile(other, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartRun(RunRequest{WorkflowID: imp.WorkflowID, Inputs: map[string]any{"photo": "@" + other}}); err == nil ||
		!strings.Contains(err.Error(), "not chosen") {
		t.Errorf("a run given an unchosen path: %v", err)
	}
	if _, err := a.PlanFrom(imp.WorkflowID, "", "out", map[string]any{"photo": other}); err == nil ||
		!strings.Contains(err.Error(), "not chosen") {
		t.Errorf("a plan given an unchosen path: %v", err)
	}
	r, err := a.StartRun(RunRequest{WorkflowID: imp.WorkflowID, Inputs: map[string]any{"photo": "@" + pic}})
	if err != nil {
		t.Fatalf("a run given a dropped path: %v", err)
	}
	if _, err := a.svc.Wait(context.Background(), r.ID); err != nil {
		t.Fatal(err)
	}
}

// TestParseDrop reads the {x, y, paths} a drop event carries as decoded JSON.
func TestParseDrop(t *testing.T) {
	d, ok := parseDrop(map[string]any{"x": 5.0, "y": 7.0, "paths": []any{"/a", "/b"}})
	if !ok || d.X != 5 || d.Y != 7 || len(d.Paths) != 2 {
		t.Errorf("parseDrop = %+v %v", d, ok)
	}
	for _, bad := range []any{nil, "x", map[string]any{"paths": "no"}, map[string]any{"x": 1}} {
		if _, ok := parseDrop(bad); ok {
			t.Errorf("parseDrop(%v) accepted", bad)
		}
	}
}

// TestAssetHandlerServesSVGAsImage: an SVG asset is image/svg+xml (an <img> shows it) with a
// CSP that keeps scripts out and no sniffing; HTML stays text.
func TestAssetHandlerServesSVGAsImage(t *testing.T) {
	a, _ := testApp(t)
	put := func(s string) string {
		ref, err := a.svc.Store().PutAsset(context.Background(), []byte(s), "", "x")
		if err != nil {
			t.Fatal(err)
		}
		return ref.Asset
	}
	h := a.assetHandler()
	get := func(sha string) http.Header {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://wails.localhost/assets/"+sha, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		return rec.Header()
	}
	for _, svg := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script><rect width="4" height="4"/></svg>`,
		"<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
	} {
		hd := get(put(svg))
		if ct := hd.Get("Content-Type"); ct != "image/svg+xml" {
			t.Errorf("SVG served as %q", ct)
		}
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "sandbox"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "script-src") {
			t.Errorf("CSP %q allows scripts", csp)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("no nosniff")
		}
	}
	for _, doc := range []string{"<html><body><svg></svg></body></html>", `<?xml version="1.0"?><feed/>`, "plain text"} {
		if ct := get(put(doc)).Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%q served as %q", doc, ct)
		}
	}
}

// TestOriginGuard: in front of a server whose WebSocket accepts any origin (as Wails's dev
// server does), the page served from the same address connects, a foreign origin and a
// foreign Host (DNS rebinding) are refused.
func TestOriginGuard(t *testing.T) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/wails/ipc" {
			w.Write([]byte("page"))
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			c.WriteMessage(mt, msg)
		}
	}))
	defer backend.Close()
	target, _ := url.Parse(backend.URL)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	front := &httptest.Server{Listener: ln, Config: &http.Server{Handler: originGuard(addr, httputil.NewSingleHostReverseProxy(target))}}
	front.Start()
	defer front.Close()

	dial := func(host, origin string) (string, int) {
		hdr := http.Header{}
		if origin != "" {
			hdr.Set("Origin", origin)
		}
		d := websocket.Dialer{NetDial: func(string, string) (net.Conn, error) { return net.Dial("tcp", addr) }}
		c, resp, err := d.Dial("ws://"+host+"/wails/ipc", hdr)
		if err != nil {
			code := 0
			if resp != nil {
				code = resp.StatusCode
			}
			return "", code
		}
		defer c.Close()
		if err := c.WriteMessage(websocket.TextMessage, []byte("ping")); err != nil {
			return "", -1
		}
		_, msg, err := c.ReadMessage()
		if err != nil {
			return "", -1
		}
		return string(msg), 101
	}
	for _, c := range []struct {
		host, origin string
		ok           bool
	}{
		{addr, "http://" + addr, true},
		{"localhost:" + port, "http://localhost:" + port, true},
		{addr, "", true}, // not a web page
		{addr, "https://evil.example", false},
		{addr, "http://localhost:" + port, false}, // another origin than the page's
		{addr, "null", false},
		{"evil.example:" + port, "http://evil.example:" + port, false}, // DNS rebinding
	} {
		msg, code := dial(c.host, c.origin)
		if c.ok && msg != "ping" {
			t.Errorf("host %s origin %q: refused (%d), want connected", c.host, c.origin, code)
		}
		if !c.ok && (msg != "" || code != http.StatusForbidden) {
			t.Errorf("host %s origin %q: %q %d, want 403", c.host, c.origin, msg, code)
		}
	}
	// Plain requests obey the same rule.
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/wails/reload", nil)
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a foreign POST: %v %v", resp, err)
	}
}
