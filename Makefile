# The map of this repository. `make help` lists the targets.
#
#   make figures                  every paper table and figure (profile quick)
#   make figures SECTION=name     one section
#   make figures PROFILE=paper    the papers' full protocol
#   make figures PROFILE=paper ENGINE=slurm   the same as Slurm job arrays (README: On a cluster)
#   make test                     the test suite (release build)

SHELL          := /bin/bash
PROFILE        ?= quick
SECTION        ?=
# local: run the sections here; slurm: submit them as job arrays (tools/slurm/submit.sh reads
# ARRAY_TASKS, TASK_CPUS, TASK_MEMORY, TASK_TIME, PARTITION, ACCOUNT, SBATCH_OPTIONS, JOB_LOGS).
ENGINE         ?= local
DATA_MIRROR    ?=
SWIFT          ?= swift
# One configuration for the executables and the tests: release (fast numerics), with
# -enable-testing so the tests can use @testable. Two sets of flags rebuilt every module whenever
# `make test` followed `make figures` or the reverse; the flag does not slow the executables
# (vae-bench --breakdown, three A/B rounds: docs/DESIGN.md).
SWIFT_FLAGS    := -c release -Xswiftc -enable-testing
TEST_FLAGS     := $(SWIFT_FLAGS)
SYSTEM_PACKAGES := libopenblas-dev libpng-dev zlib1g-dev gnuplot-nox pkg-config
# A shell word, quoted: the bin path holds the repository's path, which may contain spaces or
# quotes. Use it unquoted ($(BIN)/tool): the command substitution sits inside double quotes.
BIN             = "$$($(SWIFT) build $(SWIFT_FLAGS) --show-bin-path)"

# Exported only when given: an exported empty value would reach the tests as "set, to nothing".
# fetch-data and the tests read it from the environment, so its value is never re-parsed by a shell.
ifneq ($(DATA_MIRROR),)
export DATA_MIRROR
endif

.PHONY: help setup build test test-cluster bench data figures clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## install missing system packages (as root) or print the command to run
	@tools/ensure-system-packages.sh $(SYSTEM_PACKAGES)

build: setup ## build every executable in release mode
	$(SWIFT) build $(SWIFT_FLAGS)

test: setup ## build in release mode and run the whole test suite
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	$(SWIFT) test $(TEST_FLAGS) --skip-build --disable-swift-testing

bench: build ## speed and memory figures; writes results/bench/ (TORCH_PYTHON=, TSNE_PYTHON=venv/bin/python time PyTorch, openTSNE beside ours)
	$(BIN)/vae-bench --output results/bench $(if $(TORCH_PYTHON),--torch-python $(TORCH_PYTHON),) $(if $(TSNE_PYTHON),--tsne-python $(TSNE_PYTHON),)

# Skips (and lists) sets no source has; fails on a corrupt file or a missing mirror folder.
data: build ## fetch and verify every data set into data/ (DATA_MIRROR=dir to copy from a mirror)
	$(BIN)/fetch-data --all --available

figures: build ## regenerate the paper sections' reports and figures (PROFILE=, SECTION=, ENGINE=slurm)
	@case "$(ENGINE)" in \
	    local) tools/run-sections.sh $(BIN) "$(PROFILE)" "$(SECTION)" ;; \
	    slurm) tools/slurm/submit.sh $(BIN) "$(PROFILE)" "$(SECTION)" ;; \
	    *) echo "error: unknown ENGINE '$(ENGINE)' (local, slurm)" >&2; exit 2 ;; \
	esac

# Not part of `make test`: it needs root and starts Slurm daemons for a few minutes.
test-cluster: build ## (as root) test tools/slurm/ on a one-node Slurm cluster started for the test
	tools/slurm/test-local-cluster.sh $(BIN)

clean: ## remove build folders (never results/ or data/)
	rm -rf .build .build-*
