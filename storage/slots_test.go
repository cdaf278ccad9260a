package storage

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestJSONIDs: the ids sent to json_each come back as they went, plain or not.
func TestJSONIDs(t *testing.T) {
	for _, ids := range [][]string{nil, {"r-1_A"}, {"a", "b\"c", "d\\e", "ü", "x\ny"}} {
		s, err := jsonIDs(ids)
		if err != nil {
			t.Fatal(err)
		}
		var back []string
		if err := json.Unmarshal([]byte(s), &back); err != nil {
			t.Fatalf("jsonIDs(%q) = %s: %v", ids, s, err)
		}
		if !slices.Equal(back, ids) && !(len(ids) == 0 && len(back) == 0) {
			t.Fatalf("jsonIDs(%q) = %s, reads back %q", ids, s, back)
		}
	}
}
