#!/usr/bin/env bash
# Installs everything segcast needs on Debian 12, by package name. Idempotent: packages already
# present are left as they are. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev libboost-date-time-dev libceres-dev libcsv-dev zlib1g-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libsqlite3-dev libpqxx-dev libcpp-httplib-dev
  libssl-dev
  catch2
  python3 python3-pandas python3-numpy python3-scipy python3-dev python3-pybind11 python3-pytest python3-matplotlib
  postgresql
  time
  strace
  wrk
  clang-14 libclang-rt-14-dev
  nodejs chromium
)
# The machine's Node.js may ship its own npm (NodeSource); Debian's npm package only when none is there.
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "${SEGCAST_SETUP_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2206
  packages+=(${SEGCAST_SETUP_EXTRA})
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages already installed"
else
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the dashboard (src/web: ECharts, copied into the build's assets) and of its browser
# test (tests/e2e: playwright-core, which drives Debian's /usr/bin/chromium; it downloads no browser).
# `npm ci` installs exactly the lockfile; it is skipped when node_modules already matches it.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for npm_dir in src/web tests/e2e; do
  dir="${repo_root}/${npm_dir}"
  [ -f "${dir}/package.json" ] || continue
  lock="${dir}/package-lock.json"
  [ -f "${lock}" ] || lock="${dir}/package.json"
  stamp="${dir}/node_modules/.segcast-npm-stamp"
  wanted="$(sha256sum "${lock}" | cut -d' ' -f1)"
  if [ -f "${stamp}" ] && [ "$(cat "${stamp}")" = "${wanted}" ]; then
    echo "setup: npm packages of ${npm_dir} are up to date"
    continue
  fi
  echo "setup: installing the npm packages of ${npm_dir} (no browser download)"
  if [ -f "${dir}/package-lock.json" ]; then
    (cd "${dir}" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "${dir}" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
  fi
  echo "${wanted}" > "${stamp}"
done
