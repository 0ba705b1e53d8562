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

# Debian packages the tests and the product run for real: Kamailio 5.6 with its JSON modules, sipp
# and redis-server (the Redis store's tests start their own on free loopback ports)
# (jsonrpcs, xhttp and kex are in `kamailio`; jansson and janssonrpcc in `kamailio-extra-modules`).
# Installs the missing ones with apt-get when run as root; otherwise says what to run.
DEBIAN_PACKAGES=(kamailio kamailio-extra-modules kamailio-json-modules kamailio-utils-modules sip-tester redis-server)

ensure_debian_packages() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null ||
    die "missing Debian packages (${missing[*]}) and no apt-get: install them with your package manager."
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages: run 'sudo apt-get update && sudo apt-get install -y ${missing[*]}', then run this again."
  fi
  step "apt-get install ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    die "apt-get could not install ${missing[*]}: check that a Debian mirror is reachable (apt-get update), then run this again."
}
