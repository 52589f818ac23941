#!/usr/bin/env bash
# The demo: a real release train over the bundled example workspace.
#   acme/go-lib  releases 1.4.0 and fans out `library_built`
#   ├── acme/api-service    (schema ^1.0.0, filters on the version)  → fans out `service_deployed`
#   │   └── acme/e2e-tests  (schema >=1.0.0 <2.0.0)
#   ├── acme/web-app        (filter over the comma-separated `services` list)
#   └── acme/legacy-worker  (filter false for 1.x: reported as skipped)
# Then a whole dependency graph released along `dependents:`, with reactions in between
# (SPEC §7.6, examples/java-bom/):
#   acme/core-lib  releases 2.0.0 and fans out `core_library_released`
#   ├── acme/lib-a   reacts (update-core), then releases once core-lib's release completed
#   └── acme/lib-b   the same, in parallel; each fans out `library_released`
#       acme/java-bom  reacts to each (update-bom, one at a time), then releases once, last
# Every repository is a real git repository, cloned by tako from a bare "remote" on disk;
# every child runs in its own workspace. Usage: examples/demo.sh [path/to/tako]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tako=$(cd "$(dirname "${1:-build/tako}")" && pwd)/$(basename "${1:-build/tako}")
demo=${TAKO_DEMO_DIR:-$(mktemp -d /tmp/tako-demo.XXXXXX)}

bash "$here/create-world.sh" "$demo" >/dev/null
export TAKO_HOME="$demo/home"
export TAKO_GIT_URL="file://$demo/remotes/{owner}/{name}.git"
root="$demo/checkouts/acme/go-lib"

echo "== tako graph (the dependents of acme/go-lib)"
"$tako" graph --root "$root"
echo
echo "== tako exec release --inputs.version=1.4.0"
"$tako" exec release --root "$root" --inputs.version=1.4.0
echo
echo "== tako status"
"$tako" status
echo
core="$demo/checkouts/acme/core-lib"
echo "== tako graph (the dependents of acme/core-lib)"
"$tako" graph --root "$core"
echo
echo "== tako exec release --inputs.version=2.0.0 --dry-run (the plan, in waves)"
"$tako" exec release --root "$core" --inputs.version=2.0.0 --dry-run
echo
echo "== tako exec release --inputs.version=2.0.0 (core-lib, then lib-a and lib-b, then java-bom)"
"$tako" exec release --root "$core" --inputs.version=2.0.0
echo
echo "== tako status"
"$tako" status
echo
echo "Demo state is in $demo (TAKO_HOME=$TAKO_HOME)."
