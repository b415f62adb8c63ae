# The two commands of the README, each doing its own set-up on a fresh clone:
#   make demo   - the main job: the whole simulated pipeline on a real Kafka broker
#   make test   - the whole test suite (tox: lint, types, unit, contract, real Kafka, Gherkin,
#                 the fault runner's short profile)
# Everything else here is what those two need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench faults fuzz kcat clean features-any-bos models

$(STAMP): pyproject.toml
	@echo "==> setting up $(VENV) (once)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip uv
	@$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

kcat:
	@command -v kcat >/dev/null 2>&1 || { \
	  echo "==> installing kcat (Debian package) for the Kafka interop test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq kcat >/dev/null; }

demo: $(STAMP)
	$(BIN)/pipeline-harness demo

# Two envs at a time (see tox.ini); tox shows the output of an env that fails, and this prints
# the fault runner's figure lines, which a passing env's hidden output would otherwise lose.
test: $(STAMP) kcat
	@rm -f reports/faults-short.txt; status=0; \
	$(BIN)/tox run-parallel -p 2 -e faults,lint,type,unit,contract,bdd_meta,bdd,kafka || status=$$?; \
	if [ -f reports/faults-short.txt ]; then echo; cat reports/faults-short.txt; fi; \
	exit $$status

lint: $(STAMP)
	$(BIN)/tox run -e lint,type

# Every scenario against the reference BOS with its own status view off: the steps then judge
# BOS only by what any BOS offers (events, committed offsets, the real pipeline-state endpoint).
features-any-bos: $(STAMP)
	$(BIN)/pytest features --no-bos-status-view --contract-coverage-gate=off

# The typed models of harness/models/ from the contract (datamodel-code-generator), after a
# contract change; tests/unit/test_models_in_step.py fails until they are regenerated.
models: $(STAMP)
	$(BIN)/python -m harness.models.generate

bench: $(STAMP)
	$(BIN)/tox run -e bench

# Faults on the real broker (issue 13), the full profile: BOS, each simulator, the broker, a
# cluster node and the whole system SIGKILLed mid-pipeline, poison, every message twice, 100k
# fuzzed payloads; one figure line per scenario (27 min here on a slow day; README).
faults: $(STAMP)
	$(BIN)/python bench/faults.py --profile full

# The fuzz alone: 100k payloads through both validation paths and every handler (~15 min).
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py --count 100000

clean:
	rm -rf $(VENV) .tox build *.egg-info reports
