package storetest

import (
	"testing"

	"github.com/flowbench/flowbench/engine"
)

var queueTests = []test{
	{"TakeSlotsOneCapFIFO", testTakeSlotsFIFO},
	{"TakeSlotsPaused", testTakeSlotsPaused},
	{"TakeSlotsDeadOwner", testTakeSlotsDeadOwner},
	{"TakeSlotsLimit", testTakeSlotsLimit},
	{"TakeSlotsWritesEnds", testTakeSlotsWritesEnds},
	{"TakeSlotsWritesStarts", testTakeSlotsWritesStarts},
	{"MoveQueued", testMoveQueued},
}

const pausedKey = "queue_paused"

// ownedRuns creates queued runs of owners, one a second in the order given.
func ownedRuns(t *testing.T, s engine.Store, owners ...string) []engine.Run {
	t.Helper()
	_, v := mkWorkflow(t, s, "Q")
	out := make([]engine.Run, len(owners))
	for i, o := range owners {
		r := mkRun(t, s, v, at(i+1), "")
		r.Owner = o
		must(t, "UpdateRun", s.UpdateRun(ctx(), r))
		out[i] = r
	}
	return out
}

func take(t *testing.T, s engine.Store, owner string, limit, cap int, alive func(string) bool, runs ...engine.Run) []string {
	t.Helper()
	q := make([]string, len(runs))
	for i, r := range runs {
		q[i] = r.ID
	}
	got, err := s.TakeSlots(ctx(), engine.SlotRequest{Owner: owner, Queued: q, Limit: limit, Cap: cap, PausedKey: pausedKey, Alive: alive})
	must(t, "TakeSlots", err)
	return got
}

func everyoneAlive(string) bool { return true }

func finish(t *testing.T, s engine.Store, r engine.Run) {
	t.Helper()
	r.Status = engine.RunCompleted
	must(t, "UpdateRun", s.UpdateRun(ctx(), r))
}

func wantIDs(t *testing.T, what string, got []string, want ...engine.Run) {
	t.Helper()
	w := ids(want, func(r engine.Run) string { return r.ID })
	if len(got) == 0 && len(w) == 0 {
		return
	}
	if !equalStrings(got, w) {
		t.Errorf("%s = %v, want %v", what, got, w)
	}
}

// testTakeSlotsFIFO: two owners share one cap; a freed slot goes to the oldest ready run,
// whoever owns it.
func testTakeSlotsFIFO(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "B", "A", "B", "A")
	a1, b1, a2, b2, a3 := rs[0], rs[1], rs[2], rs[3], rs[4]
	wantIDs(t, "A takes at cap 2", take(t, s, "A", 4, 2, everyoneAlive, a1, a2, a3), a1, a2)
	wantIDs(t, "B takes at a full cap", take(t, s, "B", 4, 2, everyoneAlive, b1, b2))
	finish(t, s, a1)
	must(t, "ReleaseSlot", s.ReleaseSlot(ctx(), a1.ID))
	wantIDs(t, "B takes the freed slot (b1 is older than a3)", take(t, s, "B", 4, 2, everyoneAlive, b1, b2), b1)
	wantIDs(t, "A still holds a2", take(t, s, "A", 4, 2, everyoneAlive, a2, a3), a2)
	// A slot granted in another owner's call is that owner's: a2 finishes, A's call grants
	// b2 (older than a3) and B finds it held.
	finish(t, s, a2) // not released: the sweep frees a run that ended
	wantIDs(t, "A takes after a2 ended", take(t, s, "A", 4, 2, everyoneAlive, a3))
	wantIDs(t, "B finds b2 granted", take(t, s, "B", 4, 2, everyoneAlive, b1, b2), b1, b2)
}

func testTakeSlotsPaused(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "A")
	must(t, "SetSetting", s.SetSetting(ctx(), pausedKey, "1"))
	wantIDs(t, "paused", take(t, s, "A", 4, 4, everyoneAlive, rs...))
	must(t, "SetSetting", s.SetSetting(ctx(), pausedKey, "0"))
	wantIDs(t, "resumed", take(t, s, "A", 4, 4, everyoneAlive, rs...), rs...)
}

