package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Providers returns the service's provider resolver (pools live as long as the service).
func (s *Service) Providers() *Providers { return s.providers }

// ListProviders returns the data home's providers sorted by name.
func (s *Service) ListProviders(ctx context.Context) ([]Provider, error) {
	ps, err := s.store.ListProviders(ctx)
	if err != nil {
		return nil, err
	}
	SortProviders(ps)
	return ps, nil
}

// SetProvider checks p and creates or replaces the provider of that name. It returns the
// provider as stored (defaults filled in).
func (s *Service) SetProvider(ctx context.Context, p Provider) (Provider, error) {
	p, err := NormalizeProvider(p)
	if err != nil {
		return p, err
	}
	if err := s.store.PutProvider(ctx, p); err != nil {
		return p, err
	}
	return p, nil
}

// RemoveProvider deletes a provider; an unknown name is an ErrNotFound naming it.
func (s *Service) RemoveProvider(ctx context.Context, name string) error {
	if err := s.store.DeleteProvider(ctx, name); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("unknown provider %q: %w", name, ErrNotFound)
		}
		return err
	}
	return nil
}

// URLTest is the result of reaching one URL of a provider.
type URLTest struct {
	URL        string   `json:"url"`
	OK         bool     `json:"ok"`
	Models     []string `json:"models"`
	Error      string   `json:"error,omitempty"`
	DurationMS int64    `json:"duration_ms"`
}

// ProviderTest is the result of testing every URL of a provider.
type ProviderTest struct {
	Name string    `json:"name"`
	Kind string    `json:"kind"`
	OK   bool      `json:"ok"`
	URLs []URLTest `json:"urls"`
	// Error is a problem of the provider itself (its API key variable is unset).
	Error string `json:"error,omitempty"`
}

// Status sums a test up in a few words: ok, unreachable, "1 of 2 URLs reachable", or the
// provider's own problem.
func (t ProviderTest) Status() string {
	if t.Error != "" {
		return t.Error
	}
	n := 0
	for _, u := range t.URLs {
		if u.OK {
			n++
		}
	}
	switch {
	case n == len(t.URLs):
		return "ok"
	case n == 0:
		return "unreachable"
	}
	return fmt.Sprintf("%d of %d URLs reachable", n, len(t.URLs))
}

// providerTestTimeout bounds the wait for one URL of a provider test.
const providerTestTimeout = 10 * time.Second

// TestProvider reaches every URL of the named provider at once and lists its models
// (OpenAI GET /v1/models, ComfyUI GET /object_info checkpoints, a1111 GET
// /sdapi/v1/sd-models). An unknown name is an ErrNotFound.
func (s *Service) TestProvider(ctx context.Context, name string, timeout time.Duration) (ProviderTest, error) {
	p, err := s.store.GetProvider(ctx, name)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return ProviderTest{}, fmt.Errorf("unknown provider %q: %w", name, ErrNotFound)
		}
		return ProviderTest{}, err
	}
	return s.providers.Test(ctx, p, timeout), nil
}

// Test reaches every URL of p at once, each bounded by timeout (0: 10 s).
func (ps *Providers) Test(ctx context.Context, p Provider, timeout time.Duration) ProviderTest {
	if timeout <= 0 {
		timeout = providerTestTimeout
	}
	res := ProviderTest{Name: p.Name, Kind: p.Kind, URLs: make([]URLTest, len(p.URLs))}
	key, err := ps.APIKey(p)
	if err != nil {
		res.Error = fmt.Sprintf("environment variable %s (its API key) is not set", p.APIKeyEnv)
		for i, u := range p.URLs {
			res.URLs[i] = URLTest{URL: u, Models: []string{}, Error: "not tried: " + res.Error}
		}
		return res
	}
	var wg sync.WaitGroup
	for i, u := range p.URLs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			start := time.Now()
			models, err := ListModels(cctx, p.Kind, u, key)
			t := URLTest{URL: u, OK: err == nil, Models: models, DurationMS: time.Since(start).Milliseconds()}
			if t.Models == nil {
				t.Models = []string{}
			}
			if err != nil {
				t.Error = err.Error()
			}
			res.URLs[i] = t
		}()
	}
	wg.Wait()
	res.OK = res.Error == ""
	for _, u := range res.URLs {
		res.OK = res.OK && u.OK
	}
	return res
}

// OpenAIBase is the API base of an OpenAI-compatible server given by its address: a URL
// without a path gets /v1 (http://127.0.0.1:11434 → http://127.0.0.1:11434/v1); a URL with a
// path is taken as the API base itself (…/v1, or a proxy's /openai).
func OpenAIBase(server string) string {
	s := strings.TrimRight(server, "/")
	u, err := url.Parse(s)
	if err == nil && (u.Path == "" || u.Path == "/") {
		return s + "/v1"
	}
	return s
}

