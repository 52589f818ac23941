#!/bin/sh
# Stand-in for `mvn deploy`: sets the version in pom.xml (in this run's own workspace) and
# prints it, the step's output.
set -e
version="$1"
sed -i "s|<version>.*</version>|<version>$version</version>|" pom.xml
echo "published com.acme:core-lib:$version" >&2
echo "$version"
