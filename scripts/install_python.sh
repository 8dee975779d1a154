#!/usr/bin/env bash
# Makes Debian's /usr/bin/python3 import the segcast package built in BUILD/python (python/,
# docs/python.md): writes segcast.pth, naming that folder, into its site-packages
# (/usr/local/lib/python3.X/dist-packages). Nothing is copied, so a rebuild is picked up at once;
# the checkout that ran this last is the one `import segcast` finds. A virtual environment made
# with `python3 -m venv --system-site-packages` sees it too. SEGCAST_INSTALL_PYTHON=0 skips it;
# `bash scripts/install_python.sh --remove` takes it out. Run as root (or with sudo available).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${SEGCAST_BUILD_DIR:-$root/build}
python=/usr/bin/python3
[ "${SEGCAST_INSTALL_PYTHON:-1}" = 1 ] || exit 0
site=$("$python" -c 'import site; print(site.getsitepackages()[0])')
sudo=""
if [ "$(id -u)" -ne 0 ] && [ ! -w "$site" ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install_python: $site is not writable and sudo is absent; use PYTHONPATH=$build_dir/python"
    exit 0
  fi
  sudo="sudo"
fi
if [ "${1:-}" = "--remove" ]; then
  $sudo rm -f "$site/segcast.pth"
  echo "install_python: removed $site/segcast.pth"
  exit 0
fi
if ! ls "$build_dir"/python/segcast/_segcast*.so >/dev/null 2>&1; then
  echo "install_python: no Python module in $build_dir/python (pybind11 missing?); nothing installed"
  exit 0
fi
$sudo mkdir -p "$site"
echo "$build_dir/python" | $sudo tee "$site/segcast.pth" >/dev/null
"$python" -c 'import segcast, sys; sys.stdout.write("install_python: %s imports segcast from %s\n" % (sys.executable, segcast.__file__))'
