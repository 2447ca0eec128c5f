#!/usr/bin/env bash
# Train every restoration model in resumable rounds, one process at a time on one CPU thread.
#
#   nohup scripts/train_all.sh > runs/train_all.log 2>&1 &
#
# Each call to `python -m convviz.train` resumes from runs/<name>/checkpoint.pt, so this script
# can be stopped (kill its PID, then the trainer's: it saves on SIGTERM) and started again at will.
# The denoiser gets the largest share; every model gets some training in the first rounds.
# SHIP=none keeps the shipped weights in assets/models untouched (best weights stay in runs/).
# With no checkpoint (runs/ is not in git) each model warm-starts from its shipped weights.
# THREADS sets torch's CPU threads (default 1, leaving a core for other work).
# PRECISION=bf16 autocasts the forward pass to bfloat16 (2.1x faster on the AVX512-BF16 EPYC; default fp32).
# ROUNDS picks the rounds (default "1 2 3 4"); "forever" repeats a low-learning-rate round until killed.
set -u
cd "$(dirname "$0")/.."
SHIP=${SHIP:-assets/models}
ROUNDS=${ROUNDS:-"1 2 3 4"}
THREADS=${THREADS:-1}
PRECISION=${PRECISION:-fp32}

train() {  # train <minutes> <lr> <task args...>
  local minutes=$1 lr=$2; shift 2
  echo "== $(date -u +%H:%M:%S) train $* --minutes $minutes --lr $lr"
  python -m convviz.train "$@" --minutes "$minutes" --lr "$lr" --ship "$SHIP" --threads "$THREADS" --precision "$PRECISION"
}

round() {  # round <denoise minutes, 0 = skip> <sr minutes> <lr>
  if [ "$1" != 0 ]; then train "$1" "$3" denoise; fi
  train "$2" "$3" sr --arch srcnn --scale 3
  for s in 2 3 4; do train "$2" "$3" sr --arch subpixel --scale "$s"; done
}

for r in $ROUNDS; do
  case $r in
    1) round 12 3 1e-3 ;;
    1b) round 0 3 1e-3 ;;           # the SR half of round 1 (used on 2026-11-23 after a fix)
    2) round 25 2 1e-3 ;;
    3) round 25 2 1e-3 ;;
    4) round 12 1.5 2.5e-4 ;;
    5) train 90 1e-3 denoise; train 15 2.5e-4 sr --arch subpixel --scale 3
       train 20 2.5e-4 sr --arch srcnn --scale 3 ;;   # 2026-11-28: the targets still missed
    anneal) train 55 5e-5 denoise ;;                 # 2026-11-28: a lower rate before shipping
    bf16) PRECISION=bf16                             # 2026-11-29: 2x the steps per minute
          train 85 2.5e-4 denoise; train 35 5e-5 denoise ;;
    forever) while true; do round 30 3 2.5e-4; done ;;
  esac
done
echo "== $(date -u +%H:%M:%S) done"
