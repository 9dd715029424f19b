#!/usr/bin/env bash
# End-to-end test of tools/slurm/ on a real single-node Slurm cluster started for the test:
# munged, slurmctld and slurmd (Debian's packages) with a configuration in a temporary folder,
# stopped by their pid files when the test ends, however it ends.
#
#   tools/slurm/test-local-cluster.sh BIN        (as root; `make test-cluster` builds and calls it)
#
# It submits the smoke profile of two sections as job arrays of 2 tasks each with a collect
# job, waits for the collect job, and checks that
#   1. every array task and the collect job completed (exit 0),
#   2. the cluster wrote the same run files as a local run of the same selection: the same
#      ids, and for each the same configuration, status, seeds, epochs, metrics and history,
#   3. the collect job drew each section's report from all of them (and shard 2 its own),
#   4. submitting again trains nothing: every task finds its cells done, no run file changes.
# The smoke runs need the data sets (data/ or DATA_MIRROR=dir). Missing packages are
# installed when run as root; otherwise the test fails with the command to run.
set -euo pipefail
bin="$(realpath -m "${1:?usage: tools/slurm/test-local-cluster.sh BIN (the release executables folder)}")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
started=$SECONDS
specs=("decoder-regularizer --models SS_D,ES_D" "semiunsupervised-auc --experiments held-out-class")

fail() { echo "test-cluster: FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    fail "the test starts slurmctld, slurmd and munged as root; run: sudo make test-cluster"
fi
tools/ensure-system-packages.sh munge slurmctld slurmd slurm-client jq \
    || fail "the packages above are needed; run: apt-get update && apt-get install -y munge slurmctld slurmd slurm-client jq"
for command in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo jq; do
    command -v "$command" >/dev/null 2>&1 || fail "'$command' is not on PATH after installing the packages"
done
for spec in "${specs[@]}"; do
    read -r -a words <<<"$spec"
    [ -x "$bin/${words[0]}" ] || fail "$bin/${words[0]} is missing: run swift build -c release"
done

work="$(mktemp -d /tmp/vae-slurm-test.XXXXXX)"
stop_daemons() {
    local status=$? daemon pid
    for daemon in slurmd slurmctld munged; do
        [ -f "$work/$daemon.pid" ] || continue
        pid="$(cat "$work/$daemon.pid")"
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ $status -eq 0 ]; then rm -rf "$work"; else echo "test-cluster: logs and results kept in $work" >&2; fi
}
trap stop_daemons EXIT

# --- the cluster: munge with its own key and socket, one node with 2 CPUs, one partition.
mungekey --create --keyfile="$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.socket" --pid-file="$work/munged.pid" \
    --log-file="$work/munged.log" --seed-file="$work/munged.seed"
node="$(hostname -s)"
memory_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<CONF
ClusterName=vaetest
SlurmctldHost=$node
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
NodeName=$node CPUs=2 RealMemory=$memory_mb State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
    sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle && break
    sleep 0.5
done
sinfo -h -N -o '%T' | grep -qx idle || fail "the node did not come up idle (see $work/slurmctld.log, $work/slurmd.log)"
echo "test-cluster: single-node Slurm up ($node, 2 CPUs, ${memory_mb} MB) after $((SECONDS - started)) s"

# --- the reference: a local run of the same selection, one BLAS thread like each task.
for spec in "${specs[@]}"; do
    read -r -a words <<<"$spec"
    OPENBLAS_NUM_THREADS=1 "$bin/${words[0]}" --profile smoke --results "$work/local" "${words[@]:1}" \
        >"$work/local-${words[0]}.log" 2>&1 || { cat "$work/local-${words[0]}.log" >&2; fail "local smoke run of ${words[0]} failed"; }
done
echo "test-cluster: local reference runs done after $((SECONDS - started)) s"

