#!/usr/bin/env bash
# The demo: placeholder until `tako exec` lands.
set -euo pipefail
tako=${1:-build/tako}
"$tako" version
