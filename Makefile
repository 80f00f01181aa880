# MissionPlace: `make run` serves the site, `make test` runs the whole suite.
# Everything installs into .venv from constraints.txt, the one pin file.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Plone 6.2.2 was released on 2026-09-10: `make pins` resolves against PyPI
# as it was then (uv --exclude-newer), plus the add-ons released later that
# constraints.in names in PINS_NEWER.
PINS_DATE := 2026-09-11
PINS_NEWER := collective.workspace=2026-11-01

.DEFAULT_GOAL := help
.PHONY: help install install-test run upgrade test security-soak lint format pins buildout i18n policies upgrade-fixture clean bench bench-smoke

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@echo "MissionPlace: creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

# uv installs the ~300 pinned packages in seconds; it comes from PyPI like the rest.
$(BIN)/uv: constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt uv
	@touch $@

$(VENV)/.installed: setup.py constraints.txt | $(BIN)/uv
	@echo "MissionPlace: installing Plone 6.2.2 and the add-ons from constraints.txt"
	$(BIN)/uv pip install --python $(BIN)/python -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@echo "MissionPlace: installing the test tools"
	$(BIN)/uv pip install --python $(BIN)/python -c constraints.txt -e '.[test]'
	@touch $@

install: $(VENV)/.installed  ## Install MissionPlace into .venv

install-test: $(VENV)/.installed-test  ## Install MissionPlace with its test tools

run: install  ## Create the site with demo content if missing, serve it on http://localhost:8080/
	$(BIN)/missionplace-instance serve

upgrade: install  ## Run the site's pending upgrade steps (after pulling a new version)
	$(BIN)/missionplace-instance upgrade

# The site on several Zope instances, on one machine: PostgreSQL (a cluster of
# its own in instance/var/cluster/pg unless MISSIONPLACE_RELSTORAGE_DSN is set),
# INSTANCES instances on RelStorage, HAProxy and Varnish (Debian's haproxy and
# varnish packages) on CLUSTER_PORT, the instances and HAProxy on the ports after it.
INSTANCES ?= 2
CLUSTER_PORT ?= 8080
.PHONY: cluster
cluster: install  ## The site on INSTANCES=2 instances behind HAProxy and Varnish, http://localhost:8080/
	$(BIN)/missionplace-instance cluster --instances $(INSTANCES) --port $(CLUSTER_PORT)

# Generated content for benchmarks: tops the site up to ITEMS items (an item is
# one content object in one language), the same ones for the same SEED.
ITEMS ?= 2000
SEED ?= 2026
.PHONY: generate
generate: install  ## Fill the site with generated content for benchmarks (ITEMS=2000 SEED=2026)
	$(BIN)/missionplace-instance generate --items $(ITEMS) --seed $(SEED)

# Two workers (pytest-xdist), a file each at a time: most tests wait on a
# server in their own process, and this machine has two cores.
TEST_WORKERS ?= 2

test: install-test  ## Run the whole test suite
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

security-soak: install-test  ## The adversarial suite with every payload on every target (slow)
	MISSIONPLACE_ADVERSARIAL_FULL=1 $(BIN)/pytest tests/security/test_adversarial_*.py $(PYTEST_ARGS)

# Not timed tests: MissionPlace against stock Plone 6.2.2 and its goals, measured with locust in
# throwaway instances (benchmarks/.work/); see benchmarks/README.md.  The suite runs the smoke.
bench: install-test  ## Run the benchmarks at 2k, 10k, 20k items; writes benchmarks/RESULTS.md
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-smoke: install-test  ## The benchmarks in a few seconds each, to check the harness
	$(BIN)/python -m benchmarks.run --smoke $(BENCH_ARGS)

lint: install-test  ## Check the code with ruff
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install-test  ## Format the code with ruff
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

pins: $(BIN)/uv  ## Refresh constraints.txt from constraints.in (see README, "Pins")
	$(BIN)/uv pip compile constraints.in --python-version 3.11 --exclude-newer $(PINS_DATE) \
	  $(foreach p,$(PINS_NEWER),--exclude-newer-package $(p)) \
	  --annotation-style line --no-header -o constraints.txt

# Buildout reads buildout's own format: the same pins, written from constraints.txt.
# constraints.txt spells names normalized (plone-app-layout); buildout looks
# them up as their projects spell them (plone.app.layout), so both are written.
.buildout-versions.cfg: constraints.txt
	@echo "[versions]" > $@
	awk -F'==' '/^[A-Za-z0-9]/ { split($$2, v, " "); n = $$1; print n " = " v[1]; \
	  if (n ~ /-/) { gsub(/-/, ".", n); print n " = " v[1] } }' constraints.txt >> $@

buildout: .buildout-versions.cfg  ## The alternative install: bin/buildout, then bin/instance fg
	test -x .buildout/bin/buildout || ($(PYTHON) -m venv .buildout && \
	  .buildout/bin/pip install --quiet -c constraints.txt zc.buildout setuptools wheel pip)
	.buildout/bin/buildout

i18n: install-test  ## Rebuild the .pot and sync the six .po files
	$(BIN)/i18ndude rebuild-pot --pot src/missionplace/locales/missionplace.pot --create missionplace src/missionplace
	$(BIN)/i18ndude sync --pot src/missionplace/locales/missionplace.pot src/missionplace/locales/*/LC_MESSAGES/missionplace.po
	@# The policies' states and actions: Plone shows them in its own "plone" domain.
	$(BIN)/python -m missionplace.workflows.policy
	for lang in ar zh en fr ru es; do touch src/missionplace/locales/$$lang/LC_MESSAGES/plone.po; done
	$(BIN)/i18ndude sync --pot src/missionplace/locales/plone.pot src/missionplace/locales/*/LC_MESSAGES/plone.po

# The workflows and placeful policies of profiles/default, written from
# policies/*.toml; commit what it writes, with an upgrade step
# (src/missionplace/upgrades). tests/workflows fails when they differ.
policies: install  ## Write profiles/default's workflows and placeful policies from policies/*.toml
	$(BIN)/python -m missionplace.workflows.generate

# The site that the last release created, for tests/upgrades: made by that
# release's own code, in a temporary git worktree with its own virtualenv.
upgrade-fixture: install  ## Remake tests/upgrades/fixtures from the last release's commit
	$(BIN)/python tests/upgrades/make_fixture.py --python $(PYTHON)

clean:  ## Remove .venv and build output (keeps instance/var, the site's data)
	rm -rf $(VENV) .buildout bin parts develop-eggs eggs .installed.cfg .buildout-versions.cfg build dist *.egg-info src/*.egg-info
