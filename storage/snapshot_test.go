package storage

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

// TestEncodeSnapshotMatchesEncodingJSON: the hand-written snapshot encoder decodes to what
// encoding/json's encoding decodes to, for plain and awkward strings alike.
func TestEncodeSnapshotMatchesEncodingJSON(t *testing.T) {
	for name, s := range map[string]engine.Snapshot{
		"empty":    {},
		"no nodes": {Nodes: map[string]engine.NodeRecord{}},
		"records": {Nodes: map[string]engine.NodeRecord{
			"n1":      {Status: engine.NodeReused, Reasons: []string{}, GenerationID: "0193-abc"},
			"n2":      {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonTarget, engine.ReasonInputsUnchanged}, DurationMS: 42},
			"n3":      {Status: engine.NodeFailed, Error: "bad \"quote\" \\ <tag> & é \x01 \xff", DurationMS: -1},
			"ünïcode": {Status: engine.NodePending},
		}},
		"reused list": {Nodes: map[string]engine.NodeRecord{"t": {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonTarget}}},
			Reused: []engine.ReusedNode{{NodeID: "a", GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd"}, {NodeID: "b", GenerationID: "tmp7"}}},
		"packed": {Nodes: map[string]engine.NodeRecord{
			"plain":       {Status: engine.NodeReused, Reasons: []string{}, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd"},
			"ïd \"x\"":    {Status: engine.NodeReused, Reasons: []string{}, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abce"},
			"upper":       {Status: engine.NodeReused, Reasons: []string{}, GenerationID: "0193F2A4-5B6C-7D8E-9F01-23456789ABCD"},
			"nil reasons": {Status: engine.NodeReused, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd"},
			"with reason": {Status: engine.NodeReused, Reasons: []string{engine.ReasonInputsUnchanged}, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd"},
			"not a uuid":  {Status: engine.NodeReused, Reasons: []string{}, GenerationID: "tmp12"},
		}},
		"approvals": {Nodes: map[string]engine.NodeRecord{"gate": {Status: engine.NodePaused, Reasons: []string{}}},
			Approvals: map[string]engine.Approval{"gate": {Message: "ok?", Value: map[string]any{"x": 1.5}, Decided: true, Approved: true}}},
	} {
		t.Run(name, func(t *testing.T) { checkSnapshotEncoding(t, s) })
	}
}

func checkSnapshotEncoding(t *testing.T, s engine.Snapshot) {
	t.Helper()
	got, packed, err := encodeSnapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(got)) {
		t.Fatalf("not JSON: %s", got)
	}
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var a, b engine.Snapshot
	if err := decodeSnapshot(got, packed, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalRecords(a), normalRecords(b)) || !reflect.DeepEqual(a.Approvals, b.Approvals) {
		t.Errorf("decoded differently:\n got %+v\nwant %+v", a, b)
	}
}

// TestPackedRecords: records without an error whose generation id is a canonical UUID or
// empty pack, with their status and reasons as kinds of a table (a changed run's records are
// all alike: executed for a reason, reused for another), the others stay JSON; the packed part
// of earlier builds (formats 1 and 2) still reads; a packed part that is cut short, of an
// unknown format or of an unknown kind is an error, not a guess.
func TestPackedRecords(t *testing.T) {
	const gen = "0193f2a4-5b6c-7d8e-9f01-23456789abcd"
	s := engine.Snapshot{Nodes: map[string]engine.NodeRecord{
		"a":        {Status: engine.NodeReused, Reasons: []string{}, GenerationID: gen},
		"b":        {Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: gen, DurationMS: 300},
		"reason":   {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonTarget}, GenerationID: gen},
		"nil":      {Status: engine.NodeExecuted, GenerationID: gen},
		"failed":   {Status: engine.NodeFailed, Reasons: []string{}, GenerationID: gen},
		"no gen":   {Status: engine.NodePending, Reasons: []string{engine.ReasonUpstreamChanged, engine.ReasonTarget}},
		"error":    {Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: gen, Error: "x"},
		"negative": {Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: gen, DurationMS: -1},
		"tmp":      {Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: "tmp1"},
	}}
	text, packed, err := encodeSnapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "reason", "nil", "failed", "no gen"} {
		if strings.Contains(text, `"`+id+`"`) {
			t.Errorf("%s in the JSON part: %s", id, text)
		}
	}
	for _, id := range []string{"error", "negative", "tmp"} {
		if !strings.Contains(text, `"`+id+`"`) {
			t.Errorf("%s not in the JSON part: %s", id, text)
		}
	}
	checkSnapshotEncoding(t, s)
	var got engine.Snapshot
	if err := decodeSnapshot(text, packed, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Records(), s.Records()) {
		t.Errorf("decoded %v, want %v", got.Records(), s.Records())
	}

	// A changed run's records: each takes its id and 19 bytes, the JSON part nothing.
	u := uuid.MustParse(gen)
	many := engine.Snapshot{Nodes: map[string]engine.NodeRecord{}}
	for i := range 1000 {
		rec := engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{engine.ReasonUpstreamChanged}, GenerationID: gen, DurationMS: 1}
		if i%2 == 1 {
			rec = engine.NodeRecord{Status: engine.NodeReused, Reasons: []string{engine.ReasonInputsUnchanged}, GenerationID: gen}
		}
		many.Nodes[fmt.Sprintf("n%04d", i)] = rec
	}
	text, packed, err = encodeSnapshot(many)
	if err != nil {
		t.Fatal(err)
	}
	if text != `{"nodes":{}}` || len(packed) > 1000*(1+1+5+16+1)+100 {
		t.Errorf("1,000 records of two kinds: JSON %d bytes, packed %d", len(text), len(packed))
	}
	checkSnapshotEncoding(t, many)

	// Format 1, as an earlier build wrote a run's reused node a; format 2 with a reused node a
	// and node b executed in 300 ms.
	v1 := append([]byte{packedReusedV1, 1, 'a'}, u[:]...)
	var old engine.Snapshot
	if err := decodeSnapshot(`{"nodes":{}}`, v1, &old); err != nil || len(old.Reused) != 1 || old.Reused[0] != (engine.ReusedNode{NodeID: "a", GenerationID: gen}) {
		t.Errorf("format 1 decoded to %+v, %v", old, err)
	}
	v2 := append(append(append(append([]byte{packedV2, packedReused, 1, 'a'}, u[:]...), packedExecuted, 1, 'b'), u[:]...), 0xac, 0x02)
	old = engine.Snapshot{}
	if err := decodeSnapshot(`{"nodes":{}}`, v2, &old); err != nil ||
		!reflect.DeepEqual(old.Records(), map[string]engine.NodeRecord{"a": s.Nodes["a"], "b": s.Nodes["b"]}) {
		t.Errorf("format 2 decoded to %+v, %v", old, err)
	}
	unknownKind := append([]byte{packedV2, 7}, v2[2:]...)
	unknownTag := append(append([]byte{packedV3, 0, 1, 1, 'a'}, u[:]...), 0)
	for name, bad := range map[string][]byte{"cut short": packed[:len(packed)-1], "unknown format": append([]byte{9}, packed[1:]...),
		"unknown kind": unknownKind, "tag of no kind": unknownTag, "v2 cut short": v2[:len(v2)-3]} {
		var got engine.Snapshot
		if err := decodeSnapshot(text, bad, &got); err == nil {
			t.Errorf("%s: decoded without error: %+v", name, got)
		}
	}
}

// normalRecords is every record of a snapshot, sorted reused entries merged in.
func normalRecords(s engine.Snapshot) map[string]engine.NodeRecord {
	out := map[string]engine.NodeRecord{}
	for id, rec := range s.Records() {
		out[id] = rec
	}
	return out
}

// FuzzEncodeSnapshot feeds arbitrary ids, statuses, reasons and errors to the encoder.
func FuzzEncodeSnapshot(f *testing.F) {
	f.Add("n1", "reused", "target", "gen", "", int64(0))
	f.Add("a\"b", "failed", "\\", "<&>", "é\x00\xff", int64(-7))
	f.Fuzz(func(t *testing.T, id, status, reason, gen, msg string, ms int64) {
		checkSnapshotEncoding(t, engine.Snapshot{Nodes: map[string]engine.NodeRecord{
			id:  {Status: engine.NodeStatus(status), Reasons: []string{reason}, GenerationID: gen, DurationMS: ms, Error: msg},
			"x": {Status: engine.NodeStatus(status)},
		}})
	})
}

// TestCanonicalUUID accepts exactly what uuid.UUID.String writes.
func TestCanonicalUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"0193f2a4-5b6c-7d8e-9f01-23456789abcd":   true,
		"00000000-0000-0000-0000-000000000000":   true,
		"0193F2A4-5B6C-7D8E-9F01-23456789ABCD":   false,
		"0193f2a45b6c-7d8e-9f01-23456789abcd-":   false,
		"{0193f2a4-5b6c-7d8e-9f01-23456789abcd}": false,
		"0193f2a4-5b6c-7d8e-9f01-23456789abcg":   false,
		"0193f2a4-5b6c-7d8e-9f01-23456789abc":    false,
		"":                                       false,
	} {
		u, ok := canonicalUUID(s)
		if ok != want || (ok && u.String() != s) {
			t.Errorf("canonicalUUID(%q) = %s, %v; want ok=%v", s, u, ok, want)
		}
	}
}

