#!/bin/sh
# Updates the dependency in this child's own workspace; the cache and the other children
# never see the change.
set -e
echo "api-service uses go-lib $1" > service.txt
echo "api-service: go-lib bumped to $1"
