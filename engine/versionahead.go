package engine

import "context"

// versionAhead is a version about to be saved whose storing work that writes nothing is done
// meanwhile, on another core, when the store can do it ahead (VersionPreparer): the caller
// validates the graph (and plans a run of it) while the store encodes it, then add writes it,
// or drop gives it up having written nothing.
type versionAhead struct {
	v        Version
	prepared *aside[preparedOrError] // nil: the store prepares nothing ahead
}

type preparedOrError struct {
	p   PreparedVersion
	err error
}

// saveAhead starts preparing v, a version not stored yet, to be added to s's store.
func (s *Service) saveAhead(v Version) *versionAhead {
	a := &versionAhead{v: v}
	if vp, ok := s.store.(VersionPreparer); ok {
		a.prepared = goAside(func() preparedOrError {
			p, err := vp.PrepareVersion(v)
			return preparedOrError{p, err}
		})
	}
	return a
}

// add stores the version (Store.AddVersion), once prepared.
func (a *versionAhead) add(ctx context.Context, st Store, makeCurrent bool) (Version, error) {
	if a.prepared == nil {
		return st.AddVersion(ctx, a.v, makeCurrent)
	}
	r := a.prepared.wait()
	if r.err != nil {
		return Version{}, r.err
	}
	return r.p.Add(ctx, makeCurrent)
}

// drop waits for the preparing to end; nothing is written (a nil a is nothing to drop).
func (a *versionAhead) drop() {
	if a != nil && a.prepared != nil {
		a.prepared.discard()
	}
}

// aside is work begun on another goroutine before it is known to be needed.
type aside[T any] struct {
	done     chan struct{}
	out      T
	panicked bool
	panicVal any
}

// goAside begins fn on another goroutine.
func goAside[T any](fn func() T) *aside[T] {
	a := &aside[T]{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer func() {
			if r := recover(); r != nil {
				a.panicked, a.panicVal = true, r
			}
		}()
		a.out = fn()
	}()
	return a
}

// wait returns fn's result once it ends; a panic of fn is raised again here, as if fn had run
// on this goroutine (where a caller's recover, the window binding's, catches it).
func (a *aside[T]) wait() T {
	<-a.done
	if a.panicked {
		panic(a.panicVal)
	}
	return a.out
}

// discard waits for fn to end, its result (or panic) not needed.
func (a *aside[T]) discard() { <-a.done }