# --- the cluster run, through the script `make figures ENGINE=slurm` calls: submit, wait for the
# collect job, check that every task and the collect job ended with exit 0. Sets `logs`.
submit_and_wait() {
    local output collect state id bad
    logs="$work/logs-$1"
    output="$(RESULTS="$work/cluster" JOB_LOGS="$logs" ARRAY_TASKS=2 TASK_CPUS=1 TASK_MEMORY=2G TASK_TIME=00:20:00 \
        PARTITION=test tools/slurm/submit.sh "$bin" smoke "${specs[@]}")" || fail "submit.sh failed: $output"
    echo "$output"
    collect="$(sed -n 's/^collect=//p' <<<"$output")"
    mapfile -t arrays < <(sed -n 's/^array job \([0-9]*\):.*/\1/p' <<<"$output")
    [ -n "$collect" ] && [ ${#arrays[@]} -eq 2 ] || fail "could not read the job ids from submit.sh's output"
    for _ in $(seq 900); do   # at most 15 minutes
        state="$(scontrol show job "$collect" -o | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')"
        case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL) break ;; esac
        sleep 1
    done
    echo "test-cluster: collect job $collect $state"
    for id in "${arrays[@]}"; do
        scontrol show job "$id" -o | sed 's/.*\(ArrayJobId=[0-9]*\).*\(ArrayTaskId=[0-9]*\).*\(JobState=[A-Z_]*\).*\(ExitCode=[0-9:]*\).*/  \1 \2 \3 \4/'
        bad="$(scontrol show job "$id" -o | grep -v 'JobState=COMPLETED' || true)"
        [ -z "$bad" ] || { tail -n 20 "$logs"/*.out >&2; fail "an array task of job $id did not complete"; }
    done
    [ "$state" = COMPLETED ] || { tail -n 20 "$logs"/*.out >&2; fail "the collect job ended $state"; }
    [ "$(ls "$logs"/*.out | wc -l)" -eq 5 ] || fail "expected 5 logs (2 arrays of 2 tasks and the collect job) in $logs"
}
submitted=$SECONDS
submit_and_wait first
first_seconds=$((SECONDS - submitted))
echo "test-cluster: first submission done in $first_seconds s"

# --- the checks: the same run files as the local run, and reports drawn from all of them.
comparable='{id, configuration, status, seeds, epochs, metrics, history}'
for spec in "${specs[@]}"; do
    read -r -a words <<<"$spec"
    section="${words[0]}"
    local_runs="$work/local/scratch/runs/$section"
    cluster_runs="$work/cluster/scratch/runs/$section"
    local_ids="$(cd "$local_runs" && ls *.json | sort)"
    cluster_ids="$(cd "$cluster_runs" && ls *.json | sort)"
    [ -n "$local_ids" ] || fail "the local run of $section wrote no run file"
    [ "$local_ids" = "$cluster_ids" ] || fail "$section: the cluster's run files differ from the local run's:
local:   $(echo $local_ids)
cluster: $(echo $cluster_ids)"
    for file in $local_ids; do
        diff <(jq -S "$comparable" "$local_runs/$file") <(jq -S "$comparable" "$cluster_runs/$file") >/dev/null \
            || fail "$section: run $file has other values on the cluster than locally"
    done
    count=$(wc -w <<<"$local_ids")
    report="$work/cluster/scratch/smoke/$section"
    [ -s "$report/README.md" ] || fail "$section: no report at $report/README.md"
    runs="$(jq .runs "$report/summary.json")"
    [ "$runs" -ge "$count" ] || fail "$section: the report covers $runs runs, the cluster wrote $count run files"
    grep -q "$count of $count smoke cells have results; report in $report/README.md" "$logs"/collect-reports-*.out \
        || fail "$section: the collect job's log does not say it drew the report from all $count cells"
    [ -s "$work/cluster/scratch/slurm-tasks/$section/shard-2-of-2/scratch/smoke/$section/README.md" ] \
        || fail "$section: shard 2 did not draw its report into its own folder"
    echo "test-cluster: $section: $count run files identical to the local run's (ids, configuration, status, seeds, epochs, metrics, history); report drawn from $runs runs"
done

# --- resubmitting: every task finds its cells done, trains nothing and changes no run file.
before="$(cd "$work/cluster/scratch/runs" && sha256sum */*.json)"
resubmitted=$SECONDS
submit_and_wait again
again_seconds=$((SECONDS - resubmitted))
[ "$(cd "$work/cluster/scratch/runs" && sha256sum */*.json)" = "$before" ] || fail "resubmitting changed or added run files"
for log in "$logs"/decoder-regularizer-*.out "$logs"/semiunsupervised-auc-*.out; do
    grep -q "cells: 0 to run" "$log" || fail "resubmitted task $(basename "$log") did not find all its cells done"
done
echo "test-cluster: resubmission trained nothing, run files unchanged, done in $again_seconds s"
echo "test-cluster: PASS in $((SECONDS - started)) s (first submission $first_seconds s, resubmission $again_seconds s)"
