#!/usr/bin/env bash
# Installs every Debian package zeekgraph needs to build, test and benchmark.
# Idempotent: skips apt-get when everything is already present.
set -euo pipefail
PKGS=(build-essential cmake ninja-build pkg-config git
      zlib1g-dev libisal-dev isal libsimdjson-dev libcli11-dev libfmt-dev libmicrohttpd-dev libre2-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      python3 python3-pandas python3-networkx python3-distributed curl wrk time)
# The Python package (python/, `pip install .`) and the notebook test.
PKGS+=(python3-dev python3-pybind11 pybind11-dev python3-venv python3-pip python3-setuptools python3-wheel
       python3-numpy python3-nbclient python3-ipykernel python3-nbformat)
# The web UI is bundled with node/npm at build time; browser tests use Debian's chromium.
command -v npm >/dev/null || PKGS+=(nodejs npm)
[[ ${ZEEKGRAPH_BROWSER_TESTS:-1} == 1 ]] && PKGS+=(chromium)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
