#!/bin/sh
# Stand-in for `mvn deploy`: the next minor version of this library, built against the
# core-lib version its upstream just published (the step's output is the new version).
set -e
core="$1"
current=$(sed -n '0,/<version>/s|.*<version>\(.*\)</version>.*|\1|p' pom.xml)
next=$(echo "$current" | awk -F. '{ printf "%d.%d.0", $1, $2 + 1 }')
echo "published com.acme:$(basename "$TAKO_REPO"):$next (core-lib $core)" >&2
echo "$next"
