#!/bin/sh
# Stand-in for tako/update-dependency@v1 + tako/create-pull-request@v1 (SPEC §7.7): bumps one
# library in bom.xml, in this run's own workspace, and says what it would propose.
set -e
artifact="$1" version="$2"
sed -i "s|<artifactId>$artifact</artifactId><version>[^<]*</version>|<artifactId>$artifact</artifactId><version>$version</version>|" bom.xml
grep -q "<artifactId>$artifact</artifactId><version>$version</version>" bom.xml
echo "proposed: bump $artifact to $version in acme/java-bom (pull request tako/update-bom)"
sleep 1  # stands in for waiting until the pull request is merged (tako/poll@v1)
echo "merged: $artifact $version"
