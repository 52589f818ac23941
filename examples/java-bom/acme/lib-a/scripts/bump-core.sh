#!/bin/sh
# Stand-in for tako/update-dependency@v1 + tako/create-pull-request@v1 (SPEC §7.7): bumps
# core-lib in pom.xml, in this run's own workspace, and says what it would propose.
set -e
version="$1"
sed -i "/<artifactId>core-lib<\/artifactId>/{n;s|<version>.*</version>|<version>$version</version>|}" pom.xml
grep -q "<version>$version</version>" pom.xml
echo "proposed: bump core-lib to $version in $TAKO_REPO (pull request tako/update-core)"
