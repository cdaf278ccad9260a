package engine

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// mediaResolver reads a file named on a command line or dropped on a form into the asset store.
func (s *Service) mediaResolver(ctx context.Context) MediaResolver {
	return func(d InputDecl, path string) (AssetRef, error) {
		return s.ImportFile(ctx, path, d.Type)
	}
}

// ImportFile copies a file into the asset store. It must be a regular file whose content (not
// its name) is of the wanted media kind; an image must also be within the decoded size limit.
// Refusals name the path and wrap ErrInvalid.
func (s *Service) ImportFile(ctx context.Context, path, kind string) (AssetRef, error) {
	if err := PathAllowed(ctx, path); err != nil {
		return AssetRef{}, err
	}
	data, err := ReadFile(ctx, path, 0)
	if err != nil {
		return AssetRef{}, err
	}
	mt, err := MediaMime(kind, path, data, s.limits)
	if err != nil {
		return AssetRef{}, fmt.Errorf("%s: %w: %w", path, err, ErrInvalid)
	}
	return s.store.PutAsset(ctx, data, mt, filepath.Base(path))
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// DetectMime names a file's media type from its bytes, falling back to its extension.
func DetectMime(path string, data []byte) string {
	mt := http.DetectContentType(data)
	if (mt == "application/octet-stream" || strings.HasPrefix(mt, "text/plain")) && filepath.Ext(path) != "" {
		if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(path))); byExt != "" {
			mt = byExt
		}
	}
	if bytes.HasPrefix(data, []byte("RIFF")) && len(data) > 12 && string(data[8:12]) == "WEBP" {
		mt = "image/webp"
	}
	if i := strings.IndexByte(mt, ';'); i > 0 {
		mt = mt[:i]
	}
	return mt
}
