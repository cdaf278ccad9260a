package nodes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// Params every node using an AI server has (SPEC §12): a provider by name, or one server.
var (
	providerParam = engine.ParamSpec{Name: "provider", Kind: engine.ParamString, Label: "Provider",
		Description: "A provider of Settings → Providers (flowbench providers); empty: base_url, else the ollama provider"}
	baseURLParam = engine.ParamSpec{Name: "base_url", Kind: engine.ParamString, Label: "Server",
		Description: "One OpenAI-compatible server instead of a provider, e.g. http://127.0.0.1:11434/v1"}
)

// aiMaxErrorBody is how much of an error response is read for its message.
const aiMaxErrorBody = 64 << 10

// aiServer is the server side of one execution of a generative node.
type aiServer struct {
	node  string // node type, the prefix of its errors
	hint  string // what to start when nothing answers
	conn  *engine.Connection
	start time.Time
	url   string // the pool URL the last call used
}

// connectAI resolves a node's server: its provider param, else its base_url param, else the
// default provider (ollama), else Ollama's address. kinds lists the provider kinds the node
// can drive. apiKey is the node's own key for a base_url (llm.chat's api_key param).
func connectAI(ctx context.Context, in *engine.NodeInput, node, hint string, kinds []string, apiKey string) (*aiServer, error) {
	s := &aiServer{node: node, hint: hint, start: time.Now()}
	name := strings.TrimSpace(in.String("provider", ""))
	base := strings.TrimSpace(in.String("base_url", ""))
	switch {
	case name != "":
		c, err := in.Providers.Resolve(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("%s: param %q: %w", node, "provider", err)
		}
		s.conn = c
	case base != "":
		c, err := in.Providers.Direct(kinds[0], base, apiKey) // a base_url speaks the node's first kind
		if err != nil {
			return nil, fmt.Errorf("%s: param %q: %w", node, "base_url", err)
		}
		s.conn = c
	default:
		c, err := in.Providers.Resolve(ctx, engine.DefaultProviderName)
		if err != nil {
			if !errors.Is(err, engine.ErrNotFound) {
				return nil, fmt.Errorf("%s: %w", node, err)
			}
			if c, err = in.Providers.Direct(engine.ProviderOpenAI, llmDefaultBaseURL, apiKey); err != nil {
				return nil, err
			}
		}
		s.conn = c
	}
	if !slices.Contains(kinds, s.conn.Provider.Kind) {
		return nil, fmt.Errorf("%s: provider %q is of kind %s; this node needs one of kind %s",
			node, s.conn.Label(), s.conn.Provider.Kind, strings.Join(kinds, " or "))
	}
	return s, nil
}

// kind is the API the server speaks.
func (s *aiServer) kind() string { return s.conn.Provider.Kind }

// httpStatusError is a server's answer with status ≥ 400.
type httpStatusError struct {
	status   string
	method   string
	endpoint string
	message  string
}

func (e *httpStatusError) Error() string {
	return fmt.Sprintf("HTTP %s: %s (%s %s)", e.status, e.message, e.method, e.endpoint)
}

// do sends one request to a URL of the pool, waiting for a free slot: build makes the
// request for the server's base URL; read takes a successful response. A URL that refuses
// the connection is set aside and the request goes to another. The error names the node,
// the URL and the cause.
func (s *aiServer) do(ctx context.Context, build func(ctx context.Context, base string) (*http.Request, error),
	read func(resp *http.Response) error) error {
	err := s.conn.Pool.Do(ctx, func(ctx context.Context, base string) error {
		s.url = base
		req, err := build(ctx, base)
		if err != nil {
			return err
		}
		if s.conn.APIKey != "" {
			req.Header.Set("Authorization", "Bearer "+s.conn.APIKey)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 400 {
			data, _ := io.ReadAll(io.LimitReader(resp.Body, aiMaxErrorBody))
			return &httpStatusError{status: resp.Status, method: req.Method, endpoint: req.URL.String(),
				message: engine.ServerMessage(data)}
		}
		return read(resp)
	})
	return s.wrap(ctx, err)
}

// wrap turns an error of a call into the node's error.
func (s *aiServer) wrap(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", s.node, ctx.Err())
	}
	var unreach *engine.UnreachableError
	if errors.As(err, &unreach) {
		if len(unreach.Failures) == 1 {
			return fmt.Errorf("%s: cannot reach %s (%s)", s.node, unreach.Failures[0].URL, s.hint)
		}
		return fmt.Errorf("%s: provider %q: %w", s.node, s.conn.Label(), err)
	}
	var hs *httpStatusError
	if errors.As(err, &hs) {
		return fmt.Errorf("%s: %w", s.node, err)
	}
	if strings.HasPrefix(err.Error(), s.node+":") {
		return err
	}
	return fmt.Errorf("%s: %s: %w", s.node, s.url, unwrapURLError(err))
}

// cost is what a generation records about the server work: provider, URL, model, duration;
// extra adds the seed or tokens.
func (s *aiServer) cost(model string, extra map[string]any) map[string]any {
	c := map[string]any{
		"url":         s.url,
		"model":       model,
		"duration_ms": float64(time.Since(s.start).Milliseconds()),
	}
	if s.conn.Provider.Name != "" {
		c["provider"] = s.conn.Provider.Name
	}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

// readLimited reads a whole response body up to limit bytes; more is an error.
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", what, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the %s is larger than %d MB", what, limit>>20)
	}
	return data, nil
}

// session runs a job of several requests on one URL of the pool, holding its slot for the
// whole job (a ComfyUI prompt, its polling and its download).
func (s *aiServer) session(ctx context.Context, job func(ctx context.Context, base string) error) error {
	err := s.conn.Pool.Do(ctx, func(ctx context.Context, base string) error {
		s.url = base
		return job(ctx, base)
	})
	return s.wrap(ctx, err)
}

// send does one request of a session and returns the response body (at most limit bytes);
// an answer with status ≥ 400 is an *httpStatusError holding the server's message.
func (s *aiServer) send(ctx context.Context, method, endpoint string, body []byte, contentType string, limit int64) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if s.conn.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+s.conn.APIKey)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, aiMaxErrorBody))
		return nil, &httpStatusError{status: resp.Status, method: method, endpoint: endpoint, message: comfyMessage(data)}
	}
	return readLimited(resp.Body, limit, "answer of "+endpoint)
}
