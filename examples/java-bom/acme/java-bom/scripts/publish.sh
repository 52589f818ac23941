#!/bin/sh
# Stand-in for `mvn deploy` of the BOM: one release naming both libraries' new versions.
set -e
echo "published com.acme:java-bom:5.1.0 (lib-a $1, lib-b $2)"
