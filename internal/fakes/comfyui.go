package fakes

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// ComfyUIOptions configure a fake ComfyUI server.
type ComfyUIOptions struct {
	// Checkpoints are the checkpoint file names it has (default DefaultComfyCheckpoints).
	Checkpoints []string
	// Polls is how many GET /history/{id} answer "not done yet" before the job completes
	// (default 1), so clients must poll.
	Polls int
}

// DefaultComfyCheckpoints are the checkpoints a fake ComfyUI has by default.
var DefaultComfyCheckpoints = []string{"sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"}

// comfyNodes are the node classes the fake knows: required inputs, and which are output nodes.
var comfyNodes = map[string]struct {
	required []string
	outputs  []string
	output   bool
}{
	"CheckpointLoaderSimple": {required: []string{"ckpt_name"}, outputs: []string{"MODEL", "CLIP", "VAE"}},
	"CLIPTextEncode":         {required: []string{"text", "clip"}, outputs: []string{"CONDITIONING"}},
	"EmptyLatentImage":       {required: []string{"width", "height", "batch_size"}, outputs: []string{"LATENT"}},
	"KSampler": {required: []string{"model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative",
		"latent_image", "denoise"}, outputs: []string{"LATENT"}},
	"VAEDecode": {required: []string{"samples", "vae"}, outputs: []string{"IMAGE"}},
	"VAEEncode": {required: []string{"pixels", "vae"}, outputs: []string{"LATENT"}},
	"LoadImage": {required: []string{"image"}, outputs: []string{"IMAGE", "MASK"}},
	"SaveImage": {required: []string{"images", "filename_prefix"}, output: true},
}

// ComfyUI is a fake ComfyUI server: POST /prompt (API-format graphs, validated like the real
// one), GET /history/{id}, GET /view, POST /upload/image, POST /interrupt, GET /object_info.
type ComfyUI struct {
	opts ComfyUIOptions
	mux  *http.ServeMux

	mu         sync.Mutex
	calls      map[string]int
	jobs       map[string]*comfyJob
	files      map[string][]byte // "type/subfolder/name" → bytes
	interrupts int
	counter    int
	prompts    []map[string]any
	sockets    map[string]*comfySocket // by clientId
}

// comfySocket is a websocket client of /ws, written to by one goroutine at a time.
type comfySocket struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

func (c *comfySocket) send(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.conn.WriteJSON(v)
}

type comfyJob struct {
	polls  int
	width  int
	height int
	key    string
	save   string // id of the SaveImage node
	prefix string
	done   bool
	client string
}

// NewComfyUI returns a fake ComfyUI handler.
func NewComfyUI(opts ComfyUIOptions) *ComfyUI {
	if len(opts.Checkpoints) == 0 {
		opts.Checkpoints = DefaultComfyCheckpoints
	}
	if opts.Polls <= 0 {
		opts.Polls = 1
	}
	f := &ComfyUI{opts: opts, mux: http.NewServeMux(), calls: map[string]int{}, jobs: map[string]*comfyJob{}, files: map[string][]byte{},
		sockets: map[string]*comfySocket{}}
	f.mux.HandleFunc("/ws", f.ws)
	f.mux.HandleFunc("/prompt", f.count("/prompt", http.MethodPost, f.prompt))
	f.mux.HandleFunc("/history/{id}", f.count("/history", http.MethodGet, f.history))
	f.mux.HandleFunc("/view", f.count("/view", http.MethodGet, f.view))
	f.mux.HandleFunc("/upload/image", f.count("/upload/image", http.MethodPost, f.upload))
	f.mux.HandleFunc("/interrupt", f.count("/interrupt", http.MethodPost, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.interrupts++
		f.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	f.mux.HandleFunc("/object_info", f.count("/object_info", http.MethodGet, f.objectInfo))
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	return f
}

// ServeHTTP serves the API.
func (f *ComfyUI) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// Calls is how many requests reached an endpoint ("/prompt", "/history", "/view", …).
func (f *ComfyUI) Calls(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[path]
}

// Interrupts is how many POST /interrupt it received.
func (f *ComfyUI) Interrupts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.interrupts
}

// LastPrompt is the API-format graph of the last accepted /prompt.
func (f *ComfyUI) LastPrompt() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.prompts) == 0 {
		return nil
	}
	return f.prompts[len(f.prompts)-1]
}

