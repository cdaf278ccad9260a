package engine

import (
	"context"
	"time"
)

// EventQueue tells the window the data home's queue was paused (Status "paused") or resumed
// ("resumed"), by this process or another one. It names no workflow or run.
const EventQueue EventType = "queue"

// QueueGate is what a process waiting to start runs, or the window, reads of the data home's
// queue on each tick: one read of one settings row and a count of the held run slots.
type QueueGate struct {
	Paused bool
	// Held is how many runs of the data home hold a run slot.
	Held int
}

// drainEvery is how often a process whose runs wait asks for slots although no slot looks
// free: the slots of a process that died are freed by asking (TakeSlots).
const drainEvery = 2 * time.Second

// FollowQueue makes this process read the queue's state on every tick (CancelEvery, 250 ms)
// even when none of its runs waits, and announce a pause or resume made by any process
// (EventQueue): the window's queue overlay shows it.
func (s *Service) FollowQueue() { s.followQueue.Store(true) }

// watchQueue is one tick of following the data home's queue: while runs of this process wait
// (or FollowQueue), one cheap read of the queue's state; a pause or resume made elsewhere is
// applied and announced; and slots are asked for (a write) only when one looks free, the
// queue was just resumed, or drainEvery passed.
func (s *Service) watchQueue(ctx context.Context, lastDrain *time.Time) {
	waiting := s.runs.waiting() > 0
	if !waiting && !s.followQueue.Load() {
		return
	}
	st, err := s.store.QueueGate(ctx, SettingQueuePaused)
	if err != nil {
		return
	}
	resumed := s.applyPaused(st.Paused) && !st.Paused
	if !waiting || st.Paused || resumed { // resuming drains
		return
	}
	if now := time.Now(); st.Held < s.RunCap() || now.Sub(*lastDrain) >= drainEvery {
		*lastDrain = now
		s.runs.drain() // slots another process gave back
	}
}

// applyPaused makes the queue of this process paused or not and announces a change; it
// reports whether p changed what this process had seen.
func (s *Service) applyPaused(p bool) bool {
	s.pausedMu.Lock()
	defer s.pausedMu.Unlock()
	changed := s.pausedSeen != p
	s.pausedSeen = p
	s.runs.SetPaused(p)
	if changed {
		status := "resumed"
		if p {
			status = "paused"
		}
		s.Bus.Emit(Event{Type: EventQueue, Status: status})
	}
	return changed
}
