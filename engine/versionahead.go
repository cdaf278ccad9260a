package engine

import "context"

// versionAhead is a version about to be saved whose storing work that writes nothing is done
// meanwhile, on another core, when the store can do it ahead (VersionPreparer): the caller
// validates the graph (and plans a run of it) while the store encodes it, then add writes it,
// or drop gives it up having written nothing.
type versionAhead struct {
	v    Version
	done chan struct{} // closed when prepared; nil: the store prepares nothing ahead
	p    PreparedVersion
	err  error
}

// saveAhead starts preparing v, a version not stored yet, to be added to s's store.
func (s *Service) saveAhead(v Version) *versionAhead {
	a := &versionAhead{v: v}
	if vp, ok := s.store.(VersionPreparer); ok {
		a.done = make(chan struct{})
		go func() {
			defer close(a.done)
			a.p, a.err = vp.PrepareVersion(v)
		}()
	}
	return a
}

// add stores the version (Store.AddVersion), once prepared.
func (a *versionAhead) add(ctx context.Context, st Store, makeCurrent bool) (Version, error) {
	if a.done == nil {
		return st.AddVersion(ctx, a.v, makeCurrent)
	}
	<-a.done
	if a.err != nil {
		return Version{}, a.err
	}
	return a.p.Add(ctx, makeCurrent)
}

// drop waits for the preparing to end; nothing is written (a nil a is nothing to drop).
func (a *versionAhead) drop() {
	if a != nil && a.done != nil {
		<-a.done
	}
}
