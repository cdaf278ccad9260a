package engine_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// fakeClock is a settable clock for set-aside expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// refusingURL is the address of a port nothing listens on.
func refusingURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// get is a pool call doing a real GET on the URL.
func get(ctx context.Context, u string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestPoolSpreadsLeastBusyFirstWithinConcurrency(t *testing.T) {
	p := engine.NewPool([]string{"http://a", "http://b"}, 2, nil)
	release := make(chan struct{})
	started := make(chan string, 8)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = p.Do(context.Background(), func(ctx context.Context, u string) error {
				started <- u
				<-release
				return nil
			})
		}()
	}
	count := map[string]int{}
	for range 4 {
		count[<-started]++
	}
	if count["http://a"] != 2 || count["http://b"] != 2 {
		t.Fatalf("4 jobs on a pool of 2 URLs × 2 went %v, want 2 each", count)
	}
	// Every URL is at its concurrency: a fifth job waits, and gives up with its context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Do(ctx, func(context.Context, string) error {
		t.Error("a job ran beyond the pool's concurrency")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting job with a cancelled context: %v, want context.Canceled", err)
	}
	for _, s := range p.States() {
		if s.Busy != 2 || s.Concurrency != 2 {
			t.Fatalf("state %+v, want 2 busy of 2", s)
		}
	}
	close(release)
	wg.Wait()
	for _, s := range p.States() {
		if s.Busy != 0 || s.Jobs != 2 {
			t.Fatalf("state after the jobs %+v, want 0 busy, 2 jobs", s)
		}
	}
}

func TestPoolWaitingJobTakesTheFreedURL(t *testing.T) {
	p := engine.NewPool([]string{"http://a", "http://b"}, 1, nil)
	hold := map[string]chan struct{}{"http://a": make(chan struct{}), "http://b": make(chan struct{})}
	started := make(chan string, 3)
	done := make(chan struct{}, 3)
	run := func() {
		_ = p.Do(context.Background(), func(ctx context.Context, u string) error {
			started <- u
			<-hold[u]
			return nil
		})
		done <- struct{}{}
	}
	go run()
	go run()
	first, second := <-started, <-started
	if first == second {
		t.Fatalf("two jobs on two idle URLs both went to %s", first)
	}
	go run() // waits: both URLs run one job, their concurrency
	close(hold["http://b"])
	<-done
	if u := <-started; u != "http://b" {
		t.Fatalf("the waiting job went to %s, want the freed http://b", u)
	}
	close(hold["http://a"])
	<-done
	<-done
}

