#!/usr/bin/env bash
# The collect job of tools/slurm/submit.sh: runs once every array succeeded and redraws each
# section's report from all its run files (--report-only: trains nothing, reads no data set).
#
#   collect.sh BIN PROFILE RESULTS SPEC...     (SPEC: "section [selection...]", one word each)
set -euo pipefail
bin="$1"; profile="$2"; results="$3"; shift 3
for spec in "$@"; do
    read -r -a words <<<"$spec"
    echo "== ${words[0]} (profile $profile): report from every run file"
    "$bin/${words[0]}" --profile "$profile" --report-only --results "$results" "${words[@]:1}"
done