func (f *ComfyUI) count(path, method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls[path]++
		f.mu.Unlock()
		if r.Method != method {
			w.Header().Set("Allow", method)
			http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		h(w, r)
	}
}

// promptError is ComfyUI's answer to a prompt it refuses.
func promptError(w http.ResponseWriter, typ, msg, details string, nodeErrors map[string]any) {
	if nodeErrors == nil {
		nodeErrors = map[string]any{}
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"error":       map[string]any{"type": typ, "message": msg, "details": details, "extra_info": map[string]any{}},
		"node_errors": nodeErrors,
	})
}

func (f *ComfyUI) prompt(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<20))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body == nil {
		promptError(w, "invalid_prompt", "Invalid prompt: the body is not a JSON object", "", nil)
		return
	}
	graph, ok := body["prompt"].(map[string]any)
	if !ok {
		promptError(w, "no_prompt", "No prompt provided", "", nil)
		return
	}
	if _, ui := graph["nodes"]; ui {
		if _, links := graph["links"]; links {
			promptError(w, "invalid_prompt", "Cannot execute because a node is missing the class_type property.",
				"Node ID '#nodes'", nil)
			return
		}
	}
	ids := make([]string, 0, len(graph))
	for id := range graph {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	nodeErrors := map[string]any{}
	job := &comfyJob{width: 512, height: 512}
	var keyParts []string
	for _, id := range ids {
		n, _ := graph[id].(map[string]any)
		class, _ := n["class_type"].(string)
		if class == "" {
			promptError(w, "invalid_prompt", "Cannot execute because a node is missing the class_type property.",
				fmt.Sprintf("Node ID '#%s'", id), nil)
			return
		}
		spec, known := comfyNodes[class]
		if !known {
			promptError(w, "invalid_prompt", fmt.Sprintf("Cannot execute because node %s does not exist.", class),
				fmt.Sprintf("Node ID '#%s'", id), nil)
			return
		}
		inputs, _ := n["inputs"].(map[string]any)
		var errs []any
		for _, name := range spec.required {
			v, has := inputs[name]
			if !has {
				errs = append(errs, map[string]any{"type": "required_input_missing", "message": "Required input is missing",
					"details": name, "extra_info": map[string]any{"input_name": name}})
				continue
			}
			if link, isLink := v.([]any); isLink {
				src, _ := link[0].(string)
				if _, ok := graph[src]; !ok || len(link) != 2 {
					errs = append(errs, map[string]any{"type": "bad_linked_input", "message": "Bad linked input, must be a length-2 list of [string, int]",
						"details": name, "extra_info": map[string]any{"input_name": name}})
				}
			}
		}
		switch class {
		case "CheckpointLoaderSimple":
			if ck, _ := inputs["ckpt_name"].(string); !slices.Contains(f.opts.Checkpoints, ck) {
				errs = append(errs, map[string]any{"type": "value_not_in_list", "message": "Value not in list",
					"details":    fmt.Sprintf("ckpt_name: '%v' not in %v", inputs["ckpt_name"], f.opts.Checkpoints),
					"extra_info": map[string]any{"input_name": "ckpt_name"}})
			}
		case "EmptyLatentImage":
			wd, _ := inputs["width"].(json.Number).Int64()
			ht, _ := inputs["height"].(json.Number).Int64()
			job.width, job.height = int(wd), int(ht)
		case "LoadImage":
			name, _ := inputs["image"].(string)
			f.mu.Lock()
			_, has := f.files["input//"+name]
			f.mu.Unlock()
			if !has {
				errs = append(errs, map[string]any{"type": "custom_validation_failed", "message": "Custom validation failed for node",
					"details": "image - Invalid image file: " + name, "extra_info": map[string]any{"input_name": "image"}})
			}
		case "SaveImage":
			job.save = id
			job.prefix, _ = inputs["filename_prefix"].(string)
		}
		keyParts = append(keyParts, fmt.Sprintf("%s:%v", class, inputs))
		if len(errs) > 0 {
			nodeErrors[id] = map[string]any{"errors": errs, "dependent_outputs": []string{}, "class_type": class}
		}
	}
	if job.save == "" {
		promptError(w, "prompt_no_outputs", "Prompt has no outputs", "", nil)
		return
	}
	if len(nodeErrors) > 0 {
		promptError(w, "prompt_outputs_failed_validation", "Prompt outputs failed validation", "", nodeErrors)
		return
	}
	job.key = strings.Join(keyParts, "|")
	job.client, _ = body["client_id"].(string)
	id := newUUID()
	f.mu.Lock()
	f.jobs[id] = job
	f.prompts = append(f.prompts, graph)
	f.counter++
	n := f.counter
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"prompt_id": id, "number": n, "node_errors": map[string]any{}})
}