func TestPoolSetsAsideARefusingURLAndRetriesOnAnother(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	down := refusingURL(t)
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := engine.NewPool([]string{down, up.URL}, 1, clock.now)

	var mu sync.Mutex
	var tried []string
	call := func(ctx context.Context, u string) error {
		mu.Lock()
		tried = append(tried, u)
		mu.Unlock()
		return get(ctx, u)
	}
	if err := p.Do(context.Background(), call); err != nil {
		t.Fatalf("a job with one refusing URL of two failed: %v", err)
	}
	if len(tried) != 2 || tried[0] != down || tried[1] != up.URL {
		t.Fatalf("first job tried %v, want the refusing URL then the live one", tried)
	}
	st := p.States()
	if st[0].SetAsideUntil.IsZero() || !strings.Contains(st[0].LastError, "refused") {
		t.Fatalf("refusing URL state %+v, want set aside with its cause", st[0])
	}
	if want := clock.now().Add(engine.SetAsideFor); !st[0].SetAsideUntil.Equal(want) {
		t.Fatalf("set aside until %v, want %v", st[0].SetAsideUntil, want)
	}

	// While it is set aside, jobs go straight to the live URL.
	tried = nil
	if err := p.Do(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	if len(tried) != 1 || tried[0] != up.URL {
		t.Fatalf("job during the set-aside tried %v, want only %s", tried, up.URL)
	}

	// After 30 s it is tried again (least recently used first).
	clock.add(engine.SetAsideFor + time.Second)
	tried = nil
	if err := p.Do(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	if len(tried) != 2 || tried[0] != down {
		t.Fatalf("job after the set-aside tried %v, want the refusing URL first again", tried)
	}
}

func TestPoolEveryURLRefusingNamesEachOne(t *testing.T) {
	a, b := refusingURL(t), refusingURL(t)
	p := engine.NewPool([]string{a, b}, 1, nil)
	err := p.Do(context.Background(), get)
	if err == nil {
		t.Fatal("a pool whose every URL refuses succeeded")
	}
	for _, u := range []string{a, b, "connection refused"} {
		if !strings.Contains(err.Error(), u) {
			t.Errorf("error %q does not name %s", err, u)
		}
	}
	// Both set aside: a next job still tries them rather than failing untried.
	n := 0
	_ = p.Do(context.Background(), func(ctx context.Context, u string) error { n++; return get(ctx, u) })
	if n != 2 {
		t.Fatalf("job on a pool with every URL set aside tried %d URLs, want 2", n)
	}
}

func TestPoolOtherErrorsAreNotRetried(t *testing.T) {
	p := engine.NewPool([]string{"http://a", "http://b"}, 1, nil)
	boom := errors.New("HTTP 500")
	n := 0
	err := p.Do(context.Background(), func(context.Context, string) error { n++; return boom })
	if !errors.Is(err, boom) || n != 1 {
		t.Fatalf("Do = %v after %d calls, want the call's error after 1", err, n)
	}
	for _, s := range p.States() {
		if !s.SetAsideUntil.IsZero() {
			t.Fatalf("%s set aside after an HTTP error", s.URL)
		}
	}
}

func TestNormalizeProvider(t *testing.T) {
	p, err := engine.NormalizeProvider(engine.Provider{Name: "gpus", Kind: "ComfyUI",
		URLs: []string{"http://10.0.0.1:8188/", " http://10.0.0.1:8188", "https://gpu.example/comfy/"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != "comfyui" || p.Concurrency != 1 || len(p.URLs) != 2 || p.URLs[1] != "https://gpu.example/comfy" {
		t.Fatalf("normalized %+v", p)
	}
	if p, _ := engine.NormalizeProvider(engine.Provider{Name: "o", Kind: "openai", URLs: []string{"http://x"}}); p.Concurrency != 4 {
		t.Fatalf("openai default concurrency %d, want 4", p.Concurrency)
	}
	bad := []struct {
		p    engine.Provider
		want string
	}{
		{engine.Provider{Name: "x", Kind: "midjourney", URLs: []string{"http://x"}}, `unknown provider kind "midjourney"`},
		{engine.Provider{Name: "x", Kind: "openai", URLs: []string{"ftp://x"}}, `URL "ftp://x"`},
		{engine.Provider{Name: "x", Kind: "openai", URLs: []string{"localhost:8188"}}, `URL "localhost:8188"`},
		{engine.Provider{Name: "x", Kind: "openai", URLs: []string{"http://u:p@x"}}, "credentials"},
		{engine.Provider{Name: "x", Kind: "openai"}, "at least one URL"},
		{engine.Provider{Name: "a b", Kind: "openai", URLs: []string{"http://x"}}, `provider name "a b"`},
		{engine.Provider{Name: "x", Kind: "openai", URLs: []string{"http://x"}, Concurrency: -1}, "concurrency -1"},
		{engine.Provider{Name: "x", Kind: "openai", URLs: []string{"http://x"}, APIKeyEnv: "MY-KEY"}, `"MY-KEY"`},
	}
	for _, tc := range bad {
		_, err := engine.NormalizeProvider(tc.p)
		if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NormalizeProvider(%+v) = %v, want ErrInvalid naming %s", tc.p, err, tc.want)
		}
	}
}

func TestProvidersResolveReadsTheKeyFromTheEnvironment(t *testing.T) {
	st := memstore.New()
	ctx := context.Background()
	p := engine.Provider{Name: "cloud", Kind: "openai", URLs: []string{"http://x"}, Concurrency: 2, APIKeyEnv: "CLOUD_KEY"}
	if err := st.PutProvider(ctx, p); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	ps := engine.NewProviders(st, nil, func(k string) string { return env[k] })
	if _, err := ps.Resolve(ctx, "cloud"); !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "CLOUD_KEY") {
		t.Fatalf("Resolve with the key variable unset: %v, want an error naming CLOUD_KEY", err)
	}
	env["CLOUD_KEY"] = "sk-1"
	c, err := ps.Resolve(ctx, "cloud")
	if err != nil || c.APIKey != "sk-1" {
		t.Fatalf("Resolve = %+v, %v", c, err)
	}
	c2, _ := ps.Resolve(ctx, "cloud")
	if c2.Pool != c.Pool {
		t.Fatal("two resolutions of an unchanged provider got different pools")
	}
	p.URLs = append(p.URLs, "http://y")
	_ = st.PutProvider(ctx, p)
	c3, _ := ps.Resolve(ctx, "cloud")
	if c3.Pool == c.Pool || len(c3.Pool.States()) != 2 {
		t.Fatal("a provider given a second URL kept its old pool")
	}
	if _, err := ps.Resolve(ctx, "nope"); !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("Resolve of an unknown provider: %v", err)
	}
}
