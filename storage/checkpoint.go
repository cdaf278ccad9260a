package storage

import (
	"database/sql"
	"time"
)

// checkpointEvery is how often the checkpointer looks for new commits to fold into the
// database file.
const checkpointEvery = time.Second

// checkpointer moves WAL checkpoints off the write path. With synchronous=NORMAL a commit
// does not fsync, but SQLite's automatic checkpoint, run by whichever commit crosses the
// threshold, fsyncs the WAL and the database file: a stall in the middle of saving a
// run's results. The writer connection has automatic checkpoints turned off and this
// goroutine runs a PASSIVE checkpoint (which never blocks readers or the writer) on its
// own connection whenever something was committed since the last one.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
}

func startCheckpointer(db *sql.DB, s *Store) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop(s)
	return c
}

func (c *checkpointer) loop(s *Store) {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	var seen int64 = -1
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// data_version changes when another connection commits; reading it costs no I/O.
		var v int64
		if err := c.db.QueryRow(`PRAGMA data_version`).Scan(&v); err != nil {
			s.log.Warn("reading data_version", "err", err)
			continue
		}
		if v == seen {
			continue
		}
		if _, err := c.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			s.log.Warn("checkpointing", "err", err)
			continue
		}
		seen = v
	}
}

// close stops the goroutine and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

// openCheckpointer makes the checkpointer's own connection pool. The connection itself is
// opened at the first tick: a command that ends within a second (most CLI commands) never
// opens it (the close's own checkpoint folds what it committed), and one that cannot be
// opened is reported there, as a failed checkpoint is.
func openCheckpointer(uri string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", uri+"?_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	return db, nil
}
