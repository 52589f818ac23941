#!/usr/bin/env bash
# Creates examples as real git repositories (default: release-train/ and java-bom/, which
# `make demo` uses; or the one named, e.g. bom-train for `make demo-bom`):
#   DIR/remotes/<owner>/<name>.git   bare repositories, the "remotes" tako clones from
#   DIR/checkouts/<owner>/<name>     a working clone of each, to use as --root or --workspace
# Usage: examples/create-world.sh DIR [EXAMPLE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: create-world.sh DIR [EXAMPLE]}
if [[ $# -ge 2 ]]; then examples=("$here/$2"); else examples=("$here/release-train" "$here/java-bom"); fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -rf "$dir/remotes" "$dir/checkouts"

export GIT_AUTHOR_NAME=tako-demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=tako-demo GIT_COMMITTER_EMAIL=demo@example.com

for srcs in "${examples[@]}"; do
for src in "$srcs"/*/*/; do
  src=${src%/}
  name=$(basename "$src")
  owner=$(basename "$(dirname "$src")")
  bare="$dir/remotes/$owner/$name.git"
  work="$dir/checkouts/$owner/$name"
  mkdir -p "$(dirname "$bare")" "$(dirname "$work")"
  git init -q --bare -b main "$bare"
  mkdir -p "$work"
  cp -R "$src/." "$work/"
  git -C "$work" init -q -b main
  git -C "$work" add -A
  git -C "$work" commit -q -m "Initial commit of $owner/$name"
  git -C "$work" remote add origin "file://$bare"
  git -C "$work" push -q origin main
done
done
echo "created $(ls -d "$dir"/remotes/*/*.git | wc -l) repositories under $dir/remotes"
