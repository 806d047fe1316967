# QwenDesk. `make run` sets up and launches the app; `make test` sets up and runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

GOBIN   := $(shell go env GOPATH)/bin
WAILS   := $(GOBIN)/wails
TAGS    := webkit2_41
VERSION ?= $(shell scripts/version.sh)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN     := build/bin/qwendesk
ARTIFACTS ?= $(CURDIR)/build/test-artifacts

.PHONY: all setup run dev build dist bindings test test-mutations test-go test-keychain test-frontend test-decode check-bindings test-e2e test-dev test-install test-fuzz test-cross fuzz bench fake clean

all: build

setup:
	@./scripts/setup.sh

## run: set up, build and launch the app
run: build
	./$(BIN)

## dev: hot-reloading development build (wails dev); DEVFLAGS adds wails dev flags, e.g.
## DEVFLAGS="-devserver localhost:34116"
DEVFLAGS ?=
dev: setup
	$(WAILS) dev -tags $(TAGS) $(DEVFLAGS)

## build: the production binary at build/bin/qwendesk
build: setup
	$(WAILS) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -skipbindings
	@touch frontend/dist/.gitkeep

## dist: release files in build/dist — Linux binary and .deb, Windows .exe and NSIS installer
dist: setup
	VERSION=$(VERSION) ./scripts/dist.sh

## test: everything CI runs
test: setup
	$(MAKE) --no-print-directory test-go test-decode test-fuzz test-cross test-keychain test-frontend check-bindings build test-e2e dist test-install
	@echo "make test: all suites passed"

# The MCP tool layer's tests run against real servers from npm (scripts/mcp-servers.sh).
MCP_SERVERS := $(CURDIR)/build/mcp-servers
test-go:
	go vet -tags $(TAGS) ./...
	./scripts/mcp-servers.sh $(MCP_SERVERS)
	QWENDESK_MCP_SERVERS=$(MCP_SERVERS) go test -tags $(TAGS) -race -count=1 ./...

## test-decode: the decode benchmark's decoders (QwenDesk's and the peers') produce the same
## steps on its stream and on the fault corpus (its own module, so ./... above does not reach it)
test-decode:
	cd bench/decode && go vet ./... && go test -count=1 ./...

## test-mutations: breaks the sanitizer, Stop and the storage error's title on purpose, one at a
## time in a scratch worktree of HEAD, and shows the named tests that catch each (not in make
## test; MUTATION_E2E=1 adds the real-engine sanitizer test)
test-mutations: setup
	./scripts/mutations.sh

## test-cross: the Windows build compiles (pure Go: WebView2 needs no cgo), and every package
## that does not need cgo vets for macOS
test-cross:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o /dev/null .
	GOOS=darwin GOARCH=arm64 go vet ./internal/...

## test-fuzz: every fuzz target briefly (make fuzz runs them longer)
test-fuzz:
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s PDF_FUZZTIME=50x

test-keychain:
	./scripts/keychain-test.sh

test-frontend:
	cd frontend && npm run check && npm test

## check-bindings: the committed frontend/wailsjs must match the Go API (file modes aside:
## wails build and wails generate write the runtime files with different modes)
check-bindings:
	$(WAILS) generate module -tags $(TAGS)
	@if [ -n "$$(git -c core.fileMode=false status --porcelain -- frontend/wailsjs)" ]; then \
		git -c core.fileMode=false status --porcelain -- frontend/wailsjs; git -c core.fileMode=false diff --stat -- frontend/wailsjs; \
		echo "frontend/wailsjs is out of date: run 'make bindings' and commit the result" >&2; exit 1; fi

## bindings: the Wails bindings and frontend/src/lib/contract.gen.ts (types, bound methods,
## events and error kinds written from Go; TestContractIsCurrent fails when it is stale)
bindings: setup
	$(WAILS) generate module -tags $(TAGS)
	UPDATE_CONTRACT=1 go test -tags $(TAGS) -count=1 -run '^TestContractIsCurrent$$' .

## test-e2e: the built binary under Xvfb against the local fake DashScope server (with its
## test-only variants for the hostile-content tests: scripts/e2e-variants.sh; the tool tests
## run the real npm filesystem server, installed here first)
test-e2e:
	mkdir -p $(ARTIFACTS)
	VERSION=$(VERSION) ./scripts/e2e-variants.sh
	./scripts/mcp-servers.sh $(MCP_SERVERS)
	QWENDESK_MCP_SERVERS=$(MCP_SERVERS) ./scripts/e2e.sh $(CURDIR)/$(BIN) $(ARTIFACTS)

