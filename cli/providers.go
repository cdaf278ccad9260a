package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// providersHelp is `flowbench providers --help`.
const providersHelp = `usage: flowbench providers [--json]
       flowbench providers set NAME --kind K --url URL [--url URL]... [--concurrency N] [--api-key-env VAR] [--json]
       flowbench providers test NAME [--json]
       flowbench providers remove NAME
       flowbench providers key NAME [--remove]

Providers are the local AI servers nodes use (SPEC §12): kind openai (Ollama, llama.cpp,
LM Studio, vLLM…), comfyui or a1111, one or more URLs (a pool: jobs spread over them, at most
--concurrency at once on each; default 4 for openai, 1 otherwise) and optionally the name of
an environment variable holding the API key (the key itself is never stored).
Alone, lists the providers with whether their servers answer; --json:
{"providers": [{"name", "kind", "urls", "concurrency", "api_key_env", "status"}]}.
set creates or changes a provider (an existing one keeps what is not given; --url replaces
its URLs). test reaches every URL and lists the models each has (exit 1 when one fails).
key reads an API key from standard input and keeps it in the OS keychain (macOS Keychain,
Windows Credential Manager, the Secret Service on Linux), never in the database; a provider
without --api-key-env uses it. Exit 1 when no keychain can be used here; --remove deletes it.
`

// providerStatusTimeout bounds the reachability check of the provider list.
const providerStatusTimeout = 3 * time.Second

// providerJSON is a provider as `providers --json` shows it.
type providerJSON struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	URLs        []string `json:"urls"`
	Concurrency int      `json:"concurrency"`
	APIKeyEnv   string   `json:"api_key_env,omitempty"`
	Status      string   `json:"status,omitempty"`
}

func toProviderJSON(p engine.Provider, status string) providerJSON {
	return providerJSON{Name: p.Name, Kind: p.Kind, URLs: p.URLs, Concurrency: p.Concurrency, APIKeyEnv: p.APIKeyEnv, Status: status}
}

func (c *cmd) providersCmd(args []string) (int, error) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "set":
			return c.providersSet(args[1:])
		case "test":
			return c.providersTest(args[1:])
		case "remove", "rm":
			return c.providersRemove(args[1:])
		case "key":
			return c.providersKey(args[1:])
		}
		return 0, usageErr("unknown providers subcommand %q (want set, test, key or remove)", args[0])
	}
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) > 0 {
		return 0, usageErr("unexpected argument %q", p.pos[0])
	}
	ps, err := c.svc.ListProviders(c.ctx)
	if err != nil {
		return 0, err
	}
	statuses := make([]string, len(ps))
	var wg sync.WaitGroup
	for i, pr := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.svc.Providers().Test(c.ctx, pr, providerStatusTimeout).Status()
		}()
	}
	wg.Wait()
	if p.has("json") {
		items := make([]providerJSON, len(ps))
		for i, pr := range ps {
			items[i] = toProviderJSON(pr, statuses[i])
		}
		return 0, c.json(map[string]any{"providers": items})
	}
	if len(ps) == 0 {
		c.printf("no providers: flowbench providers set NAME --kind openai --url http://127.0.0.1:11434\n")
	}
	for i, pr := range ps {
		key := ""
		if pr.APIKeyEnv != "" {
			key = "  key from $" + pr.APIKeyEnv
		} else if in, _ := c.svc.ProviderKeyInKeychain(pr.Name); in {
			key = "  key in the OS keychain"
		}
		c.printf("%s  %s  %s  ×%d%s  — %s\n", pr.Name, pr.Kind, strings.Join(pr.URLs, " "), pr.Concurrency, key, statuses[i])
	}
	return 0, nil
}

