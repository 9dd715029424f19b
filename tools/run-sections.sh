#!/usr/bin/env bash
# Runs the registered paper sections (one executable each) with a profile. The list grows as
# sections land; each section writes results/<section>/.
set -euo pipefail
bin="$1"; profile="${2:-quick}"; only="${3:-}"
case "$profile" in smoke|quick|paper) ;; *) echo "error: unknown profile '$profile' (smoke, quick, paper)" >&2; exit 2 ;; esac
sections=()   # executables, in the order of the papers
if [ -f tools/sections.txt ]; then mapfile -t sections < <(grep -v '^#' tools/sections.txt | sed '/^$/d'); fi
if [ -n "$only" ]; then
    printf '%s\n' "${sections[@]}" | grep -qx "$only" || { echo "error: unknown section '$only' (registered: ${sections[*]:-none})" >&2; exit 2; }
    sections=("$only")
fi
if [ ${#sections[@]} -eq 0 ]; then
    echo "No paper section is registered yet (tools/sections.txt); the build is done."
    exit 0
fi
for section in "${sections[@]}"; do
    echo "== $section (profile $profile)"
    "$bin/$section" --profile "$profile"
done
