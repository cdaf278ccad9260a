package cli

import (
	"sync"

	datahome "github.com/flowbench/flowbench/home"
)

// homeCloser closes the data home once: when a command says it needs nothing more of it
// (start: a run's report, while it prints the summary it already holds) or at the end of
// Main (wait). Closing folds what the command wrote into the database file, which takes
// milliseconds proportional to it (a 10,000-node run's summary is printed meanwhile); the
// command still ends only once the home is closed.
type homeCloser struct {
	h    *datahome.Home
	once sync.Once
	done chan struct{}
}

func newHomeCloser(h *datahome.Home) *homeCloser {
	return &homeCloser{h: h, done: make(chan struct{})}
}

// start begins closing the home (once) and returns at once.
func (hc *homeCloser) start() {
	hc.once.Do(func() {
		go func() {
			defer close(hc.done)
			hc.h.Close()
		}()
	})
}

// wait closes the home, or waits for the close start began.
func (hc *homeCloser) wait() {
	hc.start()
	<-hc.done
}
