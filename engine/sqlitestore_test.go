package engine_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/storage"
)

// sqliteStore opens a SQLite store on a new data home, closed when the test ends.
func sqliteStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
