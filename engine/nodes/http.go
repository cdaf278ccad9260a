package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// Limits of http.request.
const (
	httpDefaultTimeout = 30000    // ms
	httpMaxBody        = 32 << 20 // bytes of response body kept
)

// httpMethods are the methods http.request offers.
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

// httpClient serves http.request and llm.chat. Time limits come from each request's
// context, so the client itself has none.
var httpClient = &http.Client{Transport: newTransport()}

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return t
}

// registerHTTP adds http.request.
func registerHTTP(r *engine.Registry) error {
	return registerAll(r,
		engine.NodeType{
			Type:  "http.request",
			Group: "services",
			Title: "HTTP request",
			Description: "Sends an HTTP request and outputs the status, body and headers of the " +
				"response. Error statuses (4xx, 5xx) are outputs, not failures; an unreachable " +
				"server or a timeout fails the node.",
			Inputs: []engine.Handle{
				{Name: "body", Type: engine.TypeAny,
					Description: "Request body: text is sent as is, an object or array as JSON"},
			},
			Outputs: []engine.Handle{
				{Name: "status", Type: engine.TypeInteger, Description: "HTTP status code, e.g. 200"},
				{Name: "body", Type: engine.TypeString, Description: "Response body as text"},
				{Name: "json", Type: engine.TypeAny, Description: "Parsed body when the response is JSON, else null"},
				{Name: "headers", Type: engine.TypeObject, Description: "Response headers, names in lower case"},
			},
			Params: []engine.ParamSpec{
				{Name: "method", Kind: engine.ParamSelect, Label: "Method", Default: "GET", Options: httpMethods},
				{Name: "url", Kind: engine.ParamString, Label: "URL", Required: true,
					Description: "An http:// or https:// address"},
				{Name: "headers", Kind: engine.ParamJSON, Label: "Headers",
					Description: `Request headers as a JSON object, e.g. {"Accept": "application/json"}`, Check: checkHeaders},
				{Name: "timeout_ms", Kind: engine.ParamInteger, Label: "Timeout (ms)", Default: httpDefaultTimeout,
					Description: "The whole request, body included, must finish within this"},
				{Name: "body", Kind: engine.ParamText, Label: "Body",
					Description: "Sent when the body input is not connected"},
			},
			Deterministic: false,
			Run:           runHTTP,
		},
	)
}

func runHTTP(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	method := strings.ToUpper(in.String("method", "GET"))
	if method == "" {
		method = "GET"
	}
	if !slices.Contains(httpMethods, method) {
		return nil, fmt.Errorf("param %q: %q is not one of %s", "method", method, strings.Join(httpMethods, ", "))
	}
	u, err := httpURL("http.request", in.String("url", ""))
	if err != nil {
		return nil, err
	}
	ms, err := in.Int("timeout_ms", httpDefaultTimeout)
	if err != nil {
		return nil, err
	}
	if ms <= 0 {
		return nil, fmt.Errorf("param %q: %d is not positive", "timeout_ms", ms)
	}
	headers, err := httpHeaders(in.Params["headers"])
	if err != nil {
		return nil, err
	}
	body, contentType, err := httpBody(in)
	if err != nil {
		return nil, err
	}

	limit := time.Duration(ms) * time.Millisecond
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("http.request: %s %s: %w", method, u, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if contentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", contentType)
	}
	// failed explains a transport error: the run's cancellation, our timeout, or the network.
	failed := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("http.request: %s %s: %w", method, u, ctx.Err())
		}
		if errors.Is(err, context.DeadlineExceeded) || rctx.Err() != nil {
			return fmt.Errorf("http.request: %s %s: no complete response within %d ms", method, u, ms)
		}
		return fmt.Errorf("http.request: %s %s: %w", method, u, unwrapURLError(err))
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, failed(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, httpMaxBody+1))
	if err != nil {
		return nil, failed(err)
	}
	if len(data) > httpMaxBody {
		return nil, fmt.Errorf("http.request: %s %s: response body is larger than %d MB", method, u, httpMaxBody>>20)
	}

	var parsed any
	if isJSONType(resp.Header.Get("Content-Type")) && len(bytes.TrimSpace(data)) > 0 {
		if err := engine.UnmarshalJSON(data, &parsed); err != nil {
			in.Log(fmt.Sprintf("response says it is JSON but is not: %v", err))
			parsed = nil
		}
	}
	return map[string]any{
		"status":  resp.StatusCode,
		"body":    strings.ToValidUTF8(string(data), "\uFFFD"),
		"json":    parsed,
		"headers": headerMap(resp.Header),
	}, nil
}

// httpURL checks that raw is an absolute http or https URL; node names the caller in errors.
func httpURL(node, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("param %q is required", "url")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %q is not a URL: %w", node, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%s: %q: only http:// and https:// addresses are allowed", node, raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("%s: %q has no host", node, raw)
	}
	return u.String(), nil
}

// httpHeaders reads the headers param: a JSON object (or its text) of text values.
func httpHeaders(v any) (map[string]string, error) {
	if s, ok := v.(string); ok {
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("param %q: not a JSON object: %w", "headers", err)
		}
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("param %q: want a JSON object of text values, got %s", "headers", typeName(v))
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		switch x.(type) {
		case string, float64, bool, int, int64:
			out[k] = engine.ToText(x)
		case nil:
		default:
			return nil, fmt.Errorf("param %q: header %q: want text, got %s", "headers", k, typeName(x))
		}
	}
	return out, nil
}

// httpBody is the request body and the content type it implies: the body input when it is
// connected (objects and arrays as JSON), else the body param.
func httpBody(in *engine.NodeInput) (io.Reader, string, error) {
	if !in.Connected["body"] {
		if s := in.String("body", ""); s != "" {
			return strings.NewReader(s), "", nil
		}
		return nil, "", nil
	}
	switch v := in.Inputs["body"].(type) {
	case nil:
		return nil, "", nil
	case string:
		return strings.NewReader(v), "", nil
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, "", fmt.Errorf("input %q: not JSON: %w", "body", err)
		}
		return bytes.NewReader(b), "application/json", nil
	}
}

// isJSONType reports whether a Content-Type header names JSON (application/json, …+json).
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// headerMap lists response headers with lower-case names, repeated ones joined by ", ".
func headerMap(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out[strings.ToLower(k)] = strings.Join(h[k], ", ")
	}
	return out
}

// unwrapURLError drops net/http's `Get "url":` prefix; callers name the URL themselves.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
