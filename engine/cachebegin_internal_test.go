package engine

import (
	"context"
	"testing"
	"time"
)

// clockOnly is a GenerationStore that only tells its clock.
type clockOnly struct {
	GenerationStore
	clock GenClock
}

func (s clockOnly) GenerationClock(context.Context) (GenClock, error) { return s.clock, nil }

// TestCacheBeginWaitsForOwnCommits: a run that begins while the store's clock is ahead of the
// index only by batches this process saved (not yet told to the index) keeps the index's hits
// once they are told, rather than reading them back as another process's writes (a store
// that cannot list fingerprints would drop every hit). Writes of another process meanwhile
// still void the hits.
func TestCacheBeginWaitsForOwnCommits(t *testing.T) {
	hit := &Generation{ID: "g1", Seq: 1, Status: GenCompleted, InputFingerprint: "fp-hit"}
	own := []Generation{{ID: "g4", Seq: 4, Status: GenCompleted, InputFingerprint: "fp-4"}, {ID: "g5", Seq: 5, Status: GenCompleted, InputFingerprint: "fp-5"}}
	for _, foreign := range []bool{false, true} {
		c := &cacheIndex{valid: true, clock: GenClock{Writes: 3}, hits: map[string]*Generation{"fp-hit": hit}}
		c.saved(own)
		if foreign { // another process wrote seq 4: this process's batch is 5..6
			c.savedUpTo = 6
		}
		began := make(chan bool, 1)
		go func() { began <- c.begin(context.Background(), clockOnly{clock: GenClock{Writes: 5}}) }()
		batch := own
		if foreign {
			batch = []Generation{{ID: "g5", Seq: 5, Status: GenCompleted, InputFingerprint: "fp-5"}}
		}
		if !foreign { // let begin wait first (it makes told), then tell
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
				c.mu.Lock()
				waiting := c.told != nil
				c.mu.Unlock()
				if waiting {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("begin did not wait for the batches this process saved")
				}
			}
		}
		c.committed(batch)
		select {
		case ok := <-began:
			if !ok {
				t.Fatal("begin could not read the clock")
			}
		case <-time.After(30 * time.Second):
			t.Fatal("begin did not return")
		}
		c.mu.Lock()
		g, valid := c.hits["fp-hit"], c.valid
		c.mu.Unlock()
		switch {
		case !foreign && (g != hit || !valid):
			t.Errorf("own commits: the hit was dropped (valid %v, hit %v)", valid, g)
		case foreign && g == hit:
			t.Error("another process's write meanwhile: the hit was kept")
		}
	}
}
