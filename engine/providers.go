package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Provider kinds (SPEC §12): the API a provider's servers speak.
const (
	ProviderOpenAI  = "openai"  // any OpenAI-compatible server: Ollama, llama.cpp, LM Studio, vLLM…
	ProviderComfyUI = "comfyui" // ComfyUI's /prompt API
	ProviderA1111   = "a1111"   // Automatic1111 / Forge / SD.Next /sdapi/v1
)

// ProviderKinds lists the kinds a provider may have.
var ProviderKinds = []string{ProviderOpenAI, ProviderComfyUI, ProviderA1111}

// DefaultProviderName is the provider a fresh data home holds (Ollama on this machine), used
// by nodes that name neither a provider nor a base URL.
const DefaultProviderName = "ollama"

// DefaultProvider is the provider a fresh data home holds.
var DefaultProvider = Provider{Name: DefaultProviderName, Kind: ProviderOpenAI,
	URLs: []string{"http://127.0.0.1:11434"}, Concurrency: 4}

// MaxProviderConcurrency bounds the jobs one URL of a provider may run at once.
const MaxProviderConcurrency = 256

// Provider is a named connection to local AI servers (SPEC §12), kept in the data home and
// never in an exported workflow. Its API key is never stored: APIKeyEnv names the
// environment variable that holds it.
type Provider struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// URLs are the base URLs of the pool's servers (no trailing slash).
	URLs []string `json:"urls"`
	// Concurrency is how many jobs each URL runs at once.
	Concurrency int    `json:"concurrency"`
	APIKeyEnv   string `json:"api_key_env,omitempty"`
}

// ProviderStore keeps the data home's providers.
type ProviderStore interface {
	// ListProviders returns every provider sorted by name.
	ListProviders(ctx context.Context) ([]Provider, error)
	// GetProvider returns the provider named name; ErrNotFound when none.
	GetProvider(ctx context.Context, name string) (Provider, error)
	// PutProvider creates or replaces the provider named p.Name.
	PutProvider(ctx context.Context, p Provider) error
	// DeleteProvider removes a provider; ErrNotFound when none.
	DeleteProvider(ctx context.Context, name string) error
}

// DefaultConcurrency is a kind's jobs per URL when a provider does not say: image servers
// run one job at a time on their GPU, OpenAI-compatible servers batch requests.
func DefaultConcurrency(kind string) int {
	if kind == ProviderOpenAI {
		return 4
	}
	return 1
}

