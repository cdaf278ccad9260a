// Command fakeserver serves one of Flowbench's fake AI servers (internal/fakes) for the
// end-to-end suite and for trying the generative nodes without a GPU:
//
//	fakeserver -kind openai|a1111|comfyui -addr 127.0.0.1:0 [-api-key KEY]
//
// It prints the base URL it listens on as its first line of output and serves until
// interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/flowbench/flowbench/internal/fakes"
)

func main() {
	kind := flag.String("kind", "openai", "API to serve: openai, a1111 or comfyui")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	key := flag.String("api-key", "", "API key clients must send as a Bearer token")
	dims := flag.Int("dims", 0, "length of embedding vectors (openai; default 8)")
	chatJSON := flag.String("chat-json", "", "the answer to chat requests asking for json_schema output (openai; default {\"echo\": the prompt})")
	models := flag.String("models", "", "comma-separated model names the server knows (openai; default the fakes' own)")
	flag.Parse()
	var modelList []string
	if *models != "" {
		modelList = strings.Split(*models, ",")
	}
	var h http.Handler
	switch *kind {
	case "openai":
		h = fakes.NewOpenAI(fakes.OpenAIOptions{APIKey: *key, EmbeddingDims: *dims, ChatJSON: *chatJSON, Models: modelList})
	case "a1111":
		h = fakes.NewA1111(fakes.A1111Options{})
	case "comfyui":
		h = fakes.NewComfyUI(fakes.ComfyUIOptions{})
	default:
		fmt.Fprintf(os.Stderr, "fakeserver: unknown -kind %q (want openai, a1111 or comfyui)\n", *kind)
		os.Exit(2)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", l.Addr())
	srv := &http.Server{Handler: h}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(1)
	}
}
