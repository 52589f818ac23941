#!/bin/sh
# Stand-in for a real build: prints the version it built (the step's output) and records the
# commit it built from in $TAKO_OUTPUT.
set -e
version="$1"
echo "COMMIT_SHA=$(git rev-parse HEAD 2>/dev/null || echo unknown)" >> "$TAKO_OUTPUT"
echo "$version"