// The patterns are compiled at their first use, not by every process at its start.
var (
	providerNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`) })
	envNameRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
)

// NormalizeProvider checks a provider and returns it in canonical form: URLs without a
// trailing slash and without duplicates, the kind's default concurrency when 0. Every
// problem is an ErrInvalid naming the field and value.
func NormalizeProvider(p Provider) (Provider, error) {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf(format, a...))
	}
	p.Name = strings.TrimSpace(p.Name)
	if !providerNameRE().MatchString(p.Name) {
		bad("provider name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", p.Name)
	}
	p.Kind = strings.ToLower(strings.TrimSpace(p.Kind))
	if !slices.Contains(ProviderKinds, p.Kind) {
		bad("unknown provider kind %q (want one of %s)", p.Kind, strings.Join(ProviderKinds, ", "))
	}
	if len(p.URLs) == 0 {
		bad("provider %q needs at least one URL", p.Name)
	}
	var urls []string
	for _, raw := range p.URLs {
		u, err := NormalizeServerURL(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !slices.Contains(urls, u) {
			urls = append(urls, u)
		}
	}
	p.URLs = urls
	switch {
	case p.Concurrency == 0:
		p.Concurrency = DefaultConcurrency(p.Kind)
	case p.Concurrency < 0 || p.Concurrency > MaxProviderConcurrency:
		bad("concurrency %d: want 1 to %d jobs per URL", p.Concurrency, MaxProviderConcurrency)
	}
	p.APIKeyEnv = strings.TrimSpace(p.APIKeyEnv)
	if p.APIKeyEnv != "" && !envNameRE().MatchString(p.APIKeyEnv) {
		bad("API key variable %q is not an environment variable name (letters, digits and _)", p.APIKeyEnv)
	}
	if len(errs) > 0 {
		return p, fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return p, nil
}

// NormalizeServerURL checks a server's base URL (absolute http or https, with a host, no
// query, fragment or credentials) and drops a trailing slash.
func NormalizeServerURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return "", fmt.Errorf("URL %q is not a URL (want e.g. http://127.0.0.1:8188)", raw)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("URL %q: only http:// and https:// addresses are allowed", raw)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("URL %q has no host", raw)
	case u.User != nil:
		return "", fmt.Errorf("URL %q: %w (the API key is read from an environment variable)", raw, ErrURLCredentials)
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("URL %q: a base URL has no query or fragment", raw)
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("URL %q: port %s is not 1 to 65535", raw, p)
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// IsConnectError reports whether err means the server could not be reached at all (refused
// connection, unknown host, no route): the request never got to it, so another server of
// the pool may take it.
func IsConnectError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Connection is how a node reaches its servers: a provider's pool or one base URL.
type Connection struct {
	// Provider is the provider's settings; Name is "" for a node's base_url.
	Provider Provider
	// APIKey is read from the provider's environment variable ("" when none).
	APIKey string
	Pool   *Pool
}

// Label names the connection in messages and costs: the provider name, else the URL.
func (c *Connection) Label() string {
	if c.Provider.Name != "" {
		return c.Provider.Name
	}
	if len(c.Provider.URLs) > 0 {
		return c.Provider.URLs[0]
	}
	return ""
}

// Providers resolves provider names to connections and keeps one pool per provider, shared
// by every run of the process, so a seed sweep's jobs spread over the pool's URLs.
type Providers struct {
	store    ProviderStore
	now      Clock
	getenv   func(string) string
	keychain Keychain // nil: none

	mu     sync.Mutex
	pools  map[string]*Pool // by provider name
	direct map[string]*Pool // by base URL, for nodes' base_url
}

// NewProviders returns a resolver over store; now and getenv default to the real clock and
// os.Getenv.
func NewProviders(store ProviderStore, now Clock, getenv func(string) string) *Providers {
	if now == nil {
		now = time.Now
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Providers{store: store, now: now, getenv: getenv, pools: map[string]*Pool{}, direct: map[string]*Pool{}}
}

// SetKeychain makes the resolver read API keys of providers without api_key_env from k.
func (ps *Providers) SetKeychain(k Keychain) { ps.keychain = k }

// Store is the provider store the resolver reads.
func (ps *Providers) Store() ProviderStore { return ps.store }

// Resolve returns the connection of the provider named name: its settings, its API key and
// its pool (made again when its URLs or concurrency changed). An unknown name is an
// ErrNotFound; a provider whose API key variable is unset is an ErrInvalid.
func (ps *Providers) Resolve(ctx context.Context, name string) (*Connection, error) {
	if ps == nil || ps.store == nil {
		return nil, fmt.Errorf("provider %q: no providers in this process: %w", name, ErrNotFound)
	}
	p, err := ps.store.GetProvider(ctx, name)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("unknown provider %q (see flowbench providers, or Settings → Providers): %w", name, ErrNotFound)
		}
		return nil, err
	}
	key, err := ps.APIKey(p)
	if err != nil {
		return nil, err
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	pool := ps.pools[p.Name]
	if pool == nil || !pool.sameAs(p.URLs, p.Concurrency) {
		pool = NewPool(p.URLs, p.Concurrency, ps.now)
		ps.pools[p.Name] = pool
	}
	return &Connection{Provider: p, APIKey: key, Pool: pool}, nil
}

// APIKey reads a provider's API key from its environment variable, or, when it names none,
// from the OS keychain (no key when the keychain has none or cannot be used).
func (ps *Providers) APIKey(p Provider) (string, error) {
	if p.APIKeyEnv == "" {
		if ps == nil || ps.keychain == nil {
			return "", nil
		}
		key, err := ps.keychain.Get(p.Name)
		if err != nil {
			return "", nil // no keychain here: the provider is used without a key
		}
		return key, nil
	}
	getenv := os.Getenv
	if ps != nil && ps.getenv != nil {
		getenv = ps.getenv
	}
	key := getenv(p.APIKeyEnv)
	if key == "" {
		return "", fmt.Errorf("provider %q: environment variable %s, which holds its API key, is not set: %w",
			p.Name, p.APIKeyEnv, ErrInvalid)
	}
	return key, nil
}

// Direct returns a connection to one server given by URL (a node's base_url param), with a
// pool of that one URL shared by every node naming it.
func (ps *Providers) Direct(kind, rawURL, apiKey string) (*Connection, error) {
	u, err := NormalizeServerURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	p := Provider{Kind: kind, URLs: []string{u}, Concurrency: MaxProviderConcurrency}
	if ps == nil {
		return &Connection{Provider: p, APIKey: apiKey, Pool: NewPool(p.URLs, p.Concurrency, nil)}, nil
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	pool := ps.direct[u]
	if pool == nil {
		pool = NewPool(p.URLs, p.Concurrency, ps.now)
		ps.direct[u] = pool
	}
	return &Connection{Provider: p, APIKey: apiKey, Pool: pool}, nil
}

// PoolStates returns the state of each URL of a provider's pool in this process, in the
// provider's URL order (idle states when no node has used it yet).
func (ps *Providers) PoolStates(ctx context.Context, name string) ([]URLState, error) {
	c, err := ps.Resolve(ctx, name)
	if err != nil && c == nil {
		p, gerr := ps.store.GetProvider(ctx, name)
		if gerr != nil {
			return nil, err
		}
		return NewPool(p.URLs, p.Concurrency, ps.now).States(), nil
	}
	return c.Pool.States(), nil
}

// SetAsideFor is how long a URL that refused a connection is left out of its pool.
const SetAsideFor = 30 * time.Second

// Pool spreads jobs over a provider's URLs: least busy first, each URL at most at its
// concurrency; a URL that cannot be reached is set aside for SetAsideFor and the job goes to
// another. A Pool is safe for concurrent use.
type Pool struct {
	now Clock

	mu   sync.Mutex
	urls []*poolURL
	seq  int64
	wake chan struct{} // closed (and replaced) whenever a job ends
}

type poolURL struct {
	url        string
	cap        int
	busy       int
	jobs       int64
	last       int64 // seq of the last job started, to break ties in turn
	asideUntil time.Time
	lastErr    string
}

// URLState is one URL of a pool as the window shows it.
type URLState struct {
	URL         string `json:"url"`
	Busy        int    `json:"busy"`
	Concurrency int    `json:"concurrency"`
	Jobs        int64  `json:"jobs"`
	// SetAsideUntil is when a URL that refused a connection comes back (zero when it is in).
	SetAsideUntil time.Time `json:"set_aside_until,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
}

