package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// TestEngineErrorsSpeakNoCLIFlags: refusals the command line used to word with its flags
// (--node, --value, --into, --api-key-env) say what is wrong in the engine's words; each is
// still ErrInvalid, and the approval choice keeps what an edge needs to ask in its own words.
func TestEngineErrorsSpeakNoCLIFlags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := libraryService(t, memstore.New())
	imp := importGraph(t, svc, "two gates", engine.Graph{
		Nodes: []engine.Node{node("a", "control.approval", nil), node("b", "control.approval", nil)},
	})
	run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	if run.Status != engine.RunPaused {
		t.Fatalf("run %s, want paused at two approvals", run.Status)
	}
	_, errChoice := svc.Approve(ctx, engine.ApproveRequest{RunID: run.ID})
	var choice *engine.ApprovalChoiceError
	if !errors.As(errChoice, &choice) || choice.RunID != run.ID || strings.Join(choice.Pending, ",") != "a,b" {
		t.Fatalf("approve naming no node: %v, want an ApprovalChoiceError listing a and b", errChoice)
	}
	bundle, err := svc.Export(ctx, imp.WorkflowID, "", true)
	if err != nil {
		t.Fatal(err)
	}
	_, errInto := svc.Import(ctx, bundle, imp.WorkflowID)
	_, errURL := svc.SetProvider(ctx, engine.Provider{Name: "local", Kind: "openai", URLs: []string{"http://user:secret@127.0.0.1:1"}})
	if !errors.Is(errURL, engine.ErrURLCredentials) {
		t.Errorf("credentials in a URL: %v, want ErrURLCredentials", errURL)
	}
	for name, err := range map[string]error{"approval choice": errChoice, "bundle into": errInto, "URL credentials": errURL} {
		if !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		} else if strings.Contains(err.Error(), "--") {
			t.Errorf("%s: %q speaks a command-line flag", name, err)
		}
	}
}