## test-dev: make dev in a copy of the working tree under Xvfb; edits SetupScreen.svelte's heading
## there and reads the window until it shows the edit, without a restart (about 2 minutes)
test-dev: setup
	mkdir -p $(ARTIFACTS)
	./scripts/dev-test.sh $(ARTIFACTS)

## test-install: installs the .deb from make dist over an older one (apt), launches the installed
## app under Xvfb, checks the Windows files' icon and version, and installs and uninstalls the
## Windows installer under wine (needs root or sudo)
test-install:
	mkdir -p $(ARTIFACTS)
	VERSION=$(VERSION) ./scripts/test-install.sh build/dist $(ARTIFACTS)

## bench: every benchmark side by side on this machine; one table, written to docs/BENCHMARKS.md.
## A benchmark that fails is reported as not measured; the others still run.
BENCH := $(CURDIR)/build/bench
# The issue's size: 10,000 conversations, 1,000,000 messages (generating it takes ~12 min here,
# once: the store is kept in build/bench-history and reused while scale and seed match);
# HISTORY_SCALE=0.1 for a quick run.
HISTORY_SCALE ?= 1
HISTORY_DIR := $(CURDIR)/build/bench-history/scale-$(HISTORY_SCALE)
# The previous run's results are deleted first: a benchmark that fails leaves no file and shows
# as "not measured", never with an earlier run's figures.
bench: build
	mkdir -p $(BENCH)
	rm -f $(BENCH)/*.json
	-cd bench/decode && go run . -out $(BENCH)/decode.json
	-go run ./cmd/benchlatency -out $(BENCH)/latency.json
	-./scripts/bench-render.sh 3 $(BENCH)/render.json
	-./scripts/bench-app.sh $(CURDIR)/$(BIN) $(BENCH)/app.json
	-./scripts/bench-window.sh "" $(BENCH)/window.json
	-mkdir -p $(HISTORY_DIR) && go run ./cmd/benchhistory -scale $(HISTORY_SCALE) -dir $(HISTORY_DIR) -out $(BENCH)/history.json
	-go run ./cmd/benchdocs -out $(BENCH)/docs.json
	-./scripts/mcp-servers.sh $(MCP_SERVERS) && go run ./cmd/benchtools -servers $(MCP_SERVERS) -out $(BENCH)/tools.json
	go run ./cmd/benchreport -dir $(BENCH) -out docs/BENCHMARKS.md -notes bench/MISSED.md

## fake: a local fake DashScope on 127.0.0.1:8787 for manual runs
fake:
	go run ./cmd/fakedashscope -addr 127.0.0.1:8787

clean:
	rm -rf build/bin build/dist build/test-artifacts frontend/dist/assets frontend/dist/index.html

## fuzz: the fuzz targets for longer (FUZZTIME each, default 2m); crashers land in testdata/fuzz
FUZZTIME ?= 2m
# FuzzPDF starts PDFium in every worker before its first input (~6 s here): a fuzz time must
# leave room for that, or the run ends with "context deadline exceeded" before fuzzing; a
# count of inputs (50x) never does.
PDF_FUZZTIME ?= $(FUZZTIME)
fuzz:
	go test -run XXX -fuzz FuzzSSEDecoder -fuzztime $(FUZZTIME) ./internal/qwen/
	go test -run XXX -fuzz FuzzStreamChunks -fuzztime $(FUZZTIME) ./internal/qwen/
	go test -run XXX -fuzz FuzzFastChunk -fuzztime $(FUZZTIME) ./internal/qwen/
	go test -run XXX -fuzz FuzzCallAssembler -fuzztime $(FUZZTIME) ./internal/qwen/
	go test -run XXX -fuzz FuzzImportJSON -fuzztime $(FUZZTIME) ./internal/store/
	go test -run XXX -fuzz FuzzParse -fuzztime $(FUZZTIME) ./internal/tools/mcpconfig/
	go test -run XXX -fuzz FuzzNames -fuzztime $(FUZZTIME) ./internal/tools/toolname/
	go test -run XXX -fuzz FuzzDecodeText -fuzztime $(FUZZTIME) ./internal/docs/
	go test -run XXX -fuzz FuzzOffice -fuzztime $(FUZZTIME) ./internal/docs/
	go test -run XXX -fuzz FuzzPDF -fuzztime $(PDF_FUZZTIME) ./internal/docs/