// testTakeSlotsDeadOwner: the slots of an owner whose process is gone come back.
func testTakeSlotsDeadOwner(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "A", "B")
	wantIDs(t, "A", take(t, s, "A", 4, 2, everyoneAlive, rs[0], rs[1]), rs[0], rs[1])
	wantIDs(t, "B while A lives", take(t, s, "B", 4, 2, everyoneAlive, rs[2]))
	aDead := func(o string) bool { return o != "A" }
	wantIDs(t, "B once A is gone", take(t, s, "B", 4, 2, aDead, rs[2]), rs[2])
}

// testTakeSlotsLimit: an owner's own limit leaves the cap to others, and runs it did not
// list are never granted to it.
func testTakeSlotsLimit(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "A", "A", "B")
	wantIDs(t, "A at limit 1", take(t, s, "A", 1, 3, everyoneAlive, rs[0], rs[1], rs[2]), rs[0])
	// a release in the same request: rs[0]'s slot goes back (it is still queued here, so
	// only the request's Release can free it) and rs[1] takes it
	got, err := s.TakeSlots(ctx(), engine.SlotRequest{Owner: "A", Queued: []string{rs[1].ID}, Limit: 1, Cap: 1,
		PausedKey: pausedKey, Alive: everyoneAlive, Release: []string{rs[0].ID}})
	must(t, "TakeSlots with Release", err)
	wantIDs(t, "A releasing rs[0] at cap 1", got, rs[1])
	must(t, "ReleaseSlot", s.ReleaseSlot(ctx(), rs[1].ID))
	wantIDs(t, "B gets a slot past A's waiting runs", take(t, s, "B", 4, 3, everyoneAlive, rs[3]), rs[3])
	wantIDs(t, "A listing only its third run", take(t, s, "A", 2, 3, everyoneAlive, rs[0], rs[2]), rs[0], rs[2])
}

// testTakeSlotsWritesEnds: the end records of runs that ended are written in the slot write
// that gives their slots back (and, with no queued run listed, that write only gives back);
// a record that cannot be written refuses the whole write.
func testTakeSlotsWritesEnds(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "A", "A")
	wantIDs(t, "A at cap 1", take(t, s, "A", 4, 1, everyoneAlive, rs...), rs[0])
	end := rs[0]
	end.Status, end.Error, end.Outputs = engine.RunCompleted, "", map[string]any{"result": int64(7)}
	end.Snapshot = engine.Snapshot{Nodes: map[string]engine.NodeRecord{"n": {Status: engine.NodeExecuted, Reasons: []string{}}}}
	done := at(9)
	end.FinishedAt = &done

	// refused as a whole: an end record of a run that does not exist
	ghost := engine.Run{ID: "no-such-run", Status: engine.RunCompleted}
	_, err := s.TakeSlots(ctx(), engine.SlotRequest{Owner: "A", Queued: []string{rs[1].ID, rs[2].ID}, Limit: 4, Cap: 1,
		PausedKey: pausedKey, Alive: everyoneAlive, Release: []string{rs[0].ID}, Ended: []engine.Run{end, ghost}})
	wantErr(t, "an end record of a run that does not exist", err, engine.ErrNotFound)
	got, err := s.GetRun(ctx(), rs[0].ID)
	must(t, "GetRun", err)
	if got.Status != engine.RunQueued {
		t.Fatalf("a refused slot write wrote an end: run is %s", got.Status)
	}
	wantIDs(t, "the refused write gave no slot back", take(t, s, "A", 4, 1, everyoneAlive, rs[1], rs[2]))

	granted, err := s.TakeSlots(ctx(), engine.SlotRequest{Owner: "A", Queued: []string{rs[1].ID, rs[2].ID}, Limit: 4, Cap: 1,
		PausedKey: pausedKey, Alive: everyoneAlive, Release: []string{rs[0].ID}, Ended: []engine.Run{end}})
	must(t, "TakeSlots with an end", err)
	wantIDs(t, "the next run takes the slot given back", granted, rs[1])
	got, err = s.GetRun(ctx(), rs[0].ID)
	must(t, "GetRun", err)
	if got.Status != engine.RunCompleted || got.Outputs["result"] != int64(7) || got.FinishedAt == nil || len(got.Snapshot.Records()) != 1 {
		t.Fatalf("end written with the slot: %s outputs %v finished %v nodes %d", got.Status, got.Outputs, got.FinishedAt, len(got.Snapshot.Records()))
	}

	// giving back only (nothing queued listed): rs[1]'s end and slot, no grant to A
	end1 := rs[1]
	end1.Status = engine.RunFailed
	end1.Error = "boom"
	granted, err = s.TakeSlots(ctx(), engine.SlotRequest{Owner: "A", Limit: 0, Cap: 0, PausedKey: pausedKey, Alive: everyoneAlive,
		Release: []string{rs[1].ID}, Ended: []engine.Run{end1}})
	must(t, "TakeSlots giving back only", err)
	wantIDs(t, "giving back only grants nothing", granted)
	got, err = s.GetRun(ctx(), rs[1].ID)
	must(t, "GetRun", err)
	if got.Status != engine.RunFailed || got.Error != "boom" {
		t.Fatalf("end written by a give-back: %s %q", got.Status, got.Error)
	}
	wantIDs(t, "the slot given back goes to the last run", take(t, s, "A", 4, 1, everyoneAlive, rs[2]), rs[2])
}

