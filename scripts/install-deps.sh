#!/usr/bin/env bash
# Installs the Debian packages Tako needs to build, test and run its demo.
# Packages already present are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  build-essential cmake git pkg-config
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libsqlite3-dev libre2-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  graphviz procps time
)
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
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