// NewPool returns a pool over urls, each running at most concurrency jobs (at least 1).
func NewPool(urls []string, concurrency int, now Clock) *Pool {
	if now == nil {
		now = time.Now
	}
	if concurrency < 1 {
		concurrency = 1
	}
	p := &Pool{now: now, wake: make(chan struct{})}
	for _, u := range urls {
		p.urls = append(p.urls, &poolURL{url: u, cap: concurrency})
	}
	return p
}

func (p *Pool) sameAs(urls []string, concurrency int) bool {
	if len(urls) != len(p.urls) {
		return false
	}
	for i, u := range p.urls {
		if u.url != urls[i] || u.cap != concurrency {
			return false
		}
	}
	return true
}

// States returns each URL's state, in the pool's order.
func (p *Pool) States() []URLState {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	out := make([]URLState, len(p.urls))
	for i, u := range p.urls {
		out[i] = URLState{URL: u.url, Busy: u.busy, Concurrency: u.cap, Jobs: u.jobs, LastError: u.lastErr}
		if u.asideUntil.After(now) {
			out[i].SetAsideUntil = u.asideUntil
		}
	}
	return out
}

// Do runs call with one of the pool's URLs, waiting while every usable URL is at its
// concurrency (until ctx ends). When call fails to reach its server (IsConnectError), that
// URL is set aside and call is tried on another URL of the pool not tried yet; when every
// URL failed to connect, the error names each one. Any other error is call's.
func (p *Pool) Do(ctx context.Context, call func(ctx context.Context, url string) error) error {
	if len(p.urls) == 0 {
		return fmt.Errorf("the pool has no URL: %w", ErrInvalid)
	}
	tried := map[*poolURL]bool{}
	var failures []URLFailure
	for {
		u, err := p.acquire(ctx, tried)
		if err != nil {
			return err
		}
		if u == nil {
			return &UnreachableError{Failures: failures}
		}
		tried[u] = true
		err = call(ctx, u.url)
		refused := IsConnectError(err) && ctx.Err() == nil
		p.release(u, refused, err)
		if !refused {
			return err
		}
		failures = append(failures, URLFailure{URL: u.url, Cause: connectCause(err), Err: err})
	}
}

