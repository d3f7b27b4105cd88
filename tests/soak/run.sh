#!/usr/bin/env bash
# The long fault campaign (#16): the same tests CI runs, with the counts raised.
#   tests/soak/run.sh                      # about 20-40 minutes on 2 cores
#   KILL=1000 FUZZ=20000 tests/soak/run.sh # longer still
# Every count is seeded: a failure prints the trial and seed to reproduce it with the CI test alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
export SKILLCOACH_KILL_TRIALS="${KILL:-300}"      # kill -9 trials on SQLite (CI: 30)
export SKILLCOACH_KILL_TRIALS_PG="${KILL_PG:-100}" # kill -9 trials on Postgres (CI: 10)
export SKILLCOACH_KILL_SEED="${SEED:-$RANDOM}"    # a new seed each soak run (CI: fixed)
export SKILLCOACH_FUZZ_EXAMPLES="${FUZZ:-5000}"   # Hypothesis examples per fuzz test (CI: 120)
echo "kill trials ${SKILLCOACH_KILL_TRIALS} (+${SKILLCOACH_KILL_TRIALS_PG} on Postgres), seed ${SKILLCOACH_KILL_SEED}," \
     "fuzz examples ${SKILLCOACH_FUZZ_EXAMPLES}"
exec python -m pytest -p no:cacheprovider -o timeout=0 \
    tests/integration/test_crash_replay.py tests/integration/test_fuzz_input.py \
    tests/integration/test_batch_hardening.py tests/integration/test_clear_exits.py "$@"
