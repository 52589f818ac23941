#!/bin/sh
set -e
grep -q "go-lib" service.txt
echo "api-service: integration tests passed against $(cut -d' ' -f4 service.txt)"