// URLFailure is one URL of a pool that could not be reached.
type URLFailure struct {
	URL   string
	Cause string // short: "connection refused", "unknown host h"
	Err   error
}

// UnreachableError is a pool call that reached none of the pool's URLs.
type UnreachableError struct{ Failures []URLFailure }

func (e *UnreachableError) Error() string {
	if len(e.Failures) == 1 {
		return fmt.Sprintf("cannot reach %s: %s", e.Failures[0].URL, e.Failures[0].Cause)
	}
	parts := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		parts[i] = f.URL + ": " + f.Cause
	}
	return "no server of the pool could be reached: " + strings.Join(parts, "; ")
}

// Unwrap is the first failure's error (errors.Is(err, syscall.ECONNREFUSED) holds).
func (e *UnreachableError) Unwrap() error {
	if len(e.Failures) == 0 {
		return nil
	}
	return e.Failures[0].Err
}

// connectCause is the short reason a connection failed.
func connectCause(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "unknown host " + dns.Name
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// acquire takes a slot on the least busy URL not in tried, preferring URLs not set aside
// (a set-aside URL is tried only when no other is left). It returns nil when every URL was
// tried, and waits while the preferred URLs are all at their concurrency.
func (p *Pool) acquire(ctx context.Context, tried map[*poolURL]bool) (*poolURL, error) {
	for {
		p.mu.Lock()
		now := p.now()
		var in, aside []*poolURL
		for _, u := range p.urls {
			if tried[u] {
				continue
			}
			if u.asideUntil.After(now) {
				aside = append(aside, u)
			} else {
				in = append(in, u)
			}
		}
		cands := in
		if len(cands) == 0 {
			cands = aside
		}
		if len(cands) == 0 {
			p.mu.Unlock()
			return nil, nil
		}
		var best *poolURL
		for _, u := range cands {
			if u.busy >= u.cap {
				continue
			}
			if best == nil || u.busy < best.busy || (u.busy == best.busy && u.last < best.last) {
				best = u
			}
		}
		if best != nil {
			p.seq++
			best.busy++
			best.jobs++
			best.last = p.seq
			p.mu.Unlock()
			return best, nil
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wake:
		}
	}
}

// release frees u's slot; a URL that refused is set aside for SetAsideFor.
func (p *Pool) release(u *poolURL, refused bool, err error) {
	p.mu.Lock()
	u.busy--
	if refused {
		u.asideUntil = p.now().Add(SetAsideFor)
		u.lastErr = connectCause(err)
	} else if err == nil {
		u.asideUntil = time.Time{}
		u.lastErr = ""
	}
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
}

// SortProviders orders providers by name.
func SortProviders(ps []Provider) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
}