func (f *ComfyUI) history(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	job, ok := f.jobs[id]
	if !ok || job.polls < f.opts.Polls {
		var sock *comfySocket
		if ok {
			job.polls++
			sock = f.sockets[job.client]
		}
		f.mu.Unlock()
		if sock != nil { // a sampler step per poll, as ComfyUI reports them on its websocket
			sock.send(map[string]any{"type": "progress", "data": map[string]any{"value": job.polls, "max": f.opts.Polls + 1,
				"prompt_id": id, "node": "3"}})
		}
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	name := fmt.Sprintf("%s_%s_.png", job.prefix, id[:8])
	if !job.done {
		f.files["output//"+name] = FakePNG(job.width, job.height, job.key)
		job.done = true
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{id: map[string]any{
		"prompt": []any{},
		"outputs": map[string]any{job.save: map[string]any{"images": []any{
			map[string]any{"filename": name, "subfolder": "", "type": "output"}}}},
		"status": map[string]any{"status_str": "success", "completed": true, "messages": []any{}},
	}})
}

func (f *ComfyUI) view(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	typ := q.Get("type")
	if typ == "" {
		typ = "output"
	}
	f.mu.Lock()
	data, ok := f.files[typ+"/"+q.Get("subfolder")+"/"+q.Get("filename")]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(data)
}

func (f *ComfyUI) upload(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" || r.ParseMultipartForm(64<<20) != nil {
		http.Error(w, "400: Bad Request", http.StatusBadRequest)
		return
	}
	file, hdr, err := r.FormFile("image")
	if err != nil {
		http.Error(w, "400: Bad Request", http.StatusBadRequest)
		return
	}
	data, _ := io.ReadAll(file)
	file.Close()
	sub := r.FormValue("subfolder")
	f.mu.Lock()
	f.files["input/"+sub+"/"+hdr.Filename] = data
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"name": hdr.Filename, "subfolder": sub, "type": "input"})
}

func (f *ComfyUI) objectInfo(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{}
	for class, spec := range comfyNodes {
		req := map[string]any{}
		for _, in := range spec.required {
			req[in] = []any{"*"}
		}
		if class == "CheckpointLoaderSimple" {
			req["ckpt_name"] = []any{f.opts.Checkpoints}
		}
		out[class] = map[string]any{"input": map[string]any{"required": req}, "output": spec.outputs,
			"output_node": spec.output, "name": class, "display_name": class, "category": "fake"}
	}
	writeJSON(w, http.StatusOK, out)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// ws is ComfyUI's /ws?clientId=…: it sends a status message, then the progress of the jobs
// queued with that client_id.
func (f *ComfyUI) ws(w http.ResponseWriter, r *http.Request) {
	client := r.URL.Query().Get("clientId")
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sock := &comfySocket{conn: conn}
	f.mu.Lock()
	f.sockets[client] = sock
	f.mu.Unlock()
	sock.send(map[string]any{"type": "status", "data": map[string]any{"status": map[string]any{"exec_info": map[string]any{"queue_remaining": 0}}, "sid": client}})
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			break
		}
	}
	f.mu.Lock()
	if f.sockets[client] == sock {
		delete(f.sockets, client)
	}
	f.mu.Unlock()
	conn.Close()
}
