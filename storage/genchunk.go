package storage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// The multi-row INSERTs that write generations (saveGenerations): a statement's fixed cost,
// in database/sql and in cgo, was about a third of a generation's write.

// genChunk is how many generations one multi-row INSERT writes (insertGenChunkSQL).
const (
	genChunk      = 32
	genInsertCols = 13
)

// insertGenChunkSQL is insertGenerationSQL for genChunk rows.
var insertGenChunkSQL = insertGenerationSQL + strings.Repeat(",\n\t(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", genChunk-1)

// insertRunChunkSQL is insertGenChunkSQL for genChunk rows of one run: the workflow, run and
// version ids are bound once (?1, ?2, ?3) instead of in every row, a quarter fewer values to
// bind (and for SQLite to copy) per generation.
var insertRunChunkSQL = func() string {
	var b strings.Builder
	b.WriteString(insertGenerationSQL[:strings.Index(insertGenerationSQL, "VALUES")])
	b.WriteString("VALUES ")
	for k := range genChunk {
		if k > 0 {
			b.WriteString(",\n\t")
		}
		p := func(i int) string { return "?" + strconv.Itoa(4+k*runChunkCols+i) }
		// id, workflow, node, run, version, status, outputs, error, duration, cost, config, fingerprint, created
		fmt.Fprintf(&b, "(%s, ?1, %s, ?2, ?3, %s, %s, %s, %s, %s, %s, %s, %s)",
			p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9))
	}
	return b.String()
}()

// runChunkCols is how many values each row of insertRunChunkSQL binds.
const runChunkCols = genInsertCols - 3

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
	return append(args, e.id, g.NodeID, string(g.Status), e.outputs, g.Error, g.DurationMS, e.cost, g.ConfigHash, g.InputFingerprint, e.created)
}

// appendGenArgs appends the arguments of one generation's row, in insertGenerationSQL's order.
func appendGenArgs(args []any, g *engine.Generation, e *encodedGen) []any {
	return append(args, e.id, g.WorkflowID, g.NodeID, g.RunID, g.VersionID, string(g.Status), e.outputs,
		g.Error, g.DurationMS, e.cost, g.ConfigHash, g.InputFingerprint, e.created)
}
