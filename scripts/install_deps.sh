#!/usr/bin/env bash
# Installs the Debian 12 / Ubuntu 24.04 packages that zoo-bench needs to build, test and run on the CPU.
# Only missing packages are installed; when nothing is missing, nothing (not even apt-get update) runs.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libopencv-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev
  python3 python3-onnx python3-numpy
  clang-14 libclang-rt-14-dev
  curl ca-certificates xz-utils
)

usage() {
  cat <<EOF
Usage: scripts/install_deps.sh [--check] [--help]

Installs the Debian/Ubuntu packages zoo-bench needs, skipping those already installed:
  ${PACKAGES[*]}
Runs apt-get update once, and only when something is missing. Uses sudo when not root.
On Ubuntu, libcli11-dev, nlohmann-json3-dev and python3-onnx come from the 'universe' component.

  --check   only report the missing packages; exit 1 if any are missing
  --help    show this help
EOF
}

die() { echo "install_deps: error: $*" >&2; exit 1; }

check_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --check) check_only=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see scripts/install_deps.sh --help)" ;;
  esac
  shift
done

command -v dpkg-query >/dev/null 2>&1 ||
  die "dpkg-query not found: this script supports Debian/Ubuntu only; install these yourself: ${PACKAGES[*]}"

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_deps: all ${#PACKAGES[@]} packages are installed"
  exit 0
fi
echo "install_deps: missing: ${missing[*]}"
if [[ $check_only -eq 1 ]]; then
  exit 1
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these packages yourself: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 ||
    die "not root and sudo is not installed; run as root: apt-get install ${missing[*]}"
  sudo_cmd=(sudo)
fi
apt=("${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)

"${apt[@]}" update -q || die "apt-get update failed; check /etc/apt/sources.list* and the network, then rerun"

unavailable=()
for pkg in "${missing[@]}"; do
  candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [[ -n "$candidate" && "$candidate" != "(none)" ]] || unavailable+=("$pkg")
done
if [[ ${#unavailable[@]} -gt 0 ]]; then
  die "no apt source offers: ${unavailable[*]}; on Ubuntu enable universe (sudo add-apt-repository universe), then rerun"
fi

"${apt[@]}" install -y -q --no-install-recommends "${missing[@]}" ||
  die "apt-get install failed for: ${missing[*]} (see apt's message above)"
echo "install_deps: installed ${missing[*]}"
