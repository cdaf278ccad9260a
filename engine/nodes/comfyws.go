package nodes

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/flowbench/flowbench/engine"
)

// comfyProgress follows ComfyUI's websocket (/ws?clientId=…) and reports the sampler steps of
// the watched prompt to the node as progress. A server whose websocket does not answer is
// followed through /history alone: progress is a bonus, never a failure. stop closes it.
type comfyProgress struct {
	prompt atomic.Value // string: the prompt id whose progress counts
	conn   *websocket.Conn
	done   chan struct{}
}

// watchComfy connects to base's websocket as clientID.
func watchComfy(ctx context.Context, base, clientID string, in *engine.NodeInput) *comfyProgress {
	p := &comfyProgress{done: make(chan struct{})}
	p.prompt.Store("")
	u, err := url.Parse(strings.TrimRight(base, "/") + "/ws")
	if err != nil {
		close(p.done)
		return p
	}
	u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	u.RawQuery = url.Values{"clientId": {clientID}}.Encode()
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.DefaultDialer.DialContext(dctx, u.String(), http.Header{})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		close(p.done)
		return p
	}
	p.conn = conn
	ready := make(chan struct{}) // ComfyUI greets a client with a status message
	go func() {
		defer close(p.done)
		first := true
		for {
			var m struct {
				Type string `json:"type"`
				Data struct {
					Value    float64 `json:"value"`
					Max      float64 `json:"max"`
					PromptID string  `json:"prompt_id"`
				} `json:"data"`
			}
			_, data, err := conn.ReadMessage()
			if first {
				close(ready)
				first = false
			}
			if err != nil {
				return
			}
			if json.Unmarshal(data, &m) != nil || m.Type != "progress" || m.Data.Max <= 0 {
				continue
			}
			if want := p.prompt.Load().(string); want != "" && m.Data.PromptID != "" && m.Data.PromptID != want {
				continue
			}
			in.Progress(min(m.Data.Value/m.Data.Max, 1))
		}
	}()
	select { // the server knows the client before the job is queued
	case <-ready:
	case <-dctx.Done():
	}
	return p
}

// follow sets the prompt whose progress counts.
func (p *comfyProgress) follow(promptID string) { p.prompt.Store(promptID) }

// stop closes the websocket and waits for its reader.
func (p *comfyProgress) stop() {
	if p.conn != nil {
		p.conn.Close()
	}
	<-p.done
}
