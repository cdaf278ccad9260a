package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

var assetPathRE = regexp.MustCompile(`^/assets/([0-9a-f]{64})$`)

// assetCSP keeps scripts out of an asset opened on its own: an SVG may carry <script> and
// event handlers, and the sandbox gives any document a unique origin even so. Inside an <img>
// an SVG runs no script anyway.
const assetCSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox"

// assetType is the Content-Type an asset is served with, from its first bytes: SVG as
// image/svg+xml (so an <img> shows it), HTML and other XML as plain text (never a document in
// the app's origin), anything else as sniffed.
func assetType(head []byte) string {
	if isSVG(head) {
		return "image/svg+xml"
	}
	mt := engine.DetectMime("", head)
	if strings.Contains(mt, "html") || strings.Contains(mt, "xml") || strings.Contains(mt, "javascript") {
		return "text/plain; charset=utf-8"
	}
	if strings.HasPrefix(mt, "text/") {
		return mt + "; charset=utf-8"
	}
	return mt
}

// isSVG reports whether the document in head has <svg> as its root element (after any XML
// declaration, comments and doctype).
func isSVG(head []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(head))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t.Name.Local == "svg"
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return false
			}
		}
	}
}

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
		head := make([]byte, 8192)
		n, _ := io.ReadFull(f, head)
		mt := assetType(head[:n])
		if _, err := f.Seek(0, 0); err != nil {
			http.Error(w, "cannot read asset", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", mt)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", assetCSP)
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		http.ServeContent(w, r, m[1], time.Time{}, f)
	})
}
