#!/usr/bin/env bash
# make demo-bom: the Java BOM release train (SPEC §7.6) at the level of one subscriber.
#   acme/core-lib  releases 2.0.0 and fans out `core_library_released`
#   └── acme/lib-a  bumps core-lib in its pom.xml, opens a pull request (GitHub provider),
#                   waits until its checks are green and merges it
# The GitHub API is the local one the tests use (tests/support/github_server.py, checking
# every request and response against GitHub's OpenAPI description); a "reviewer" below turns
# the checks green once the pull request is open. Usage: examples/demo-bom.sh [path/to/tako]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
tako=$(cd "$(dirname "${1:-build/tako}")" && pwd)/$(basename "${1:-build/tako}")
demo=${TAKO_DEMO_DIR:-$(mktemp -d /tmp/tako-bom.XXXXXX)}
openapi="$top/build-deps/node_modules/@octokit/openapi/generated/api.github.com.json"
if [[ ! -f "$openapi" ]]; then
  echo "GitHub's OpenAPI description is missing: run scripts/install-deps.sh" >&2
  exit 1
fi

bash "$here/create-world.sh" "$demo" bom-train >/dev/null
token="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
/usr/bin/python3 "$top/tests/support/github_server.py" --openapi "$openapi" \
  --remotes "$demo/remotes" --token "$token" --port-file "$demo/github.port" \
  >"$demo/github.log" 2>&1 &
server=$!
reviewer=
cleanup() {
  [[ -n "$reviewer" ]] && kill "$reviewer" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 600); do [[ -s "$demo/github.port" ]] && break; sleep 0.1; done
api="http://127.0.0.1:$(cat "$demo/github.port")"

export TAKO_HOME="$demo/home"
export TAKO_GIT_URL="file://$demo/remotes/{owner}/{name}.git"
export TAKO_GITHUB_API_URL="$api" TAKO_FORGE=github GITHUB_TOKEN="$token"

cat >"$demo/pulls.py" <<'PY'
import json, sys
state = json.load(sys.stdin)
for repo, prs in sorted(state["pulls"].items()):
    for p in prs:
        status = "MERGED" if p["merged"] else p["state"].upper()
        print(f"{repo}#{p['number']} {p['title']!r} {p['head']} -> {p['base']} labels={p['labels']} {status}")
print(f"{len(state['requests'])} API requests, {len(state['violations'])} OpenAPI violations")
for v in state["violations"]:
    print("  violation:", v)
PY
pulls() { curl -s "$api/_test/state" | /usr/bin/python3 "$demo/pulls.py"; }

# The reviewer: once acme/lib-a's pull request is open, its CI goes green.
(
  for _ in $(seq 1500); do
    if pulls | grep -q '^acme/lib-a#1 '; then
      sleep 2
      curl -s -X POST "$api/_test/status" -d '{"repo": "acme/lib-a", "pr": 1, "state": "success"}' >/dev/null
      echo "[reviewer] acme/lib-a#1: checks green"
      exit 0
    fi
    sleep 0.2
  done
) &
reviewer=$!

echo "== tako exec release --inputs.version=2.0.0 (acme/core-lib)"
"$tako" exec release --root "$demo/checkouts/acme/core-lib" --inputs.version=2.0.0
wait "$reviewer" || true
reviewer=
echo
echo "== pull requests on the (local) GitHub API"
pulls
echo
echo "== acme/lib-a main:pom.xml after the merge"
git --git-dir "$demo/remotes/acme/lib-a.git" show main:pom.xml | grep -n "core-lib.version>"
echo
echo "Demo state is in $demo (TAKO_HOME=$TAKO_HOME)."
