package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// TestServicesExample runs testdata/services.json headless against local servers standing in
// for a JSON API and an OpenAI-compatible model server (streaming), and checks the streamed
// text reaches the window as stream events and the token usage is the generation's cost.
func TestServicesExample(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"title": "Flowbench ships"}`)
	}))
	defer api.Close()
	var gotPrompt string
	llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		for _, m := range req.Messages {
			if m.Role == "user" {
				gotPrompt = m.Content
			}
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		for _, chunk := range []string{"A ", "tool ", "shipped."} {
			fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":%q}}]}\n\n", chunk)
			fl.Flush()
		}
		fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer llm.Close()

	data, err := os.ReadFile("../testdata/services.json")
	if err != nil {
		t.Fatal(err)
	}
	svc := libraryService(t, memstore.New())
	if _, err := svc.Import(context.Background(), data, ""); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var streamed strings.Builder
	svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventStream && e.NodeID == "ask" {
			mu.Lock()
			streamed.WriteString(e.Text)
			mu.Unlock()
		}
	})
	run := runAndWait(t, svc, engine.RunRequest{Workflow: "Services", Inputs: map[string]any{"api": api.URL, "llm": llm.URL, "model": "test"}})
	if run.Status != engine.RunCompleted {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	if run.Outputs["status"] != int64(200) || run.Outputs["summary"] != "A tool shipped." || gotPrompt != "Summarise: Flowbench ships" {
		t.Fatalf("outputs %v, prompt %q", run.Outputs, gotPrompt)
	}
	mu.Lock()
	if streamed.String() != "A tool shipped." {
		t.Errorf("stream events carried %q", streamed.String())
	}
	mu.Unlock()
	tl, err := svc.NodeTimeline(context.Background(), "Services", "ask")
	if err != nil || len(tl.Generations) != 1 || tl.Generations[0].Cost["total_tokens"] != int64(15) {
		t.Fatalf("cost not recorded: %v %+v", err, tl.Generations)
	}
}
