package storage

import (
	"context"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestSaveDraftLinksItsAssets: a draft links the assets its graph refers to, as a reader of
// the draft decodes it, whether the graph reads back as itself (kept without decoding, as the
// window's usual draft) or not (a whole float64, non-ASCII text: the stored text is decoded),
// and a later save links what that draft refers to instead.
func TestSaveDraftLinksItsAssets(t *testing.T) {
	ctx := context.Background()
	s := openForProperty(t)
	a, err := s.PutAsset(ctx, []byte("first"), "text/plain", "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.PutAsset(ctx, []byte("second"), "text/plain", "b.txt")
	if err != nil {
		t.Fatal(err)
	}
	ref := func(r engine.AssetRef) map[string]any {
		return map[string]any{"asset": r.Asset, "mime": r.Mime, "name": r.Name}
	}
	plain := engine.Graph{Inputs: []engine.InputDecl{{Name: "f", Type: engine.TypeFile, Default: ref(a)}},
		Nodes: []engine.Node{{ID: "n", Type: "text.template", Params: map[string]any{"template": "x"}}}}
	odd := engine.Graph{Nodes: []engine.Node{{ID: "n", Type: "ünï", Params: map[string]any{"w": 256.0, "file": ref(b)}}}}
	if !engine.ReadsBack(plain) {
		t.Fatal("the plain draft does not read back as itself")
	}
	if engine.ReadsBack(odd) {
		t.Fatal("the odd draft reads back as itself")
	}
	for _, tc := range []struct {
		g    engine.Graph
		want []string
	}{{plain, []string{a.Asset}}, {odd, []string{b.Asset}}} {
		if err := s.SaveDraft(ctx, "wf0", tc.g, ""); err != nil {
			t.Fatal(err)
		}
		var got []string
		rows, err := s.r.QueryContext(ctx, `SELECT sha256 FROM draft_assets WHERE workflow_id = 'wf0' ORDER BY sha256`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var sha string
			if err := rows.Scan(&sha); err != nil {
				t.Fatal(err)
			}
			got = append(got, sha)
		}
		rows.Close()
		if !slices.Equal(got, tc.want) {
			t.Errorf("draft assets %v, want %v", got, tc.want)
		}
	}
}
