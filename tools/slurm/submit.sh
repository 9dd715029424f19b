#!/usr/bin/env bash
# Submits paper sections to Slurm: one job array per section (one task per shard of its
# cells) and one collect job that waits for every array and redraws each report from all the
# run files. `make figures ENGINE=slurm` calls it; README.md "On a cluster" explains it.
#
#   tools/slurm/submit.sh BIN PROFILE [SPEC...]
#
# BIN is the folder of the release executables, PROFILE smoke|quick|paper, and each SPEC one
# section with its selection as one word ("decoder-regularizer --models SS_D,ES_D"); no SPEC
# (or an empty one) means every section in tools/sections.txt. Run it from anywhere: the jobs
# run in the repository, which every node must see at the same path (a shared file system).
#
# What a site sets (environment or make variables), with the defaults:
#   ARRAY_TASKS=8          tasks per section (shards); a task whose shard has no cell left
#                          exits within a minute after drawing its own report
#   TASK_CPUS=2            cores per task (OpenBLAS uses that many threads)
#   TASK_MEMORY=8G         memory per task (sbatch --mem)
#   TASK_TIME=24:00:00     time limit per task (sbatch --time)
#   PARTITION=             sbatch --partition (empty: the cluster's default partition)
#   ACCOUNT=               sbatch --account (empty: your default account)
#   SBATCH_OPTIONS=        more sbatch options for every job, e.g. "--qos=long --mail-type=END"
#   JOB_LOGS=results/scratch/slurm-logs   one log per task: <section>-<job>_<task>.out
#   RESULTS=results        the results folder (run files under RESULTS/runs)
#
# Resubmitting the same command after a failure or a time-out trains only the cells with no
# run file: every task starts again, and the ones whose cells are all done only redraw.
set -euo pipefail
bin="${1:?usage: tools/slurm/submit.sh BIN PROFILE [SPEC...]}"; profile="${2:?usage: tools/slurm/submit.sh BIN PROFILE [SPEC...]}"; shift 2
case "$profile" in smoke|quick|paper) ;; *) echo "error: unknown profile '$profile' (smoke, quick, paper)" >&2; exit 2 ;; esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

tasks="${ARRAY_TASKS:-8}"
cpus="${TASK_CPUS:-2}"
memory="${TASK_MEMORY:-8G}"
time_limit="${TASK_TIME:-24:00:00}"
logs="$(realpath -m "${JOB_LOGS:-results/scratch/slurm-logs}")"
results="$(realpath -m "${RESULTS:-results}")"
bin="$(realpath -m "$bin")"
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || { echo "error: ARRAY_TASKS must be a positive whole number, not '$tasks'" >&2; exit 2; }
command -v sbatch >/dev/null 2>&1 || { echo "error: sbatch is not on PATH: run this on a Slurm login node (or use make figures without ENGINE=slurm)" >&2; exit 1; }

mapfile -t registered < <(grep -v '^#' tools/sections.txt | sed '/^$/d')
specs=()
for spec in "$@"; do [ -n "${spec// }" ] && specs+=("$spec"); done
[ ${#specs[@]} -eq 0 ] && specs=("${registered[@]}")
for spec in "${specs[@]}"; do
    read -r -a words <<<"$spec"
    printf '%s\n' "${registered[@]}" | grep -qx -- "${words[0]}" \
        || { echo "error: unknown section '${words[0]}' (registered: ${registered[*]})" >&2; exit 2; }
    [ -x "$bin/${words[0]}" ] || { echo "error: $bin/${words[0]} is missing: build first (swift build -c release, or make build)" >&2; exit 1; }
done

# Options every job gets: the site's partition and account, and the repository as working folder.
common=(--parsable --chdir="$root" --export=ALL)
[ -n "${PARTITION:-}" ] && common+=(--partition="$PARTITION")
[ -n "${ACCOUNT:-}" ] && common+=(--account="$ACCOUNT")
read -r -a extra <<<"${SBATCH_OPTIONS:-}"
common+=("${extra[@]}")
mkdir -p "$logs"

arrays=()
for spec in "${specs[@]}"; do
    read -r -a words <<<"$spec"
    section="${words[0]}"
    id="$(sbatch "${common[@]}" --job-name="$section" --array="0-$((tasks - 1))" \
        --cpus-per-task="$cpus" --mem="$memory" --time="$time_limit" \
        --output="$logs/%x-%A_%a.out" \
        tools/slurm/task.sh "$bin" "$profile" "$results" "${words[@]}")"
    id="${id%%;*}"   # --parsable prints "id" or "id;cluster"
    arrays+=("$id")
    echo "array job $id: $spec (profile $profile), $tasks tasks of $cpus cores, $memory, $time_limit"
done

dependency="afterok:$(IFS=:; echo "${arrays[*]}")"
collect="$(sbatch "${common[@]}" --job-name=collect-reports --dependency="$dependency" --kill-on-invalid-dep=yes \
    --cpus-per-task=1 --mem=4G --time=01:00:00 --output="$logs/%x-%j.out" \
    tools/slurm/collect.sh "$bin" "$profile" "$results" "${specs[@]}")"
collect="${collect%%;*}"
echo "collect job $collect: redraws the reports once jobs ${arrays[*]} have all succeeded"
echo "logs in $logs; watch with: squeue --me   (or: squeue -j $(IFS=,; echo "${arrays[*]},$collect"))"
echo "collect=$collect"
