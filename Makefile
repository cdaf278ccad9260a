# Flowbench build, test and setup. `make run` and `make test` work on a fresh Debian 12
# machine: `setup` installs what is missing (apt packages, npm modules, Go modules).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

export GOFLAGS ?= -buildvcs=false

GO        ?= go
TAGS      := webkit2_41
# Two binaries (docs/PERFORMANCE.md): build/bin/flowbench is the command users run, every
# subcommand headless and linked without GTK/WebKit (cmd/flowbench); with no subcommand it
# starts build/bin/flowbench-window next to it (the root package), which also runs subcommands.
BIN        := build/bin/flowbench
WINDOW_BIN := build/bin/flowbench-window
# The version both binaries print (and `make dist` names packages by): the git tag without its
# "v" (v0.2.0 → 0.2.0, v0.2.0-3-gabc1234 → 0.2.0-3-gabc1234), or 0.1.0-dev+<sha> with no tag.
# `make VERSION=1.2.3 …` overrides it.
ifneq ($(origin VERSION),command line)
VERSION   := $(or $(shell git describe --tags --always 2>/dev/null | sed -E 's/^v([0-9])/\1/; s/^([0-9a-f]{7,40})$$/0.1.0-dev+\1/'),0.1.0-dev)
endif
LDFLAGS   := -w -s -X github.com/flowbench/flowbench/cli.Version=$(VERSION)
FUZZTIME  ?= 5s
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: cgo + GTK/WebKit headers for the build, Xvfb and friends for the
# window screenshot, Chromium for the browser e2e, ffmpeg for media nodes.
APT_PACKAGES := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev \
	xvfb xauth x11-utils imagemagick xdotool chromium fonts-liberation ffmpeg curl

# Only for `make dist` / `make test-dist`: the Windows cross compiler, NSIS and Wine (64-bit
# only: the Windows build is amd64, so no i386 architecture is needed).
APT_DIST_PACKAGES := gcc-mingw-w64-x86-64 nsis wine wine64

NPM_STAMP := frontend/node_modules/.package-lock.json

.PHONY: build-cli bench-cli print-version window-shots setup setup-apt apt-install setup-dist setup-node setup-go frontend \
	build run test bench bench-ui bindings clean dist \
	test-gofmt test-vet test-lint test-go test-frontend test-fuzz test-build test-screenshot test-e2e \
	test-workflows test-dist

## setup: install missing Debian packages, npm modules and Go modules (idempotent)
setup: setup-apt setup-node setup-go

setup-apt:
	@$(MAKE) --no-print-directory apt-install PKGS="$(APT_PACKAGES)"

## setup-dist: the extra Debian packages `make dist` and `make test-dist` need
setup-dist: setup
	@$(MAKE) --no-print-directory apt-install PKGS="$(APT_DIST_PACKAGES)"

apt-install:
	@missing=""; \
	for p in $(PKGS); do \
	  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

setup-node: $(NPM_STAMP)