func (c *cmd) providersSet(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"kind": true, "url": true, "concurrency": true, "api-key-env": true, "json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) != 1 {
		return 0, usageErr("usage: flowbench providers set NAME --kind K --url URL [--url URL]... [--concurrency N] [--api-key-env VAR]")
	}
	name := p.pos[0]
	pr, err := c.svc.Store().GetProvider(c.ctx, name)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		pr = engine.Provider{Name: name}
		if !p.has("kind") {
			return 0, usageErr("provider %q is new: --kind is required (one of %s)", name, strings.Join(engine.ProviderKinds, ", "))
		}
		if !p.has("url") {
			return 0, usageErr("provider %q is new: --url is required", name)
		}
	case err != nil:
		return 0, err
	}
	if p.has("kind") {
		kind := p.str("kind")
		if kind != pr.Kind && !p.has("concurrency") {
			pr.Concurrency = 0 // the new kind's default
		}
		pr.Kind = kind
	}
	if p.has("url") {
		pr.URLs = p.flags["url"]
	}
	if p.has("concurrency") {
		n, err := strconv.Atoi(strings.TrimSpace(p.str("concurrency")))
		if err != nil || n < 1 {
			return 0, usageErr("--concurrency %q: want a whole number ≥ 1", p.str("concurrency"))
		}
		pr.Concurrency = n
	}
	if p.has("api-key-env") {
		pr.APIKeyEnv = strings.TrimPrefix(p.str("api-key-env"), "$")
	}
	saved, err := c.svc.SetProvider(c.ctx, pr)
	if errors.Is(err, engine.ErrURLCredentials) {
		return 0, fmt.Errorf("%w; name its variable with --api-key-env", err)
	}
	if err != nil {
		return 0, err
	}
	if p.has("json") {
		return 0, c.json(toProviderJSON(saved, ""))
	}
	c.printf("provider %s: %s at %s, %d at once per URL\n", saved.Name, saved.Kind, strings.Join(saved.URLs, ", "), saved.Concurrency)
	return 0, nil
}

func (c *cmd) providersTest(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"json": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) != 1 {
		return 0, usageErr("usage: flowbench providers test NAME [--json]")
	}
	res, err := c.svc.TestProvider(c.ctx, p.pos[0], 0)
	if err != nil {
		return 0, err
	}
	code := ExitOK
	if !res.OK {
		code = ExitFailed
	}
	if p.has("json") {
		return code, c.json(res)
	}
	c.printf("provider %s (%s): %s\n", res.Name, res.Kind, res.Status())
	for _, u := range res.URLs {
		if !u.OK {
			c.printf("  %s  FAILED: %s\n", u.URL, u.Error)
			continue
		}
		models := "no models"
		if len(u.Models) > 0 {
			models = strconv.Itoa(len(u.Models)) + " models: " + strings.Join(u.Models, ", ")
		}
		c.printf("  %s  ok (%d ms), %s\n", u.URL, u.DurationMS, models)
	}
	return code, nil
}

func (c *cmd) providersRemove(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{})
	if err != nil {
		return 0, err
	}
	if len(p.pos) != 1 {
		return 0, usageErr("usage: flowbench providers remove NAME")
	}
	if err := c.svc.RemoveProvider(c.ctx, p.pos[0]); err != nil {
		return 0, err
	}
	c.printf("provider %s removed\n", p.pos[0])
	return 0, nil
}

// providersKey is `providers key NAME [--remove]`: keeps the API key read from standard
// input (never from the command line, which shells keep in their history) in the OS keychain,
// or removes it.
func (c *cmd) providersKey(args []string) (int, error) {
	p, err := parseArgs(args, flagSpec{"remove": false})
	if err != nil {
		return 0, err
	}
	if len(p.pos) != 1 {
		return 0, usageErr("usage: flowbench providers key NAME [--remove]   (the key is read from standard input)")
	}
	name := p.pos[0]
	if p.has("remove") {
		if err := c.svc.SetProviderKey(c.ctx, name, ""); err != nil {
			return 0, err
		}
		c.printf("API key of provider %s removed from the OS keychain\n", name)
		return 0, nil
	}
	line, err := bufio.NewReader(io.LimitReader(c.stdin(), 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("reading the API key from standard input: %w", err)
	}
	key := strings.TrimSpace(line)
	if key == "" {
		return 0, usageErr("no API key on standard input (echo \"$KEY\" | flowbench providers key %s)", name)
	}
	if err := c.svc.SetProviderKey(c.ctx, name, key); err != nil {
		return 0, err
	}
	c.printf("API key of provider %s kept in the OS keychain\n", name)
	return 0, nil
}