// maxModelsBody bounds the model list read from a server (ComfyUI's object_info is large).
const maxModelsBody = 64 << 20

// ListModels asks one server of kind for the models it has.
func ListModels(ctx context.Context, kind, server, apiKey string) ([]string, error) {
	var endpoint string
	switch kind {
	case ProviderOpenAI:
		endpoint = OpenAIBase(server) + "/models"
	case ProviderComfyUI:
		endpoint = strings.TrimRight(server, "/") + "/object_info"
	case ProviderA1111:
		endpoint = strings.TrimRight(server, "/") + "/sdapi/v1/sd-models"
	default:
		return nil, fmt.Errorf("unknown provider kind %q", kind)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, err
	}
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("GET %s: no answer in time", endpoint)
		}
		if IsConnectError(err) {
			return nil, fmt.Errorf("cannot reach %s: %s", server, connectCause(err))
		}
		return nil, fmt.Errorf("GET %s: %v", endpoint, unwrapURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxModelsBody))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading the answer: %v", endpoint, err)
	}
	if resp.StatusCode >= 400 {
		return nil, fmt.Errorf("GET %s: HTTP %s: %s", endpoint, resp.Status, ServerMessage(data))
	}
	var models []string
	switch kind {
	case ProviderOpenAI:
		var v struct {
			Data []struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("GET %s: not an OpenAI model list: %v", endpoint, err)
		}
		for _, m := range v.Data {
			models = append(models, m.ID)
		}
	case ProviderComfyUI:
		var v map[string]struct {
			Input struct {
				Required map[string]json.RawMessage `json:"required"`
			} `json:"input"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("GET %s: not ComfyUI's object_info: %v", endpoint, err)
		}
		loader, ok := v["CheckpointLoaderSimple"]
		if !ok {
			return nil, fmt.Errorf("GET %s: no CheckpointLoaderSimple node (is this ComfyUI?)", endpoint)
		}
		var spec []json.RawMessage
		if err := json.Unmarshal(loader.Input.Required["ckpt_name"], &spec); err != nil || len(spec) == 0 {
			return nil, fmt.Errorf("GET %s: CheckpointLoaderSimple has no ckpt_name list", endpoint)
		}
		if err := json.Unmarshal(spec[0], &models); err != nil {
			return nil, fmt.Errorf("GET %s: CheckpointLoaderSimple's ckpt_name is not a list of names", endpoint)
		}
	case ProviderA1111:
		var v []struct {
			Title     string `json:"title"`
			ModelName string `json:"model_name"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("GET %s: not an Automatic1111 model list: %v", endpoint, err)
		}
		for _, m := range v {
			name := m.ModelName
			if name == "" {
				name = m.Title
			}
			models = append(models, name)
		}
	}
	sort.Strings(models)
	return models, nil
}

// unwrapURL drops net/http's "Get \"url\": " prefix, which the messages already say.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ServerMessage extracts the message of an error response: OpenAI's {"error": {"message"}},
// Ollama's and llama.cpp's {"error": "…"}, FastAPI's {"detail": …}, or the text itself.
func ServerMessage(data []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Errors  string          `json:"errors"` // Automatic1111's exception text
		Message string          `json:"message"`
		Detail  any             `json:"detail"`
	}
	if json.Unmarshal(data, &v) == nil {
		switch {
		case len(v.Error) > 0 && string(v.Error) != "null":
			var s string
			if json.Unmarshal(v.Error, &s) == nil {
				if v.Errors != "" {
					return s + ": " + v.Errors
				}
				return s
			}
			var o struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(v.Error, &o) == nil && o.Message != "" {
				return o.Message
			}
			return clip(string(v.Error), 500)
		case v.Message != "":
			return v.Message
		case v.Detail != nil:
			return detailText(v.Detail)
		}
	}
	s := strings.TrimSpace(string(data))
	if s == "" {
		return "(empty answer)"
	}
	return clip(s, 500)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// detailText reads FastAPI's "detail": a string, or validation errors [{"loc", "msg"}].
func detailText(d any) string {
	list, ok := d.([]any)
	if !ok {
		return ToText(d)
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		msg, _ := m["msg"].(string)
		if msg == "" {
			parts = append(parts, ToText(e))
			continue
		}
		var loc []string
		if l, ok := m["loc"].([]any); ok {
			for _, x := range l {
				if s := ToText(x); s != "body" {
					loc = append(loc, s)
				}
			}
		}
		if len(loc) > 0 {
			msg = strings.Join(loc, ".") + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}
