#!/bin/sh
# The benchmark runner (see run.py for what it measures and its options):
#   sudo scripts/bench/run.sh --ns 10,100,500 --rules 100,1000,5000 --reps 3
exec python3 "$(dirname "$0")/run.py" "$@"
