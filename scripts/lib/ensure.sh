# Shared by scripts/test.sh and scripts/start.sh: install what is missing, or say what to do.

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'sipctx: %s\n' "$*" >&2; exit 1; }

ensure_node() {
  command -v node >/dev/null || die "Node.js is not installed: install Node 20.19 or newer (e.g. apt-get install nodejs, or nodesource), then run this again."
  command -v npm >/dev/null || die "npm is not installed: apt-get install npm, then run this again."
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node $(node --version) is too old: sipctx needs Node 20.19 or newer."
}

# npm ci when node_modules is missing or older than the lock file.
ensure_npm_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "npm ci"
    npm ci --no-audit --no-fund || die "npm ci failed: check that the npm registry is reachable (npm ping) and run this again."
  fi
}