$(NPM_STAMP): frontend/package.json $(wildcard frontend/package-lock.json)
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { echo "setup: Node.js 20.19+ and npm 11 are required (node/npm not found)" >&2; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || \
	  { echo "setup: Node.js $$(node --version) is too old; Vite 8 needs 20.19+" >&2; exit 1; }
	cd frontend && npm install --no-audit --no-fund
	@touch $@

setup-go:
	$(GO) mod download

## frontend: type-check and build frontend/dist
frontend: setup-node
	cd frontend && npm run build

## build: build/bin/flowbench (command line, no GUI libraries) and build/bin/flowbench-window
build: frontend build-cli
	$(GO) build -tags desktop,production,$(TAGS) -ldflags "$(LDFLAGS)" -o $(WINDOW_BIN) .

## build-cli: only the command-line binary build/bin/flowbench (no frontend, no WebKit)
build-cli:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/flowbench

## print-version: the version the binaries are stamped with
print-version:
	@echo $(VERSION)

## bench-cli: time CLI commands, light binary vs window binary (docs/PERFORMANCE.md)
bench-cli:
	scripts/bench-cli.sh

## run: set up, build and open the window
run: setup build
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "run: no display (\$$DISPLAY is unset), so the window cannot open." >&2; \
	  echo "     Run this from a desktop session, or take a screenshot under Xvfb:" >&2; \
	  echo "     scripts/screenshot.sh /tmp/flowbench.png" >&2; \
	  exit 1; \
	fi
	./$(BIN)

## window-shots: real-window screenshots (generation grid, plan preview, lens) into docs/
window-shots: build
	scripts/window-views.sh docs

## bindings: regenerate frontend/wailsjs from the bound Go methods
bindings:
	@home=$$(mktemp -d); trap 'rm -rf "$$home" bindgen' EXIT; \
	$(GO) build -tags bindings,$(TAGS) -o bindgen . && FLOWBENCH_HOME="$$home" ./bindgen
	@test -f frontend/wailsjs/go/main/App.d.ts && test -f frontend/wailsjs/runtime/runtime.js
	@echo "bindings: frontend/wailsjs regenerated"

## dist: release artifacts in dist/ (.deb, tarball, Windows exe and installer), see scripts/dist.sh
dist: setup-dist build
	@start=$$(date +%s); VERSION="$(VERSION)" GO="$(GO)" PREBUILT=build/bin scripts/dist.sh; \
	echo "dist: $(VERSION) built in $$(( $$(date +%s) - start )) s"

## test: every check CI runs, in order, with the time each stage took
TEST_STAGES := test-gofmt test-vet test-lint test-go test-frontend test-fuzz test-build test-screenshot test-e2e \
	test-workflows test-dist

test: setup
	@summary=""; total=$$(date +%s); \
	for stage in $(TEST_STAGES); do \
	  echo "==> $$stage"; start=$$(date +%s); \
	  if ! $(MAKE) --no-print-directory $$stage; then \
	    echo "FAILED: $$stage (after $$(( $$(date +%s) - start )) s)" >&2; exit 1; \
	  fi; \
	  summary="$$summary$$(printf '%-16s %4d s' $$stage $$(( $$(date +%s) - start )))\n"; \
	done; \
	echo; echo "Stage timings:"; printf "$$summary"; \
	echo "make test: all stages passed in $$(( $$(date +%s) - total )) s"

test-gofmt:
	@bad=$$(find . -path ./frontend/node_modules -prune -o -path ./.git -prune -o -name '*.go' -print | xargs -r gofmt -l); \
	if [ -n "$$bad" ]; then echo "gofmt: these files need formatting:" >&2; echo "$$bad" >&2; exit 1; fi; \
	echo "gofmt: ok"

test-vet:
	$(GO) vet -tags $(TAGS) ./...

# staticcheck pinned and run through `go run` (no separate install); ESLint with the TypeScript
# and React hooks rules (frontend/eslint.config.js).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

test-lint: setup-node
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...
	cd frontend && npm run lint

test-go:
	$(GO) test -race -tags $(TAGS) ./...

test-frontend: setup-node
	cd frontend && npm run typecheck && npm test

# Every `func FuzzX(` in a _test.go file gets a short run, so new targets are picked up.
test-fuzz:
	@targets=$$( (grep -rE --include='*_test.go' --exclude-dir=node_modules --exclude-dir=testdata \
	  --exclude-dir=.git -o '^func Fuzz[A-Za-z0-9_]*\(' . || true) | sed -E 's/:func (Fuzz[A-Za-z0-9_]*)\($$/ \1/' | sort -u); \
	if [ -z "$$targets" ]; then echo "fuzz: no fuzz targets found"; exit 0; fi; \
	while read -r file fn; do \
	  pkg=./$$(dirname "$${file#./}"); \
	  echo "fuzz: $$pkg $$fn ($(FUZZTIME))"; \
	  rc=0; out=$$($(GO) test -tags $(TAGS) -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) "$$pkg" 2>&1) || rc=$$?; echo "$$out"; \
	  if [ $$rc -ne 0 ] && grep -q 'context deadline exceeded' <<< "$$out" && ! grep -q 'Failing input written' <<< "$$out"; then \
	    echo "fuzz: $$fn stopped on Go's own fuzz deadline before finding anything (a busy machine); once more"; \
	    $(GO) test -tags $(TAGS) -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) "$$pkg" || exit 1; \
	  elif [ $$rc -ne 0 ]; then exit 1; fi; \
	done <<< "$$targets"

test-build: build

test-screenshot:
	scripts/screenshot.sh test-results/screenshot.png

test-e2e:
	scripts/e2e.sh

# The release workflow, checked by actionlint (pinned, run from the Go module proxy).
test-workflows:
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 -no-color .github/workflows/*.yml
	@echo "actionlint: ok"

# Builds the artifacts, then checks the .deb (control, files, dpkg -x and dpkg -i/-r), the
# Windows exe under Wine and the installer (scripts/test-dist.sh).
test-dist: dist
	VERSION="$(VERSION)" scripts/test-dist.sh

## bench: Go benchmarks of engine and storage as a table
bench: setup-go
	scripts/bench.sh

## bench-ui: the window at scale (300 / 2,000 / 10,000 nodes) in Chromium and the real window, as a table
bench-ui: build
	scripts/bench-ui.sh

## clean: remove build outputs (keeps node_modules and frontend/dist/.gitkeep)
clean:
	rm -rf build/bin build/dist dist test-results frontend/test-results bindgen rsrc_windows_*.syso
	find frontend/dist -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
