# Ralex — the two commands of the README, and their parts.
#
#   make demo   set up (toolchain target, plugins, binary) and run the main job:
#               a command through the pipeline, as a dry run, on the sample project
#   make test   set up and run the whole test suite (what CI runs)

CARGO ?= cargo
RALEX := target/debug/ralex
SAMPLE := tests/fixtures/inventory
COMMAND ?= add a docstring to parse config dot py

OPENCODE_VERSION ?= 1.18.33
OPENCODE := target/tools/node_modules/.bin/opencode
PLAYWRIGHT_VERSION ?= 1.64.1
PLAYWRIGHT := target/tools/node_modules/playwright-core/package.json
PYTOOLS := target/tools/py/bin/python
COMPONENTIZE_PY := target/tools/py/bin/componentize-py

.PHONY: setup demo test bench lint tools

setup:
	rustup target add wasm32-wasip2
	$(CARGO) xtask plugins
	$(CARGO) build -p ralex -p ralex-mcp -p ralex-model-testserver --bins

demo: setup
	RALEX_HOME=$${RALEX_HOME:-$(CURDIR)/.ralex-home} $(RALEX) run "$(COMMAND)" --project $(SAMPLE) --dry-run --json

# Tools the tests drive for real: the OpenCode CLI (from npm), for the OpenCode
# agent back end's tests; playwright-core (from npm; it drives Debian's
# Chromium) for the web UI's tests; the official `openai` Python SDK and
# schemathesis (from PyPI), for the gateway's tests; componentize-py (from PyPI)
# for the Python example plugin.
tools: $(OPENCODE) $(PLAYWRIGHT) $(PYTOOLS) $(COMPONENTIZE_PY)

$(OPENCODE):
	npm install --no-audit --no-fund --loglevel=error --prefix target/tools opencode-ai@$(OPENCODE_VERSION)

$(PLAYWRIGHT): $(OPENCODE)
	npm install --no-audit --no-fund --loglevel=error --prefix target/tools playwright-core@$(PLAYWRIGHT_VERSION)

$(PYTOOLS):
	python3 -m venv target/tools/py
	target/tools/py/bin/pip install --quiet --disable-pip-version-check openai==1.109.1 schemathesis==4.1.4 hypothesis==6.135.0

# componentize-py (from PyPI) builds the Python example plugin, which shows the
# WIT is language-neutral (tests/e2e/python_plugin.rs).
$(COMPONENTIZE_PY): $(PYTOOLS)
	target/tools/py/bin/pip install --quiet --disable-pip-version-check componentize-py==0.25.1

test: setup tools
	$(CARGO) fmt --all -- --check
	$(CARGO) test --workspace

bench: setup
	$(CARGO) bench -p ralex-host --bench host --bench model_path
	$(CARGO) bench -p ralex-orchestrator --bench pipeline

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
