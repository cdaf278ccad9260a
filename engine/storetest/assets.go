package storetest

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

var osStat = os.Stat

var assetTests = []test{
	{"PutAssetDeduplicates", testPutAsset},
	{"OpenAssetRefusesMalformedHash", testMalformedHash},
}

var settingsTests = []test{
	{"GetSetSetting", testSettings},
}

func testPutAsset(t *testing.T, s engine.Store) {
	data := []byte("\x89PNG\r\n\x1a\n fake image bytes")
	ref, err := s.PutAsset(ctx(), data, "image/png", "cat.png")
	must(t, "PutAsset", err)
	if ref.Asset != shaOf(data) || ref.Mime != "image/png" || ref.Name != "cat.png" {
		t.Errorf("PutAsset = %+v, want sha256 %s", ref, shaOf(data))
	}
	again, err := s.PutAsset(ctx(), append([]byte(nil), data...), "image/png", "other.png")
	must(t, "PutAsset again", err)
	if again.Asset != ref.Asset {
		t.Errorf("same bytes gave %s and %s", ref.Asset, again.Asset)
	}
	other, err := s.PutAsset(ctx(), []byte("different"), "", "x")
	must(t, "PutAsset other", err)
	if other.Asset == ref.Asset || other.Mime == "" {
		t.Errorf("different bytes: %+v (mime should be detected when not given)", other)
	}
	rc, err := s.OpenAsset(ctx(), ref.Asset)
	must(t, "OpenAsset", err)
	got, err := io.ReadAll(rc)
	rc.Close()
	must(t, "reading asset", err)
	if string(got) != string(data) {
		t.Errorf("OpenAsset bytes = %q, want %q", got, data)
	}
	path, err := s.AssetPath(ref.Asset)
	must(t, "AssetPath", err)
	onDisk, err := os.ReadFile(path)
	must(t, "reading AssetPath", err)
	if string(onDisk) != string(data) {
		t.Errorf("file at AssetPath holds %q", onDisk)
	}
	empty, err := s.PutAsset(ctx(), nil, "application/octet-stream", "empty")
	must(t, "PutAsset empty", err)
	if rc, err := s.OpenAsset(ctx(), empty.Asset); err != nil {
		t.Errorf("OpenAsset of empty asset: %v", err)
	} else {
		rc.Close()
	}
	unknown := shaOf([]byte("never stored"))
	_, err = s.OpenAsset(ctx(), unknown)
	wantErr(t, "OpenAsset unknown", err, engine.ErrNotFound)
	_, err = s.AssetPath(unknown)
	wantErr(t, "AssetPath unknown", err, engine.ErrNotFound)
}

func testMalformedHash(t *testing.T, s engine.Store) {
	valid := shaOf([]byte("x"))
	for _, h := range []string{
		"", "abc", strings.ToUpper(valid), valid + "0", valid[:63] + "g",
		"../../../../etc/passwd", "../" + valid[3:], valid[:30] + "/" + valid[31:], valid[:63] + "\x00",
	} {
		_, err := s.OpenAsset(ctx(), h)
		wantErr(t, "OpenAsset("+h+")", err, engine.ErrInvalid)
		_, err = s.AssetPath(h)
		wantErr(t, "AssetPath("+h+")", err, engine.ErrInvalid)
	}
}

func testSettings(t *testing.T, s engine.Store) {
	_, ok, err := s.GetSetting(ctx(), "max_concurrent_runs")
	must(t, "GetSetting", err)
	if ok {
		t.Errorf("unset setting reported as set")
	}
	must(t, "SetSetting", s.SetSetting(ctx(), "max_concurrent_runs", "4"))
	must(t, "SetSetting", s.SetSetting(ctx(), "theme", ""))
	v, ok, err := s.GetSetting(ctx(), "max_concurrent_runs")
	if err != nil || !ok || v != "4" {
		t.Errorf("GetSetting = %q %v %v", v, ok, err)
	}
	must(t, "SetSetting overwrite", s.SetSetting(ctx(), "max_concurrent_runs", "1"))
	if v, _, _ := s.GetSetting(ctx(), "max_concurrent_runs"); v != "1" {
		t.Errorf("overwritten setting = %q", v)
	}
	if v, ok, _ := s.GetSetting(ctx(), "theme"); !ok || v != "" {
		t.Errorf("empty setting = %q %v, want set and empty", v, ok)
	}
}
