package storage

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/flowbench/flowbench/engine"
)

// The multi-row INSERTs that write generations (saveGenerations): a statement's fixed cost,
// in database/sql and in cgo, was about a third of a generation's write.

// genChunk is how many generations one multi-row INSERT writes (insertGenChunkSQL).
const (
	genChunk      = 32
	genInsertCols = 15
)

// prevSQL is a new generation's prev (migration 0013): the seq of the generation of its node
// written before it in the same batch when there is one (bound, else NULL), else its node's
// head (moved once the batch's rows are in: moveHeadsSQL), so a node written twice in
// one batch names its earlier generation itself.
func prevSQL(prev, workflow, node string) string {
	return "COALESCE(" + prev + ", (SELECT last_seq FROM generation_heads WHERE workflow_id = " + workflow +
		" AND node_id = " + node + "), 0)"
}

// genRowsSQL is the INSERT of rows generations, every value bound in each row (seq, id,
// workflow, node, run, version, status, outputs, error, duration, cost, config, fingerprint,
// created, prev: appendGenArgs).
func genRowsSQL(rows int) string {
	var b strings.Builder
	b.WriteString(insertGenerationHead)
	for k := range rows {
		if k > 0 {
			b.WriteString(",\n\t")
		}
		p := func(i int) string { return "?" + strconv.Itoa(1+k*genInsertCols+i) }
		fmt.Fprintf(&b, "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
			p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), p(12), p(13), prevSQL(p(14), p(2), p(3)))
	}
	return b.String()
}

// insertGenerationHead is the INSERT of generations up to its VALUES.
const insertGenerationHead = `INSERT INTO generations (seq, id, workflow_id, node_id, run_id, version_id, status, outputs,
	error, duration_ms, cost, config_hash, input_fingerprint, created_at, prev) VALUES `

// insertGenerationSQL writes one generation; insertGenChunkSQL genChunk of them. The chunk
// statements (this one and the two below) are made at first use, not at package init: every
// process paid ~0.3 ms for them, and only a run writing genChunk generations at once uses them.
var (
	insertGenerationSQL = genRowsSQL(1)
	insertGenChunkSQL   = sync.OnceValue(func() string { return genRowsSQL(genChunk) })
)

// insertRunChunkSQL is insertGenChunkSQL for genChunk rows of one run: the workflow, run and
// version ids are bound once (?1, ?2, ?3) instead of in every row, a quarter fewer values to
// bind (and for SQLite to copy) per generation.
var insertRunChunkSQL = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(insertGenerationHead)
	for k := range genChunk {
		if k > 0 {
			b.WriteString(",\n\t")
		}
		p := func(i int) string { return "?" + strconv.Itoa(4+k*runChunkCols+i) }
		// seq, id, workflow, node, run, version, status, outputs, error, duration, cost, config, fingerprint, created, prev
		fmt.Fprintf(&b, "(%s, %s, ?1, %s, ?2, ?3, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
			p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), prevSQL(p(11), "?1", p(2)))
	}
	return b.String()
})

// runChunkCols is how many values each row of insertRunChunkSQL binds.
const runChunkCols = genInsertCols - 3

// insertDoneChunkSQL is insertRunChunkSQL for genChunk completed generations of one run with
// no error, no cost and no earlier generation of their node in the batch, the rows of most
// runs: their seqs follow one another from ?4, and the status, error, cost and prev (the
// node's head) are written in the statement, not bound; 7 values a row instead of 12 (each
// bound value is a cgo call and a conversion in database/sql).
var insertDoneChunkSQL = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(insertGenerationHead)
	for k := range genChunk {
		if k > 0 {
			b.WriteString(",\n\t")
		}
		p := func(i int) string { return "?" + strconv.Itoa(5+k*doneChunkCols+i) }
		// seq, id, workflow, node, run, version, status, outputs, error, duration, cost, config, fingerprint, created, prev
		fmt.Fprintf(&b, "(?4 + %d, %s, ?1, %s, ?2, ?3, '%s', %s, '', %s, NULL, %s, %s, %s, %s)",
			k, p(0), p(1), engine.GenCompleted, p(2), p(3), p(4), p(5), p(6), prevSQL("NULL", "?1", p(1)))
	}
	return b.String()
})

// doneChunkCols is how many values each row of insertDoneChunkSQL binds.
const doneChunkCols = 7

// doneChunk reports whether insertDoneChunkSQL can write gens (encoded as enc, one run's):
// all completed, without error, cost or an earlier generation of their node in the batch,
// with seqs that follow one another.
func doneChunk(gens []engine.Generation, enc []encodedGen) bool {
	for i := range gens {
		g, e := &gens[i], &enc[i]
		if g.Status != engine.GenCompleted || g.Error != "" || e.cost.Valid || e.prev != nil || e.seq != enc[0].seq+int64(i) {
			return false
		}
	}
	return true
}

// appendDoneChunkArgs appends the arguments of one generation's row of insertDoneChunkSQL.
func appendDoneChunkArgs(args []any, g *engine.Generation, e *encodedGen) []any {
	return append(args, e.id, g.NodeID, e.outputs, g.DurationMS, g.ConfigHash, g.InputFingerprint, e.created)
}

// oneRun reports whether gens share their workflow, run and version ids.
func oneRun(gens []engine.Generation) bool {
	for i := 1; i < len(gens); i++ {
		if gens[i].WorkflowID != gens[0].WorkflowID || gens[i].RunID != gens[0].RunID || gens[i].VersionID != gens[0].VersionID {
			return false
		}
	}
	return true
}

// appendRunChunkArgs appends the arguments of one generation's row of insertRunChunkSQL.
func appendRunChunkArgs(args []any, g *engine.Generation, e *encodedGen) []any {
	return append(args, e.seq, e.id, g.NodeID, string(g.Status), e.outputs, g.Error, g.DurationMS, e.cost, g.ConfigHash, g.InputFingerprint, e.created, e.prev)
}

// appendGenArgs appends the arguments of one generation's row, in insertGenerationSQL's order.
func appendGenArgs(args []any, g *engine.Generation, e *encodedGen) []any {
	return append(args, e.seq, e.id, g.WorkflowID, g.NodeID, g.RunID, g.VersionID, string(g.Status), e.outputs,
		g.Error, g.DurationMS, e.cost, g.ConfigHash, g.InputFingerprint, e.created, e.prev)
}
