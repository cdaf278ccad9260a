package main

import (
	"errors"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

var assetPathRE = regexp.MustCompile(`^/assets/([0-9a-f]{64})$`)

// assetHandler serves /assets/<sha256> from the asset store. Only a well-formed hash is
// accepted: no path from the request ever reaches the file system. Content is served with
// its stored type, never as HTML in the app's origin.
func (a *App) assetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := assetPathRE.FindStringSubmatch(r.URL.Path)
		if m == nil {
			http.NotFound(w, r)
			return
		}
		path, err := a.svc.Store().AssetPath(m[1])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				http.NotFound(w, r)
				return
			}
			http.Error(w, "cannot read asset", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		head := make([]byte, 512)
		n, _ := f.Read(head)
		mt := engine.DetectMime("", head[:n])
		if strings.Contains(mt, "html") || strings.Contains(mt, "xml") && !strings.Contains(mt, "svg") {
			mt = "text/plain; charset=utf-8"
		}
		if _, err := f.Seek(0, 0); err != nil {
			http.Error(w, "cannot read asset", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", mt)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'")
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		http.ServeContent(w, r, m[1], time.Time{}, f)
	})
}
