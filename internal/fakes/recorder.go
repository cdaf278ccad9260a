package fakes

import (
	"net/http"
	"sync"
)

// recorder is the routing and bookkeeping the fake APIs share: it counts the requests to each
// route and keeps the body of the last accepted one.
type recorder struct {
	mux *http.ServeMux

	mu    sync.Mutex
	calls map[string]int
	last  map[string]map[string]any
}

func (rec *recorder) init() {
	rec.mux = http.NewServeMux()
	rec.calls = map[string]int{}
	rec.last = map[string]map[string]any{}
}

// ServeHTTP serves the API.
func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) { rec.mux.ServeHTTP(w, r) }

// Calls is how many requests reached path (any outcome).
func (rec *recorder) Calls(path string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.calls[path]
}

// LastRequest is the JSON body (or, for multipart, the form fields) of the last accepted
// request to path.
func (rec *recorder) LastRequest(path string) map[string]any {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.last[path]
}

// handle serves path: every request is counted; one that reject answers (returns true) goes no
// further; otherwise h serves it, and the body it returns with ok is kept for LastRequest.
func (rec *recorder) handle(path string, reject func(w http.ResponseWriter, r *http.Request) bool,
	h func(w http.ResponseWriter, r *http.Request) (map[string]any, bool)) {
	rec.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.calls[path]++
		rec.mu.Unlock()
		if reject(w, r) {
			return
		}
		if body, ok := h(w, r); ok {
			rec.mu.Lock()
			rec.last[path] = body
			rec.mu.Unlock()
		}
	})
}
