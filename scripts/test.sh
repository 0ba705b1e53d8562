#!/usr/bin/env bash
# `npm test`: every test of the workspace, on a fresh Debian machine with Node as well as on a
# developer's. Installs what is missing, then runs formatting, project-graph sync, lint, typecheck,
# build and every project's tests, and prints one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

ensure_node
ensure_npm_packages
ensure_debian_packages

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true
rm -rf libs/*/test-output apps/*/test-output test/test-output

step "format";    npx prettier --check . >/dev/null || { npx prettier --check . || true; die "formatting differs: run npm run format"; }
step "sync";      npx nx sync:check
step "lint, typecheck, build"
npx nx run-many -t lint typecheck build --outputStyle=static
step "tests"
status=0
npx nx run-many -t test --outputStyle=static || status=$?
node scripts/lib/summarize-tests.mjs
exit "$status"