// testTakeSlotsWritesStarts: the records that start the runs a take returns are written in
// it (Begin); a run Begin declines is left as it is.
func testTakeSlotsWritesStarts(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "A", "A")
	started := at(20)
	asked := map[string]bool{}
	begin := func(id string) (engine.Run, bool) {
		asked[id] = true
		if id == rs[1].ID {
			return engine.Run{}, false
		}
		for _, r := range rs {
			if r.ID == id {
				r.Status, r.StartedAt = engine.RunRunning, &started
				return r, true
			}
		}
		return engine.Run{}, false
	}
	granted, err := s.TakeSlots(ctx(), engine.SlotRequest{Owner: "A", Queued: []string{rs[0].ID, rs[1].ID, rs[2].ID}, Limit: 2, Cap: 2,
		PausedKey: pausedKey, Alive: everyoneAlive, Begin: begin})
	must(t, "TakeSlots with starts", err)
	wantIDs(t, "granted", granted, rs[0], rs[1])
	if !asked[rs[0].ID] || !asked[rs[1].ID] || asked[rs[2].ID] {
		t.Errorf("Begin asked for %v, want the two granted runs", asked)
	}
	got, err := s.GetRun(ctx(), rs[0].ID)
	must(t, "GetRun", err)
	if got.Status != engine.RunRunning || got.StartedAt == nil || !got.StartedAt.Equal(started) {
		t.Fatalf("start written with the slot: %s %v", got.Status, got.StartedAt)
	}
	for _, r := range rs[1:] {
		got, err := s.GetRun(ctx(), r.ID)
		must(t, "GetRun", err)
		if got.Status != engine.RunQueued {
			t.Fatalf("run %s: %s, want queued (not begun)", r.ID, got.Status)
		}
	}
}

func testMoveQueued(t *testing.T, s engine.Store) {
	rs := ownedRuns(t, s, "A", "A", "A", "A")
	order := func() []string {
		got, err := s.ListRunsByStatus(ctx(), engine.RunQueued)
		must(t, "ListRunsByStatus", err)
		return ids(got, func(r engine.Run) string { return r.ID })
	}
	must(t, "MoveQueued", s.MoveQueued(ctx(), rs[3].ID, 1))
	wantIDs(t, "after moving the last to 1", order(), rs[3], rs[0], rs[1], rs[2])
	must(t, "MoveQueued", s.MoveQueued(ctx(), rs[3].ID, 99))
	wantIDs(t, "after moving it past the end", order(), rs[0], rs[1], rs[2], rs[3])
	must(t, "MoveQueued", s.MoveQueued(ctx(), rs[0].ID, 3))
	wantIDs(t, "after moving the first to 3", order(), rs[1], rs[2], rs[0], rs[3])
	wantIDs(t, "slots follow the order", take(t, s, "A", 4, 2, everyoneAlive, rs...), rs[1], rs[2])
	finish(t, s, rs[3])
	wantErr(t, "moving a finished run", s.MoveQueued(ctx(), rs[3].ID, 1), engine.ErrConflict)
	wantErr(t, "moving an unknown run", s.MoveQueued(ctx(), "nope", 1), engine.ErrNotFound)
}
