#!/usr/bin/env bash
# One task of a section's job array (submitted by tools/slurm/submit.sh; sbatch runs a copy of
# this file, from the repository root): trains the cells of shard TASK+1 of COUNT that have no
# run file yet, then draws a report of what the shared run folder holds.
#
#   task.sh BIN PROFILE RESULTS SECTION [SELECTION...]
#
# Run files go to RESULTS/runs (RESULTS/scratch/runs for smoke), shared by every task: each is
# written atomically under its own name (its cell's id), so tasks finishing at once never touch
# the same file. Reports are another matter: every task draws one, and two processes replacing
# the same report folder at once can fail (ReportFolder in Sources/StudyKit). So shard 1 draws
# its report where the section's report goes (it also draws Figure 4 of semiunsupervised-auc,
# which needs the images and is never redrawn from run files), and every other shard draws its
# report into a folder of its own, whose runs/ links to the shared one. The collect job redraws
# the section's report from every run file once the arrays are done.
set -euo pipefail
bin="$1"; profile="$2"; results="$3"; section="$4"; shift 4
: "${SLURM_ARRAY_TASK_ID:?task.sh runs as a task of a Slurm job array}"
: "${SLURM_ARRAY_TASK_COUNT:?task.sh runs as a task of a Slurm job array}"
shard="$((SLURM_ARRAY_TASK_ID + 1))/$SLURM_ARRAY_TASK_COUNT"
# OpenBLAS starts one thread per core of the node unless told: use the cores Slurm gave the task.
export OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"

report_results="$results"
if [ "$SLURM_ARRAY_TASK_ID" -ne 0 ]; then
    report_results="$results/scratch/slurm-tasks/$section/shard-$((SLURM_ARRAY_TASK_ID + 1))-of-$SLURM_ARRAY_TASK_COUNT"
    mkdir -p "$report_results/scratch" "$results/runs" "$results/scratch/runs"
    ln -sfn "$results/runs" "$report_results/runs"
    ln -sfn "$results/scratch/runs" "$report_results/scratch/runs"
fi
echo "== $section shard $shard (profile $profile) on $(hostname) with $OPENBLAS_NUM_THREADS cores, job ${SLURM_ARRAY_JOB_ID:-?}_$SLURM_ARRAY_TASK_ID"
exec "$bin/$section" --profile "$profile" --shard "$shard" --results "$report_results" "$@"
