#!/usr/bin/env bash
# Installs the Debian packages Tako needs to build, test and run its demo.
# Packages already present are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  build-essential cmake git pkg-config
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libsqlite3-dev libre2-dev libssl-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # terminfo, for the live view of `tako exec` (FTXUI is not in Debian 12)
  libncurses-dev
  graphviz procps time
  # `make test` checks that every C++ file is formatted as .clang-format says
  clang-format
  python3 python3-jsonschema curl
  # containers (SPEC §9): podman with the runc runtime (crun refuses hybrid cgroups), and
  # busybox-static, from which the tests build their images offline
  podman runc busybox-static
  # the Slurm executor's tests start a private single-node cluster
  slurm-wlm munge
  # the live view is tested in tmux, the HTML report in headless chromium, completion in
  # the real shells
  tmux chromium zsh fish
)
# npm installs GitHub's OpenAPI description for the forge tests (below); a node from another
# source (e.g. NodeSource) brings its own npm.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
# clang and its runtime are only needed for the fuzz targets (-DTAKO_FUZZ=ON).
if [[ "${TAKO_WITH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# GitHub's published OpenAPI description, against which the test GitHub server
# (tests/support/github_server.py) checks every request and response. Project-local and
# gitignored: build-deps/node_modules/@octokit/openapi.
openapi_version=23.0.2
deps_dir="$(cd "$(dirname "$0")/.." && pwd)/build-deps"
if [[ "$(node -p "require('$deps_dir/node_modules/@octokit/openapi/package.json').version" 2>/dev/null)" != "$openapi_version" ]]; then
  echo "install-deps: installing @octokit/openapi@$openapi_version into $deps_dir"
  mkdir -p "$deps_dir"
  npm install --silent --no-audit --no-fund --no-save --prefix "$deps_dir" "@octokit/openapi@$openapi_version"
fi
