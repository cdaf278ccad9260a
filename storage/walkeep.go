package storage

/*
typedef struct sqlite3 sqlite3;
int sqlite3_db_config(sqlite3*, int op, ...);

// fbNoCheckpointOnClose sets SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (1006) on db: its close leaves
// the WAL as it is instead of folding it into the database file and deleting it.
static int fbNoCheckpointOnClose(void *db) {
	int set = 0;
	return sqlite3_db_config((sqlite3*)db, 1006, 1, &set);
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// keepWALBytes is the largest WAL a closing store leaves for the next process instead of
// checkpointing it. SQLite's own close, when it is the last connection to the file, copies the
// WAL into the database and deletes it: two fsyncs (the WAL, the database), the WAL's unlink,
// and, in the next process, its first commit makes the WAL again (its header synced, and the
// folder synced for the new file): four fsyncs and two file operations for every short
// command that writes anything (1–4 ms each on a busy disk, most of a small run's time). Left
// in place, the WAL costs the next process that opens the home a read of it to rebuild its
// index (~0.6 ms a MB), and its commits go on appending to it without a sync. Past this size
// the close checkpoints as before (a full run's WAL of many MB would cost more to read again
// than to fold), so the file stays small. Nothing is less safe: a WAL left by a close is the
// same state a killed process leaves, which SQLite recovers by design, and every commit in it
// is as durable as before (synchronous=NORMAL: commits reach the OS, not the disk, either way).
const keepWALBytes = 1 << 20

// walSize is the size of the home's WAL file (0 when there is none).
func (s *Store) walSize() int64 {
	fi, err := os.Stat(s.dbPath + "-wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// keepWALOnClose makes the writer connection's close leave the WAL in place (no checkpoint, no
// unlink), when the WAL is small (keepWALBytes). The store must be closing: nothing else uses
// the writer. It reports whether it did; when it cannot (an unexpected driver), the close
// checkpoints as SQLite does by default.
func (s *Store) keepWALOnClose(ctx context.Context) (bool, error) {
	if n := s.walSize(); n == 0 || n > keepWALBytes {
		return false, nil
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	kept := false
	err = conn.Raw(func(dc any) error {
		db, err := rawHandle(dc)
		if err != nil {
			return err
		}
		if rc := C.fbNoCheckpointOnClose(db); rc != 0 {
			return fmt.Errorf("sqlite3_db_config(NO_CKPT_ON_CLOSE): code %d", int(rc))
		}
		kept = true
		return nil
	})
	return kept, err
}

// rawHandle is the sqlite3* of a go-sqlite3 connection. The driver does not export it; its
// field db holds it. A driver whose connection has no such field is reported (the store then
// closes as SQLite does by default), never guessed at; TestCloseKeepsASmallWAL fails then.
func rawHandle(dc any) (unsafe.Pointer, error) {
	c, ok := dc.(*sqlite3.SQLiteConn)
	if !ok || c == nil {
		return nil, fmt.Errorf("writer connection is %T, not *sqlite3.SQLiteConn", dc)
	}
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer {
		return nil, errors.New("go-sqlite3's connection has no db handle field")
	}
	p := f.UnsafePointer()
	if p == nil {
		return nil, errors.New("writer connection is closed")
	}
	return p, nil
}