// FuzzCanonicalUUID: whatever it accepts formats back to itself.
func FuzzCanonicalUUID(f *testing.F) {
	f.Add("0193f2a4-5b6c-7d8e-9f01-23456789abcd")
	f.Add("0193f2a4-5b6c-7d8e-9f01-23456789ABCD")
	f.Fuzz(func(t *testing.T, s string) {
		if u, ok := canonicalUUID(s); ok && u.String() != s {
			t.Errorf("canonicalUUID(%q) accepted, formats as %s", s, u)
		}
	})
}

// FuzzDecodePackedReused: whatever the packed column holds, decoding it errs or succeeds,
// never panics, and what it accepts packs and decodes again to the same list.
func FuzzDecodePackedReused(f *testing.F) {
	_, good, _ := encodeSnapshot(engine.Snapshot{Reused: []engine.ReusedNode{{NodeID: "a", GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd"}}})
	f.Add(good)
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'x'})
	f.Add([]byte{1})
	_, exec, _ := encodeSnapshot(engine.Snapshot{Nodes: map[string]engine.NodeRecord{"e": {Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd", DurationMS: 5}}})
	f.Add(exec)
	f.Add([]byte{2, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'x'})
	_, kinds, _ := encodeSnapshot(engine.Snapshot{Nodes: map[string]engine.NodeRecord{
		"e": {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonChanged}, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd", DurationMS: 5},
		"r": {Status: engine.NodeReused, Reasons: []string{engine.ReasonInputsUnchanged}, GenerationID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd"},
		"p": {Status: engine.NodePending}}})
	f.Add(kinds)
	f.Fuzz(func(t *testing.T, packed []byte) {
		var s engine.Snapshot
		if err := decodeSnapshot(`{"nodes":{}}`, packed, &s); err != nil || len(packed) == 0 {
			return
		}
		text, again, err := encodeSnapshot(engine.Snapshot{Nodes: s.Nodes, Reused: s.Reused})
		var back engine.Snapshot
		if err == nil {
			err = decodeSnapshot(text, again, &back)
		}
		// A record that says no more than an entry of Reused comes back as one.
		if err != nil || !reflect.DeepEqual(back.Records(), s.Records()) {
			t.Errorf("%x decoded to %v %v, then to %v %v (%v)", packed, s.Reused, s.Nodes, back.Reused, back.Nodes, err)
		}
	})
}

// TestDecodeRecordsFastPath: a snapshot of records only, as encodeSnapshot writes it, is read
// without encoding/json to exactly what encoding/json reads; anything else is left to it.
func TestDecodeRecordsFastPath(t *testing.T) {
	s := engine.Snapshot{Nodes: map[string]engine.NodeRecord{
		"n1": {Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: "0193-abc", DurationMS: 7},
		"n2": {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonTarget, engine.ReasonInputsUnchanged}, DurationMS: 42},
		"n3": {Status: engine.NodeFailed, Error: "plain error é", DurationMS: -1},
		"n4": {Status: engine.NodePending},
	}}
	text, _, err := encodeSnapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := decodeRecords(text)
	if !ok {
		t.Fatalf("records-only snapshot not read by the fast path: %s", text)
	}
	var want engine.Snapshot
	if err := decodeInto("run snapshot", text, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want.Nodes) {
		t.Errorf("fast path read\n %+v\nencoding/json read\n %+v", got, want.Nodes)
	}
	if got, ok := decodeRecords(`{"nodes":{}}`); !ok || len(got) != 0 {
		t.Errorf("no records: %v %v", got, ok)
	}
	for _, other := range []string{
		`{"nodes":null}`,
		`{"nodes":{"a":{"status":"failed","reasons":null,"generation_id":"","duration_ms":1,"error":"say \"no\""}}}`,
		`{"nodes":{"a":{"status":"paused","reasons":[],"generation_id":"","duration_ms":0,"error":""}},"approvals":{"a":{}}}`,
		`{"nodes": {}}`,
		`{"nodes":{"a":{"status":"executed","reasons":[],"generation_id":"g","duration_ms":1.5,"error":""}}}`,
		`{"nodes":{"a":{"status":"executed","reasons":[],"generation_id":"g","duration_ms":1,"error":""},"a":{"status":"failed","reasons":[],"generation_id":"g","duration_ms":1,"error":""}}}`,
		`{"nodes":{"a":{"status":"executed","reasons":[],"generation_id":"g","duration_ms":1,"error":""}`,
	} {
		if _, ok := decodeRecords(other); ok {
			t.Errorf("fast path took %s", other)
		}
	}
}
