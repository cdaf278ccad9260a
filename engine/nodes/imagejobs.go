// image.generate's server jobs beyond text-to-image: OpenAI image edits (image-to-image),
// Automatic1111 progress and interrupt, and the time limit of a job.
package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// imageJobTimeout is how long an image.generate job may take by default (param timeout_ms).
const imageJobTimeout = 10 * time.Minute

// a1111PollEvery is how often a running Automatic1111 job's progress is asked for.
const a1111PollEvery = 250 * time.Millisecond

// jobTimeout reads a node's timeout_ms param (def when absent).
func jobTimeout(in *engine.NodeInput, def time.Duration) (time.Duration, error) {
	ms, err := in.Int("timeout_ms", int(def.Milliseconds()))
	if err != nil {
		return 0, err
	}
	if ms < 1 {
		return 0, fmt.Errorf("param %q: %d is not positive", "timeout_ms", ms)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// timedOut turns the error of a job whose own time limit passed (while the run goes on) into
// an error naming the node, the URL and the limit.
func timedOut(ctx, job context.Context, err error, srv *aiServer, limit time.Duration) error {
	if err == nil || ctx.Err() != nil || !errors.Is(job.Err(), context.DeadlineExceeded) {
		return err
	}
	what := "the job was abandoned"
	switch srv.kind() {
	case engine.ProviderA1111, engine.ProviderComfyUI:
		what = "the job was interrupted"
	}
	return fmt.Errorf("%s: %s did not finish the job within %s (param timeout_ms); %s", srv.node, srv.url, limit, what)
}

// generateOpenAIEdit is image-to-image on an OpenAI-compatible server: POST /v1/images/edits,
// multipart/form-data with the start image as `image` (its own image type), the prompt, the
// model, n=1, the size and response_format b64_json.
func generateOpenAIEdit(ctx context.Context, srv *aiServer, job imageJob) ([]byte, error) {
	mt, _, err := engine.CheckImage(job.init, 0)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", "image", err)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="image"; filename="image%s"`, extForMime(mt)))
	h.Set("Content-Type", mt)
	fw, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(job.init); err != nil {
		return nil, err
	}
	for _, kv := range [][2]string{{"model", job.model}, {"prompt", job.prompt}, {"n", "1"},
		{"size", fmt.Sprintf("%dx%d", job.width, job.height)}, {"response_format", "b64_json"}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	body, ct := form.Bytes(), mw.FormDataContentType()
	var data []byte
	err = srv.do(ctx, func(ctx context.Context, base string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, engine.OpenAIBase(base)+"/images/edits", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", ct)
		return req, nil
	}, func(resp *http.Response) error {
		data, err = readImagesResponse(resp)
		return err
	})
	return data, err
}

// a1111Progress polls /sdapi/v1/progress while a job runs on base and reports its share done
// to the node; stop ends the polling and waits for it.
func a1111Progress(ctx context.Context, srv *aiServer, base string, in *engine.NodeInput) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(a1111PollEvery)
		defer t.Stop()
		last := 0.0
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			raw, err := srv.send(ctx, http.MethodGet, base+"/sdapi/v1/progress?skip_current_image=true", nil, "", 1<<20)
			if err != nil {
				continue // progress is a nicety: the job's own request says whether it failed
			}
			var v struct {
				Progress float64 `json:"progress"`
			}
			if json.Unmarshal(raw, &v) == nil && v.Progress > last && v.Progress <= 1 {
				last = v.Progress
				in.Progress(v.Progress)
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// a1111Interrupt asks base to stop its running job (a cancelled or timed-out run): the web
// UI keeps generating after its client went away otherwise.
func a1111Interrupt(srv *aiServer, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = srv.send(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/sdapi/v1/interrupt", nil, "", 1<<20)
}
