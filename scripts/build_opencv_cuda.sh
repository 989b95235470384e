#!/usr/bin/env bash
# Build a minimal OpenCV 4.10.0 for zoo-bench (with or without CUDA) and install it into a prefix.
#
# Run with --help for the options. The facts this script relies on (Debian's +dfsg source, the
# CUDA 13 breakages and their fixes, the measured build times) are in GUIDE.md sections 2-4.
set -euo pipefail

readonly OPENCV_VERSION=4.10.0
readonly SCRIPT_NAME=${0##*/}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly PATCH_DIR="$SCRIPT_DIR/opencv_patches/$OPENCV_VERSION"
readonly CACHE_ROOT="${HOME:-/root}/.cache/zoo-bench"

# Debian's repack of 4.10.0 (trixie, 4.10.0+dfsg-5): file, size in bytes, SHA-256.
readonly DEB_VERSION=4.10.0+dfsg-5
readonly DEB_ORIG=opencv_4.10.0+dfsg.orig.tar.xz
readonly DEB_ORIG_SIZE=77603312
readonly DEB_ORIG_SHA256=4ca619efbad524c550771ab110332fc81293fb720bd03980fe58bc15f9ca3be8
readonly DEB_CONTRIB=opencv_4.10.0+dfsg.orig-contrib.tar.xz
readonly DEB_CONTRIB_SIZE=50001392
readonly DEB_CONTRIB_SHA256=bc499ce3a1421b2474c20cce9949a574311bb3b6a71a5527e00e6f71cdb646b9

readonly UPSTREAM_URL=https://github.com/opencv/opencv/archive/refs/tags/$OPENCV_VERSION.tar.gz
readonly UPSTREAM_CONTRIB_URL=https://github.com/opencv/opencv_contrib/archive/refs/tags/$OPENCV_VERSION.tar.gz

# The OpenCV modules zoo-bench needs; the source is pruned to these (plus highgui, kept for
# --with-highgui) and contrib's cudev.
readonly CORE_MODULES=core,imgproc,imgcodecs,dnn,video,objdetect,calib3d,features2d,flann,videoio
readonly SOURCE_MODULES="core imgproc imgcodecs dnn video objdetect calib3d features2d flann videoio highgui"
readonly CONTRIB_MODULES="cudev"

# ---------------------------------------------------------------------------------------------
# Options and their defaults
PREFIX=""
BUILD_DIR=""
DOWNLOAD_DIR="$CACHE_ROOT/downloads"
JOBS=""
CUDA=1
CUDA_ARCH_BIN=""
PTX=0
FAST_MATH=0
WITH_HIGHGUI=0
SOURCE=auto
SOURCE_DIR=""
CONTRIB_DIR=""
SOURCE_TARBALL=""
CONTRIB_TARBALL=""
PACK_SOURCE=""
PACK_INSTALL=""
INSTALL_DEPS=0
SMOKE_TEST=1
USE_CCACHE=0
DRY_RUN=0
EXTRA_CMAKE_ARGS=()

usage() {
    cat <<EOF
Usage: $SCRIPT_NAME [options]

Builds OpenCV $OPENCV_VERSION with only the modules zoo-bench needs
($CORE_MODULES, plus contrib's cudev when CUDA is on), installs it (stripped) into a prefix and
prints the configure and build times and what the build says about CUDA, cuDNN and the GPU
architectures it was compiled for.

Where it goes:
  --prefix DIR            install prefix
                          (default: \$HOME/.cache/zoo-bench/opencv-4.10-cuda, or ...-cpu with --cpu-only)
  --build-dir DIR         unpacked source, build tree and logs
                          (default: \$HOME/.cache/zoo-bench/build/<basename of the prefix>)
  --download-dir DIR      where downloaded tarballs are kept and reused
                          (default: \$HOME/.cache/zoo-bench/downloads)
  --jobs N                parallel compile jobs (default: nproc, here $(nproc 2>/dev/null || echo 1))

What it builds:
  --cpu-only              WITH_CUDA=OFF and no cudev; same module list otherwise
  --cuda-arch-bin LIST    GPU architectures to compile for, e.g. 9.0 or "8.6;9.0" (CUDA_ARCH_BIN).
                          Default: the compute capabilities of all GPUs that
                          'nvidia-smi --query-gpu=compute_cap --format=csv,noheader' lists.
                          Without a GPU you must give it (or use --cpu-only). A build for the wrong
                          architecture compiles fine and then cannot run on the GPU.
  --ptx / --no-ptx        also embed PTX for the newest architecture (CUDA_ARCH_PTX), so that newer
                          GPUs can JIT-compile the kernels. Default: --no-ptx (smaller, faster build;
                          runs only on the listed architectures).
  --fast-math             CUDA_FAST_MATH=ON and ENABLE_FAST_MATH=ON. Default: both OFF, because
                          they change numerics; record it with your results if you turn it on.
  --with-highgui          add highgui to the module list (no GUI backend; zoo-bench does not need it)
  --ccache                let OpenCV use ccache if installed (default: off, so timings are honest)
  --cmake-arg ARG         pass ARG (e.g. -DWITH_FFMPEG=ON) to cmake; may be repeated

Where the source comes from (one of):
  --source auto           debian on a Debian system (apt-get and /etc/apt/sources.list.d/debian.sources
                          present), upstream otherwise. This is the default.
  --source debian         Debian's $DEB_VERSION repack (no 3rdparty/), fetched with apt-get in a
                          private apt state folder (nothing in /etc changes); the two tarballs'
                          sizes and SHA-256 sums are checked, apt's exit code is not trusted.
  --source upstream       GitHub release tarballs of opencv and opencv_contrib (needs network;
                          curl gives up after 15 s without a connection, 600 s per file).
  --source-dir DIR        an unpacked opencv $OPENCV_VERSION tree, used in place (the CUDA 13 patches
                          are applied to it); with --contrib-dir DIR (opencv_contrib tree) for CUDA
  --source-tarball FILE   a tarball made by --pack-source, or any opencv $OPENCV_VERSION tarball;
                          with --contrib-tarball FILE when FILE holds no opencv_contrib tree

What to do with it:
  --pack-source OUT.tar.xz  only obtain the source, prune it to what this build needs (about 6 MB)
                          and write it to OUT.tar.xz for --source-tarball (e.g. on a machine
                          without network), then exit
  --pack-install OUT.tar.xz after installing, also write the install prefix to OUT.tar.xz
                          (one top folder, named like the prefix; OpenCVConfig.cmake is relocatable)
  --install-deps          apt-get install missing build dependencies (root only)
  --no-smoke-test         skip the small program that is compiled against the install and run
                          (build facts, CUDA devices, a convolution on every CUDA target)
  --dry-run               print the cmake command line that would be used and exit
  -h, --help              this text

The build uses system protobuf, zlib, libpng and libjpeg; it needs cmake, ninja, a C++ compiler,
protobuf-compiler, libprotobuf-dev, zlib1g-dev, libpng-dev and libjpeg-dev (plus CUDA, cuDNN and
cuBLAS for a CUDA build); it says which are missing. IPP, ITT, OpenCL, quirc, flatbuffers (TFLite
import), FFmpeg, GStreamer, GUI backends, tests, apps, Python and Java are off.
CUDA builds apply the patches in scripts/opencv_patches/$OPENCV_VERSION/ (needed for CUDA 13,
harmless for older CUDA) and pass -DCUDA_NVCC_FLAGS=-std=c++17 when nvcc is 13 or newer.

Examples:
  $SCRIPT_NAME --source debian --pack-source .devcache/opencv-$OPENCV_VERSION-src.tar.xz
  $SCRIPT_NAME --source-tarball .devcache/opencv-$OPENCV_VERSION-src.tar.xz --cuda-arch-bin 9.0
  $SCRIPT_NAME --cpu-only --jobs 2
EOF
}

# ---------------------------------------------------------------------------------------------
# Helpers
log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
    printf '[%s] ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2
    exit 1
}

need_arg() { # option value
    [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value (see --help)"
}

abspath() { # path (need not exist)
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$PWD" "$1" ;;
    esac
}

now() { date +%s; }

CHILD_PID=""
cleanup() {
    if [[ -n "$CHILD_PID" ]] && kill -0 "$CHILD_PID" 2>/dev/null; then
        kill "$CHILD_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command with its output in LOG, printing the log's last line once a minute.
run_logged() { # log command...
    local logfile=$1
    shift
    "$@" >"$logfile" 2>&1 &
    CHILD_PID=$!
    local ticks=0 rc=0
    while kill -0 "$CHILD_PID" 2>/dev/null; do
        sleep 1
        ticks=$((ticks + 1))
        if ((ticks % 60 == 0)); then
            # the newest ninja progress line ("[n/N] ...")
            printf '[%s]   ... %d s: %s\n' "$SCRIPT_NAME" "$ticks" "$(grep -a '^\[[0-9]*/[0-9]*\]' "$logfile" | tail -n 1 | cut -c1-110)"
        fi
    done
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=""
    return "$rc"
}

fail_with_log() { # log message
    printf '[%s] ---- last 40 lines of %s ----\n' "$SCRIPT_NAME" "$1" >&2
    tail -n 40 "$1" >&2 || true
    die "$2 (full log: $1)"
}

file_size() { stat -c %s "$1"; }
file_sha256() { sha256sum "$1" | cut -d' ' -f1; }

# Succeeds when FILE has exactly SIZE bytes and SHA-256 SUM.
verify_file() { # file size sum
    [[ -f "$1" ]] || return 1
    local size sum
    size=$(file_size "$1")
    if [[ "$size" != "$2" ]]; then
        warn "$1: $size bytes, expected $2"
        return 1
    fi
    sum=$(file_sha256 "$1")
    if [[ "$sum" != "$3" ]]; then
        warn "$1: SHA-256 $sum, expected $3"
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Argument parsing
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help)
            usage
            exit 0
            ;;
        --prefix) need_arg "$@"; PREFIX=$2; shift ;;
        --build-dir) need_arg "$@"; BUILD_DIR=$2; shift ;;
        --download-dir) need_arg "$@"; DOWNLOAD_DIR=$2; shift ;;
        --jobs) need_arg "$@"; JOBS=$2; shift ;;
        --cpu-only) CUDA=0 ;;
        --cuda-arch-bin) need_arg "$@"; CUDA_ARCH_BIN=$2; shift ;;
        --ptx) PTX=1 ;;
        --no-ptx) PTX=0 ;;
        --fast-math) FAST_MATH=1 ;;
        --with-highgui) WITH_HIGHGUI=1 ;;
        --ccache) USE_CCACHE=1 ;;
        --cmake-arg) need_arg "$@"; EXTRA_CMAKE_ARGS+=("$2"); shift ;;
        --source) need_arg "$@"; SOURCE=$2; shift ;;
        --source-dir) need_arg "$@"; SOURCE_DIR=$2; shift ;;
        --contrib-dir) need_arg "$@"; CONTRIB_DIR=$2; shift ;;
        --source-tarball) need_arg "$@"; SOURCE_TARBALL=$2; shift ;;
        --contrib-tarball) need_arg "$@"; CONTRIB_TARBALL=$2; shift ;;
        --pack-source) need_arg "$@"; PACK_SOURCE=$2; shift ;;
        --pack-install) need_arg "$@"; PACK_INSTALL=$2; shift ;;
        --install-deps) INSTALL_DEPS=1 ;;
        --no-smoke-test) SMOKE_TEST=0 ;;
        --dry-run) DRY_RUN=1 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done

[[ -z "$JOBS" ]] && JOBS=$(nproc 2>/dev/null || echo 1)
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number, not '$JOBS'"
case "$SOURCE" in auto | debian | upstream) ;; *) die "--source must be auto, debian or upstream, not '$SOURCE'" ;; esac
if [[ -n "$SOURCE_DIR" && -n "$SOURCE_TARBALL" ]]; then
    die "give either --source-dir or --source-tarball, not both"
fi
if [[ -n "$CONTRIB_DIR" && -z "$SOURCE_DIR" ]]; then die "--contrib-dir goes with --source-dir"; fi
if [[ -n "$CONTRIB_TARBALL" && -z "$SOURCE_TARBALL" ]]; then die "--contrib-tarball goes with --source-tarball"; fi
if [[ -n "$PACK_SOURCE" && "$PACK_SOURCE" != *.tar.xz ]]; then die "--pack-source wants a name ending in .tar.xz"; fi
if [[ -n "$PACK_INSTALL" && "$PACK_INSTALL" != *.tar.xz ]]; then die "--pack-install wants a name ending in .tar.xz"; fi

VARIANT=cuda
if ((!CUDA)); then VARIANT=cpu; fi
[[ -n "$PREFIX" ]] || PREFIX="$CACHE_ROOT/opencv-4.10-$VARIANT"
PREFIX=$(abspath "$PREFIX")
PREFIX=${PREFIX%/}
[[ -n "$BUILD_DIR" ]] || BUILD_DIR="$CACHE_ROOT/build/$(basename "$PREFIX")"
BUILD_DIR=$(abspath "$BUILD_DIR")
DOWNLOAD_DIR=$(abspath "$DOWNLOAD_DIR")
[[ -z "$SOURCE_DIR" ]] || SOURCE_DIR=$(abspath "$SOURCE_DIR")
[[ -z "$CONTRIB_DIR" ]] || CONTRIB_DIR=$(abspath "$CONTRIB_DIR")
[[ -z "$SOURCE_TARBALL" ]] || SOURCE_TARBALL=$(abspath "$SOURCE_TARBALL")
[[ -z "$CONTRIB_TARBALL" ]] || CONTRIB_TARBALL=$(abspath "$CONTRIB_TARBALL")
[[ -z "$PACK_SOURCE" ]] || PACK_SOURCE=$(abspath "$PACK_SOURCE")
[[ -z "$PACK_INSTALL" ]] || PACK_INSTALL=$(abspath "$PACK_INSTALL")

if [[ "$SOURCE" == auto ]]; then
    if command -v apt-get >/dev/null && [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        SOURCE=debian
    else
        SOURCE=upstream
    fi
fi

# ---------------------------------------------------------------------------------------------
# Dependencies

# Prints the Debian/Ubuntu packages whose tools or headers are missing (one per line).
missing_packages() {
    local cxx=${CXX:-c++}
    command -v cmake >/dev/null || echo cmake
    command -v ninja >/dev/null || echo ninja-build
    command -v "$cxx" >/dev/null || echo g++
    command -v protoc >/dev/null || echo protobuf-compiler
    command -v patch >/dev/null || echo patch
    command -v xz >/dev/null || echo xz-utils
    if command -v "$cxx" >/dev/null; then
        local header pkg
        for pair in google/protobuf/message.h:libprotobuf-dev zlib.h:zlib1g-dev png.h:libpng-dev \
            jpeglib.h:libjpeg-dev; do
            header=${pair%%:*}
            pkg=${pair#*:}
            printf '#include <%s>\n' "$header" | "$cxx" -std=c++17 -E -x c++ - >/dev/null 2>&1 || echo "$pkg"
        done
    fi
}

check_build_deps() {
    local missing
    missing=$(missing_packages | sort -u | tr '\n' ' ')
    missing=${missing% }
    if [[ -n "$missing" ]]; then
        if ((INSTALL_DEPS)); then
            [[ $EUID -eq 0 ]] || die "--install-deps needs root; run: sudo apt-get install -y --no-install-recommends $missing"
            command -v apt-get >/dev/null || die "--install-deps needs apt-get; install: $missing"
            log "installing: $missing"
            apt-get update -qq
            # shellcheck disable=SC2086  # word splitting of the package list is intended
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
            missing=$(missing_packages | sort -u | tr '\n' ' ')
            missing=${missing% }
            [[ -z "$missing" ]] || die "still missing after apt-get install: $missing"
        else
            die "missing build dependencies: $missing
  install them with: apt-get install -y --no-install-recommends $missing   (or rerun with --install-deps as root)"
        fi
    fi
    log "build dependencies: cmake $(cmake --version | sed -n 1p | awk '{print $3}'), ninja $(ninja --version), $("${CXX:-c++}" --version | sed -n 1p), $(protoc --version)"
}

# ---------------------------------------------------------------------------------------------
# CUDA facts
NVCC=""
NVCC_VERSION=""
NVCC_MAJOR=0
CUDNN_INCLUDE=""
CUDNN_LIB=""
DETECTED_CC=""

find_nvcc() {
    if command -v nvcc >/dev/null; then
        NVCC=$(command -v nvcc)
    elif [[ -x /usr/local/cuda/bin/nvcc ]]; then
        NVCC=/usr/local/cuda/bin/nvcc
        PATH="/usr/local/cuda/bin:$PATH"
    else
        return 1
    fi
    NVCC_VERSION=$("$NVCC" --version | sed -n 's/.*release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | sed -n 1p)
    NVCC_MAJOR=${NVCC_VERSION%%.*}
    [[ "$NVCC_MAJOR" =~ ^[0-9]+$ ]] || NVCC_MAJOR=0
}

# Sets DETECTED_CC to the de-duplicated compute capabilities of all visible GPUs ("8.6;9.0").
detect_gpus() {
    command -v nvidia-smi >/dev/null || return 0
    local caps
    caps=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d ' \r' |
        grep -E '^[0-9]+\.[0-9]+$' | sort -u -V | paste -sd';' -) || true
    DETECTED_CC=$caps
}

normalize_arch_list() { # "8.0, 9.0 ;8.6" -> "8.0;8.6;9.0"
    local list item out=()
    list=$(printf '%s' "$1" | tr ',; ' '\n' | sed '/^$/d' | sort -u -V)
    for item in $list; do
        [[ "$item" =~ ^[0-9]+\.[0-9]+$ ]] || die "--cuda-arch-bin: '$item' is not a compute capability like 9.0"
        out+=("$item")
    done
    ((${#out[@]} > 0)) || die "--cuda-arch-bin is empty"
    (
        IFS=';'
        printf '%s\n' "${out[*]}"
    )
}

find_cudnn() {
    local multiarch
    multiarch="$(uname -m)-linux-gnu"
    if [[ -f "/usr/include/$multiarch/cudnn_version.h" || -f "/usr/include/$multiarch/cudnn.h" ]]; then
        CUDNN_INCLUDE="/usr/include/$multiarch"
        local lib
        for lib in "/usr/lib/$multiarch/libcudnn.so" "/usr/lib/$multiarch/libcudnn.so.9" "/usr/lib/$multiarch/libcudnn.so.8"; do
            if [[ -e "$lib" ]]; then
                CUDNN_LIB=$lib
                break
            fi
        done
    fi
}

resolve_cuda() {
    find_nvcc || die "CUDA build asked for, but nvcc is neither on PATH nor in /usr/local/cuda/bin (install the CUDA toolkit, or use --cpu-only)"
    detect_gpus
    if [[ -z "$CUDA_ARCH_BIN" ]]; then
        [[ -n "$DETECTED_CC" ]] || die "no GPU found (nvidia-smi is missing or lists no GPU) and no --cuda-arch-bin given.
  Name the target GPU's compute capability, e.g. --cuda-arch-bin 9.0 for an H100 (8.0 A100, 8.6 RTX 30xx/A10,
  8.9 L4/RTX 40xx, 12.0 RTX 50xx), or build without CUDA with --cpu-only."
        CUDA_ARCH_BIN=$DETECTED_CC
        log "GPU compute capability detected with nvidia-smi: $CUDA_ARCH_BIN"
    fi
    CUDA_ARCH_BIN=$(normalize_arch_list "$CUDA_ARCH_BIN")
    CUDA_ARCH_PTX=""
    if ((PTX)); then
        CUDA_ARCH_PTX=$(printf '%s\n' "${CUDA_ARCH_BIN//;/$'\n'}" | sort -V | tail -n1)
    fi
    # Architectures this nvcc cannot compile for fail late and obscurely inside the build: check now.
    local supported arch
    supported=$("$NVCC" --list-gpu-code 2>/dev/null | sed -n 's/^sm_\([0-9]*\)[a-z]*$/\1/p' | sort -n -u | tr '\n' ' ') || true
    supported=${supported% }
    if [[ -n "$supported" ]]; then
        for arch in ${CUDA_ARCH_BIN//;/ }; do
            [[ " $supported " == *" ${arch/./} "* ]] ||
                die "nvcc $NVCC_VERSION cannot compile for compute capability $arch (it supports sm_${supported// / sm_})"
        done
    fi
    # The classic trap: warn when a visible GPU is covered neither by a binary nor by PTX.
    if [[ -n "$DETECTED_CC" ]]; then
        local cc
        for cc in ${DETECTED_CC//;/ }; do
            if [[ ";$CUDA_ARCH_BIN;" != *";$cc;"* ]]; then
                if [[ -n "$CUDA_ARCH_PTX" ]] && [[ "$(printf '%s\n%s\n' "$CUDA_ARCH_PTX" "$cc" | sort -V | sed -n 1p)" == "$CUDA_ARCH_PTX" ]]; then
                    warn "this machine's GPU is compute capability $cc; the build covers it only through PTX $CUDA_ARCH_PTX (JIT-compiled at first use)"
                else
                    warn "this machine's GPU is compute capability $cc, which CUDA_ARCH_BIN=$CUDA_ARCH_BIN (PTX: ${CUDA_ARCH_PTX:-none}) does not cover: this OpenCV will NOT run CUDA kernels on it"
                fi
            fi
        done
    fi
    find_cudnn
    log "CUDA: nvcc $NVCC_VERSION ($NVCC), CUDA_ARCH_BIN=$CUDA_ARCH_BIN, CUDA_ARCH_PTX=${CUDA_ARCH_PTX:-none}, cuDNN headers: ${CUDNN_INCLUDE:-default search}"
}

# ---------------------------------------------------------------------------------------------
# Source: obtain, prune, unpack

fetch_debian() {
    mkdir -p "$DOWNLOAD_DIR"
    local orig="$DOWNLOAD_DIR/$DEB_ORIG" contrib="$DOWNLOAD_DIR/$DEB_CONTRIB"
    if verify_file "$orig" "$DEB_ORIG_SIZE" "$DEB_ORIG_SHA256" 2>/dev/null &&
        verify_file "$contrib" "$DEB_CONTRIB_SIZE" "$DEB_CONTRIB_SHA256" 2>/dev/null; then
        log "Debian source tarballs already in $DOWNLOAD_DIR (sizes and SHA-256 match)"
        return 0
    fi
    command -v apt-get >/dev/null || die "--source debian needs apt-get (use --source upstream or --source-tarball)"
    local state
    state=$(mktemp -d)
    mkdir -p "$state/lists/partial" "$state/parts"
    # A deb-src entry for trixie, derived from the system's main Debian stanza, in a private apt
    # state folder: nothing in /etc or /var/lib/apt changes.
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        awk 'BEGIN{RS=""} NR==1' /etc/apt/sources.list.d/debian.sources |
            sed -e 's/^Types: .*/Types: deb-src/' -e 's/^Suites: .*/Suites: trixie/' >"$state/parts/trixie-src.sources"
    elif [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
        printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: trixie" "Components: main" \
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$state/parts/trixie-src.sources"
    else
        rm -rf "$state"
        die "--source debian needs /etc/apt/sources.list.d/debian.sources or Debian's archive keyring (use --source upstream)"
    fi
    local apt_opts=(-o "Dir::Etc::SourceParts=$state/parts" -o Dir::Etc::SourceList=/dev/null
        -o "Dir::State::Lists=$state/lists" -o Acquire::Retries=1 -o Acquire::http::Timeout=30)
    [[ $EUID -ne 0 ]] || apt_opts+=(-o APT::Sandbox::User=root)
    log "fetching Debian's opencv=$DEB_VERSION source with apt-get (private state in $state)"
    (
        cd "$DOWNLOAD_DIR"
        apt-get "${apt_opts[@]}" update >"$state/update.log" 2>&1 || true
        # The mirror may answer 404 for the .dsc while both tarballs download fine: the exit code is
        # not trusted, the tarballs' sizes and sums are checked below.
        apt-get "${apt_opts[@]}" source --download-only "opencv=$DEB_VERSION" >"$state/source.log" 2>&1 || true
    )
    if ! verify_file "$orig" "$DEB_ORIG_SIZE" "$DEB_ORIG_SHA256" ||
        ! verify_file "$contrib" "$DEB_CONTRIB_SIZE" "$DEB_CONTRIB_SHA256"; then
        tail -n 15 "$state/update.log" "$state/source.log" >&2 || true
        die "could not get Debian's opencv $DEB_VERSION source tarballs with the expected sizes and SHA-256 sums (no network, or the archive changed); try --source upstream"
    fi
    rm -rf "$state"
    log "Debian source tarballs verified: $DEB_ORIG ($DEB_ORIG_SIZE bytes), $DEB_CONTRIB ($DEB_CONTRIB_SIZE bytes)"
}

download() { # url file
    [[ -s "$2" ]] && return 0
    command -v curl >/dev/null || die "--source upstream needs curl"
    log "downloading $1"
    if ! curl --fail --location --silent --show-error --connect-timeout 15 --max-time 600 -o "$2.part" "$1"; then
        rm -f "$2.part"
        die "could not download $1 (no network?). On a machine without network, pack the source elsewhere
  with --pack-source and build here with --source-tarball."
    fi
    if ! gzip -t "$2.part" 2>/dev/null; then
        rm -f "$2.part"
        die "$1 did not download as a valid .tar.gz"
    fi
    mv "$2.part" "$2"
}

fetch_upstream() {
    mkdir -p "$DOWNLOAD_DIR"
    download "$UPSTREAM_URL" "$DOWNLOAD_DIR/opencv-$OPENCV_VERSION.tar.gz"
    download "$UPSTREAM_CONTRIB_URL" "$DOWNLOAD_DIR/opencv_contrib-$OPENCV_VERSION.tar.gz"
    log "upstream tarballs (GitHub publishes no checksums; recorded for reference):"
    log "  $(file_sha256 "$DOWNLOAD_DIR/opencv-$OPENCV_VERSION.tar.gz")  opencv-$OPENCV_VERSION.tar.gz"
    log "  $(file_sha256 "$DOWNLOAD_DIR/opencv_contrib-$OPENCV_VERSION.tar.gz")  opencv_contrib-$OPENCV_VERSION.tar.gz"
}

# The paths of an opencv tree that this build needs (relative to the tree's top folder).
opencv_keep_paths() {
    local m
    printf '%s\n' CMakeLists.txt LICENSE COPYRIGHT README.md cmake include platforms data/CMakeLists.txt doc/CMakeLists.txt
    for m in $SOURCE_MODULES; do printf 'modules/%s\n' "$m"; done
}
contrib_keep_paths() {
    local m
    printf '%s\n' LICENSE README.md
    for m in $CONTRIB_MODULES; do printf 'modules/%s\n' "$m"; done
}

# Top folders of a tarball that hold an opencv tree and an opencv_contrib tree: sets
# TB_OPENCV_TOP / TB_CONTRIB_TOP (empty when absent).
TB_OPENCV_TOP=""
TB_CONTRIB_TOP=""
tarball_tops() { # tarball
    local listing
    listing=$(tar -tf "$1" 2>/dev/null | sed 's|^\./||') || die "cannot read tarball $1"
    TB_OPENCV_TOP=$(sed -n 's|^\([^/]*\)/modules/core/CMakeLists.txt$|\1|p' <<<"$listing" | sed -n 1p)
    TB_CONTRIB_TOP=$(sed -n 's|^\([^/]*\)/modules/cudev/CMakeLists.txt$|\1|p' <<<"$listing" | sed -n 1p)
    TB_LISTING=$listing
}
TB_LISTING=""

# Unpacks only the needed parts of tree TOP in TARBALL into DEST/NAME, dropping test/perf folders.
extract_pruned() { # tarball top name(opencv|contrib) dest
    local tarball=$1 top=$2 kind=$3 dest=$4 target p members=()
    if [[ $kind == opencv ]]; then target="$dest/opencv-$OPENCV_VERSION"; else target="$dest/opencv_contrib-$OPENCV_VERSION"; fi
    while IFS= read -r p; do
        if grep -Fqx -e "$top/$p" -e "$top/$p/" <<<"$TB_LISTING"; then members+=("$top/$p"); fi
    done < <(if [[ $kind == opencv ]]; then opencv_keep_paths; else contrib_keep_paths; fi)
    rm -rf "$target" "$dest/.unpack"
    mkdir -p "$dest/.unpack"
    tar -xf "$tarball" -C "$dest/.unpack" --no-same-owner "${members[@]}"
    mv "$dest/.unpack/$top" "$target"
    rmdir "$dest/.unpack"
    rm -rf "$target"/modules/*/test "$target"/modules/*/perf
}

# Copies the needed parts of an unpacked tree SRC into DEST/NAME (for --pack-source from a directory).
copy_pruned() { # srcdir kind dest
    local src=$1 kind=$2 dest=$3 target p members=()
    if [[ $kind == opencv ]]; then target="$dest/opencv-$OPENCV_VERSION"; else target="$dest/opencv_contrib-$OPENCV_VERSION"; fi
    while IFS= read -r p; do
        [[ -e "$src/$p" ]] && members+=("$p")
    done < <(if [[ $kind == opencv ]]; then opencv_keep_paths; else contrib_keep_paths; fi)
    rm -rf "$target"
    mkdir -p "$target"
    tar -C "$src" -cf - "${members[@]}" | tar -C "$target" -xf -
    rm -rf "$target"/modules/*/test "$target"/modules/*/perf
}

check_opencv_tree() { # dir
    local v=$1/modules/core/include/opencv2/core/version.hpp major minor rev
    [[ -f "$v" ]] || die "$1 is not an opencv source tree (no modules/core/include/opencv2/core/version.hpp)"
    major=$(sed -n 's/^#define CV_VERSION_MAJOR *\([0-9]*\).*/\1/p' "$v")
    minor=$(sed -n 's/^#define CV_VERSION_MINOR *\([0-9]*\).*/\1/p' "$v")
    rev=$(sed -n 's/^#define CV_VERSION_REVISION *\([0-9]*\).*/\1/p' "$v")
    [[ "$major.$minor.$rev" == "$OPENCV_VERSION" ]] ||
        die "$1 is OpenCV $major.$minor.$rev; this script (and its patches) are for $OPENCV_VERSION"
}

# Puts a pruned opencv (and contrib) tree into DEST; sets SRC_OPENCV, SRC_CONTRIB, SOURCE_ORIGIN.
SRC_OPENCV=""
SRC_CONTRIB=""
SOURCE_ORIGIN=""
stage_source() { # dest want_contrib(0|1)
    local dest=$1 want_contrib=$2
    mkdir -p "$dest"
    if [[ -n "$SOURCE_TARBALL" ]]; then
        [[ -f "$SOURCE_TARBALL" ]] || die "--source-tarball $SOURCE_TARBALL does not exist"
        local stamp="$dest/.source-stamp" sum
        sum="$(file_sha256 "$SOURCE_TARBALL") ${CONTRIB_TARBALL:+$(file_sha256 "$CONTRIB_TARBALL")}"
        SOURCE_ORIGIN="tarball $SOURCE_TARBALL (sha256 $(file_sha256 "$SOURCE_TARBALL"))"
        if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" && -d "$dest/opencv-$OPENCV_VERSION" ]]; then
            log "source already unpacked in $dest (same tarball)"
        else
            rm -f "$stamp" "$dest/ZOO_BENCH_SOURCE.txt"
            log "unpacking $SOURCE_TARBALL"
            tarball_tops "$SOURCE_TARBALL"
            [[ -n "$TB_OPENCV_TOP" ]] || die "$SOURCE_TARBALL holds no opencv tree"
            extract_pruned "$SOURCE_TARBALL" "$TB_OPENCV_TOP" opencv "$dest"
            if grep -Fqx 'ZOO_BENCH_SOURCE.txt' <<<"$TB_LISTING"; then
                tar -xf "$SOURCE_TARBALL" -C "$dest" ZOO_BENCH_SOURCE.txt
            fi
            if [[ -n "$CONTRIB_TARBALL" ]]; then
                [[ -f "$CONTRIB_TARBALL" ]] || die "--contrib-tarball $CONTRIB_TARBALL does not exist"
                tarball_tops "$CONTRIB_TARBALL"
            fi
            if [[ -n "$TB_CONTRIB_TOP" ]]; then
                extract_pruned "${CONTRIB_TARBALL:-$SOURCE_TARBALL}" "$TB_CONTRIB_TOP" contrib "$dest"
            else
                rm -rf "$dest/opencv_contrib-$OPENCV_VERSION"
            fi
            printf '%s\n' "$sum" >"$stamp"
        fi
        if [[ -f "$dest/ZOO_BENCH_SOURCE.txt" ]]; then
            SOURCE_ORIGIN+="; packed from: $(sed -n 's/^origin: //p' "$dest/ZOO_BENCH_SOURCE.txt")"
        fi
        SRC_OPENCV="$dest/opencv-$OPENCV_VERSION"
        SRC_CONTRIB="$dest/opencv_contrib-$OPENCV_VERSION"
        [[ -d "$SRC_CONTRIB" ]] || SRC_CONTRIB=""
    elif [[ -n "$SOURCE_DIR" ]]; then
        SRC_OPENCV=$SOURCE_DIR
        SRC_CONTRIB=$CONTRIB_DIR
        SOURCE_ORIGIN="directory $SOURCE_DIR${CONTRIB_DIR:+ + $CONTRIB_DIR}"
    else
        local orig contrib stamp="$dest/.source-stamp" sum
        if [[ "$SOURCE" == debian ]]; then
            fetch_debian
            orig="$DOWNLOAD_DIR/$DEB_ORIG"
            contrib="$DOWNLOAD_DIR/$DEB_CONTRIB"
            SOURCE_ORIGIN="Debian opencv $DEB_VERSION: $DEB_ORIG (sha256 $DEB_ORIG_SHA256), $DEB_CONTRIB (sha256 $DEB_CONTRIB_SHA256)"
        else
            fetch_upstream
            orig="$DOWNLOAD_DIR/opencv-$OPENCV_VERSION.tar.gz"
            contrib="$DOWNLOAD_DIR/opencv_contrib-$OPENCV_VERSION.tar.gz"
            SOURCE_ORIGIN="upstream GitHub tag $OPENCV_VERSION: opencv (sha256 $(file_sha256 "$orig")), opencv_contrib (sha256 $(file_sha256 "$contrib"))"
        fi
        sum="$SOURCE $(file_sha256 "$orig") $(file_sha256 "$contrib")"
        SRC_OPENCV="$dest/opencv-$OPENCV_VERSION"
        SRC_CONTRIB="$dest/opencv_contrib-$OPENCV_VERSION"
        if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" && -d "$SRC_OPENCV" && -d "$SRC_CONTRIB" ]]; then
            log "source already unpacked in $dest"
        else
            rm -f "$stamp"
            log "unpacking the needed parts of $(basename "$orig") and $(basename "$contrib")"
            tarball_tops "$orig"
            [[ -n "$TB_OPENCV_TOP" ]] || die "$orig holds no opencv tree"
            extract_pruned "$orig" "$TB_OPENCV_TOP" opencv "$dest"
            tarball_tops "$contrib"
            [[ -n "$TB_CONTRIB_TOP" ]] || die "$contrib holds no opencv_contrib tree with modules/cudev"
            extract_pruned "$contrib" "$TB_CONTRIB_TOP" contrib "$dest"
            printf '%s\n' "$sum" >"$stamp"
        fi
    fi
    check_opencv_tree "$SRC_OPENCV"
    if ((want_contrib)); then
        [[ -n "$SRC_CONTRIB" && -f "$SRC_CONTRIB/modules/cudev/CMakeLists.txt" ]] ||
            die "a CUDA build needs opencv_contrib's modules/cudev: give --contrib-dir or --contrib-tarball, or a --source-tarball made by --pack-source"
    fi
}

pack_source() {
    local stage
    stage=$(mktemp -d "${TMPDIR:-/tmp}/zoo-bench-pack.XXXXXX")
    local packed=$PACK_SOURCE
    if [[ -n "$SOURCE_DIR" ]]; then
        check_opencv_tree "$SOURCE_DIR"
        copy_pruned "$SOURCE_DIR" opencv "$stage"
        [[ -z "$CONTRIB_DIR" ]] || copy_pruned "$CONTRIB_DIR" contrib "$stage"
        SOURCE_ORIGIN="directory $SOURCE_DIR${CONTRIB_DIR:+ + $CONTRIB_DIR}"
    else
        stage_source "$stage" 0
        rm -f "$stage/.source-stamp"
    fi
    [[ -d "$stage/opencv_contrib-$OPENCV_VERSION" ]] || warn "the packed source has no opencv_contrib (cudev): it will do for --cpu-only builds only"
    {
        printf 'zoo-bench pruned OpenCV source, for scripts/build_opencv_cuda.sh --source-tarball\n'
        printf 'version: %s\n' "$OPENCV_VERSION"
        printf 'origin: %s\n' "$SOURCE_ORIGIN"
        printf 'kept: CMakeLists.txt, cmake/, include/, platforms/, data/ and doc/ CMakeLists.txt, modules: %s (without test/ and perf/); contrib modules: %s\n' "$SOURCE_MODULES" "$CONTRIB_MODULES"
        printf 'licence: Apache-2.0 (see opencv-%s/LICENSE)\n' "$OPENCV_VERSION"
    } >"$stage/ZOO_BENCH_SOURCE.txt"
    touch -r "$stage/opencv-$OPENCV_VERSION/CMakeLists.txt" "$stage/ZOO_BENCH_SOURCE.txt"
    mkdir -p "$(dirname "$packed")"
    local tops=(ZOO_BENCH_SOURCE.txt "opencv-$OPENCV_VERSION")
    [[ ! -d "$stage/opencv_contrib-$OPENCV_VERSION" ]] || tops+=("opencv_contrib-$OPENCV_VERSION")
    log "writing $packed"
    tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - "${tops[@]}" | xz -9 -T0 >"$packed.part"
    mv "$packed.part" "$packed"
    rm -rf "$stage"
    log "packed source: $packed ($(file_size "$packed") bytes, sha256 $(file_sha256 "$packed"))"
}

apply_patches() { # opencv tree
    local tree=$1 p name
    shopt -s nullglob
    local patches=("$PATCH_DIR"/*.patch)
    shopt -u nullglob
    ((${#patches[@]} > 0)) || die "no patches found in $PATCH_DIR"
    for p in "${patches[@]}"; do
        name=${p##*/}
        if (cd "$tree" && patch -p1 -R --dry-run --silent --force <"$p" >/dev/null 2>&1); then
            log "patch $name: already applied"
        elif (cd "$tree" && patch -p1 --forward --dry-run --silent <"$p" >/dev/null 2>&1); then
            (cd "$tree" && patch -p1 --forward --silent --no-backup-if-mismatch <"$p")
            log "patch $name: applied"
        else
            die "patch $name does not apply to $tree (is it an unmodified OpenCV $OPENCV_VERSION?)"
        fi
    done
}

# ---------------------------------------------------------------------------------------------
# Configure, build, install

CMAKE_ARGS=()
compose_cmake_args() {
    local build_list=$CORE_MODULES
    if ((WITH_HIGHGUI)); then build_list+=",highgui"; fi
    if ((CUDA)); then build_list+=",cudev"; fi
    local on_off_fast=OFF ccache=OFF
    if ((FAST_MATH)); then on_off_fast=ON; fi
    if ((USE_CCACHE)); then ccache=ON; fi
    CMAKE_ARGS=(
        -G Ninja
        -DCMAKE_BUILD_TYPE=Release
        "-DCMAKE_INSTALL_PREFIX=$PREFIX"
        -DCMAKE_POLICY_VERSION_MINIMUM=3.5
        "-DBUILD_LIST=$build_list"
        -DBUILD_SHARED_LIBS=ON
        # installed libraries find each other through $ORIGIN, so a prefix unpacked elsewhere
        # (--pack-install) still works; OpenCV's default is the absolute install path
        "-DCMAKE_INSTALL_RPATH=\$ORIGIN"
        # pkg-config generation runs a cmake -P script that CMake 4 rejects (it ignores the policy
        # minimum given here); zoo-bench and most users take OpenCVConfig.cmake instead.
        -DOPENCV_GENERATE_PKGCONFIG=OFF
        "-DENABLE_CCACHE=$ccache"
        "-DENABLE_FAST_MATH=$on_off_fast"
        # nothing but the libraries
        -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_opencv_apps=OFF
        -DBUILD_DOCS=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_python2=OFF -DBUILD_opencv_python3=OFF
        -DBUILD_opencv_js=OFF -DINSTALL_TESTS=OFF -DINSTALL_C_EXAMPLES=OFF -DINSTALL_PYTHON_EXAMPLES=OFF
        # system libraries instead of 3rdparty/ (Debian's +dfsg repack has none)
        -DWITH_PROTOBUF=ON -DBUILD_PROTOBUF=OFF -DPROTOBUF_UPDATE_FILES=ON
        -DBUILD_ZLIB=OFF -DWITH_ZLIB_NG=OFF -DBUILD_PNG=OFF -DWITH_PNG=ON -DWITH_SPNG=OFF
        -DBUILD_JPEG=OFF -DWITH_JPEG=ON
        -DBUILD_TIFF=OFF -DWITH_TIFF=OFF -DBUILD_WEBP=OFF -DWITH_WEBP=OFF
        -DBUILD_OPENJPEG=OFF -DWITH_OPENJPEG=OFF -DBUILD_JASPER=OFF -DWITH_JASPER=OFF
        -DBUILD_OPENEXR=OFF -DWITH_OPENEXR=OFF -DWITH_AVIF=OFF -DWITH_GDAL=OFF -DWITH_GDCM=OFF
        -DBUILD_TBB=OFF -DWITH_TBB=OFF -DBUILD_IPP_IW=OFF -DBUILD_ITT=OFF
        # off: not needed, or would need 3rdparty/ or a download
        -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_OPENCL=OFF -DWITH_QUIRC=OFF -DWITH_FLATBUFFERS=OFF
        -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF -DWITH_OPENMP=OFF -DWITH_OPENVINO=OFF -DWITH_HALIDE=OFF
        -DWITH_VULKAN=OFF -DWITH_WEBNN=OFF -DWITH_TIMVX=OFF -DWITH_CANN=OFF -DWITH_ONNX=OFF
        -DWITH_CAROTENE=OFF -DWITH_KLEIDICV=OFF -DWITH_NDSRVP=OFF -DWITH_OPENVX=OFF
        -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF -DWITH_1394=OFF -DWITH_OBSENSOR=OFF
        -DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_GPHOTO2=OFF -DWITH_ADE=OFF
        -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_OPENGL=OFF -DWITH_VTK=OFF -DWITH_WAYLAND=OFF
    )
    if ((CUDA)); then
        CMAKE_ARGS+=(
            -DWITH_CUDA=ON -DWITH_CUDNN=ON -DOPENCV_DNN_CUDA=ON -DWITH_CUBLAS=ON
            -DWITH_CUFFT=OFF -DWITH_NVCUVID=OFF -DWITH_NVCUVENC=OFF
            "-DCUDA_ARCH_BIN=$CUDA_ARCH_BIN" "-DCUDA_ARCH_PTX=$CUDA_ARCH_PTX"
            "-DCUDA_FAST_MATH=$on_off_fast"
            "-DOPENCV_EXTRA_MODULES_PATH=${SRC_CONTRIB:-<contrib>}/modules"
        )
        [[ -z "$NVCC" ]] || CMAKE_ARGS+=("-DCUDA_TOOLKIT_ROOT_DIR=$(dirname "$(dirname "$NVCC")")")
        if ((NVCC_MAJOR >= 13)); then CMAKE_ARGS+=(-DCUDA_NVCC_FLAGS=-std=c++17); fi
        [[ -z "$CUDNN_INCLUDE" ]] || CMAKE_ARGS+=("-DCUDNN_INCLUDE_DIR=$CUDNN_INCLUDE")
        [[ -z "$CUDNN_LIB" ]] || CMAKE_ARGS+=("-DCUDNN_LIBRARY=$CUDNN_LIB")
    else
        CMAKE_ARGS+=(-DWITH_CUDA=OFF -DOPENCV_DNN_CUDA=OFF)
    fi
    CMAKE_ARGS+=("${EXTRA_CMAKE_ARGS[@]}")
}

# The lines of OpenCV's configure summary that say what matters here.
summary_lines() { # configure log
    grep -E '^-- +(Version control|To be built|Disabled|Baseline|Dispatched code generation|Parallel framework|NVIDIA CUDA|NVIDIA GPU arch|NVIDIA PTX archs|cuDNN|Protobuf|Install to):' "$1" |
        sed 's/^--  */  /' || true
}

SMOKE_SRC=$(
    cat <<'CPP'
// zoo-bench build smoke test: build facts, CUDA devices (through the patched cuda_info.cpp), and a
// 3x3 convolution on the CPU and on every CUDA target, compared with the CPU result.
#include <opencv2/core.hpp>
#include <opencv2/core/cuda.hpp>
#include <opencv2/dnn.hpp>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>

int main() {
    std::cout << "OpenCV " << CV_VERSION << "\n";
    std::istringstream info(cv::getBuildInformation());
    for (std::string line; std::getline(info, line);) {
        if (line.find("NVIDIA") != std::string::npos || line.find("cuDNN") != std::string::npos)
            std::cout << "  buildinfo:" << line << "\n";
    }
    int devices = 0;
    try {
        devices = cv::cuda::getCudaEnabledDeviceCount();
    } catch (const cv::Exception& e) {
        std::cout << "cuda::getCudaEnabledDeviceCount() threw: " << e.what() << "\n";
    }
    std::cout << "cuda::getCudaEnabledDeviceCount() = " << devices << "\n";
    for (int i = 0; i < devices; ++i) {
        try {
            cv::cuda::DeviceInfo d(i);
            std::cout << "  device " << i << ": " << d.name() << ", cc " << d.majorVersion() << "."
                      << d.minorVersion() << ", clockRate " << d.clockRate() << " kHz, memoryClockRate "
                      << d.memoryClockRate() << " kHz, computeMode " << static_cast<int>(d.computeMode())
                      << ", kernelExecTimeout " << d.kernelExecTimeoutEnabled() << ", maxTexture1DLinear "
                      << d.maxTexture1DLinear() << ", isCompatible " << (d.isCompatible() ? "yes" : "NO") << "\n";
        } catch (const cv::Exception& e) {
            std::cout << "  device " << i << ": exception: " << e.what() << "\n";
        }
    }
    if (devices > 0) cv::cuda::printShortCudaDeviceInfo(0);

    cv::dnn::LayerParams lp;
    lp.name = "conv";
    lp.type = "Convolution";
    lp.set("kernel_size", 3);
    lp.set("num_output", 8);
    lp.set("pad", 1);
    lp.set("bias_term", false);
    int wshape[] = {8, 3, 3, 3};
    cv::Mat weights(4, wshape, CV_32F);
    cv::randu(weights, -1.0f, 1.0f);
    lp.blobs.push_back(weights);
    int ishape[] = {1, 3, 32, 32};
    cv::Mat input(4, ishape, CV_32F);
    cv::randu(input, 0.0f, 1.0f);

    auto run = [&](int backend, int target) {
        cv::dnn::Net net;
        net.addLayerToPrev(lp.name, lp.type, lp);
        net.setPreferableBackend(backend);
        net.setPreferableTarget(target);
        net.setInput(input);
        return net.forward().clone();
    };
    cv::Mat ref;
    try {
        ref = run(cv::dnn::DNN_BACKEND_OPENCV, cv::dnn::DNN_TARGET_CPU);
        std::cout << "dnn CPU forward: ok\n";
    } catch (const cv::Exception& e) {
        std::cout << "dnn CPU forward FAILED: " << e.what() << "\n";
        return 1;
    }
    for (int target : cv::dnn::getAvailableTargets(cv::dnn::DNN_BACKEND_CUDA)) {
        const char* name = target == cv::dnn::DNN_TARGET_CUDA_FP16 ? "CUDA_FP16" : "CUDA";
        try {
            cv::Mat out = run(cv::dnn::DNN_BACKEND_CUDA, target);
            std::cout << "dnn " << name << " forward: ok, max |diff| vs CPU = " << cv::norm(out, ref, cv::NORM_INF) << "\n";
        } catch (const cv::Exception& e) {
            std::cout << "dnn " << name << " forward threw (code " << e.code << "): " << e.err << "\n";
        }
    }
    return 0;
}
CPP
)

smoke_test() {
    local dir="$BUILD_DIR/smoke" cxx=${CXX:-c++} ldflags=("-Wl,-rpath,$PREFIX/lib")
    mkdir -p "$dir"
    printf '%s\n' "$SMOKE_SRC" >"$dir/smoke.cpp"
    if [[ -n "$NVCC" ]]; then
        # cuBLAS/cuDNN may live in the toolkit's lib64, which the loader may not search by itself
        local cudalib
        cudalib="$(dirname "$(dirname "$NVCC")")/lib64"
        ldflags+=("-Wl,-rpath-link,$cudalib" "-Wl,-rpath,$cudalib")
    fi
    if ! "$cxx" -std=c++17 -O1 -o "$dir/smoke" "$dir/smoke.cpp" -I"$PREFIX/include/opencv4" -L"$PREFIX/lib" \
        "${ldflags[@]}" -lopencv_dnn -lopencv_core >"$dir/compile.log" 2>&1; then
        fail_with_log "$dir/compile.log" "the smoke test does not compile or link against $PREFIX"
    fi
    log "smoke test ($dir/smoke):"
    local rc=0
    "$dir/smoke" 2>&1 | sed 's/^/    /' || rc=$?
    ((rc == 0)) || die "the smoke test failed (exit $rc): the installed OpenCV is broken"
}

build_info_file() {
    printf '%s\n' "$PREFIX/share/opencv4/zoo-bench-build-info.txt"
}

main_build() {
    if ((CUDA)); then resolve_cuda; else
        if ((PTX)); then warn "--ptx is ignored with --cpu-only"; fi
        [[ -z "$CUDA_ARCH_BIN" ]] || warn "--cuda-arch-bin is ignored with --cpu-only"
    fi

    if ((DRY_RUN)); then
        [[ -z "$SOURCE_DIR" ]] || SRC_CONTRIB=$CONTRIB_DIR
        [[ -n "$SRC_CONTRIB" ]] || SRC_CONTRIB="$BUILD_DIR/src/opencv_contrib-$OPENCV_VERSION"
        compose_cmake_args
        log "source: ${SOURCE_TARBALL:-${SOURCE_DIR:-$SOURCE}}, build dir: $BUILD_DIR, prefix: $PREFIX, jobs: $JOBS"
        printf 'cmake -S %q -B %q' "${SOURCE_DIR:-$BUILD_DIR/src/opencv-$OPENCV_VERSION}" "$BUILD_DIR/ninja"
        printf ' %q' "${CMAKE_ARGS[@]}"
        printf '\n'
        return 0
    fi

    check_build_deps
    # CMake 4 removed compatibility with cmake_minimum_required(< 3.5), which OpenCV 4.10 still
    # declares in places; the variable goes on the command line and, for the "cmake -P" helper
    # scripts that the build runs, into the environment (CMake 4 reads it from there too).
    export CMAKE_POLICY_VERSION_MINIMUM=3.5
    local t_start t0 t_configure t_build t_install
    t_start=$(now)
    mkdir -p "$BUILD_DIR/logs"
    stage_source "$BUILD_DIR/src" "$CUDA"
    if ((CUDA)); then apply_patches "$SRC_OPENCV"; fi
    compose_cmake_args
    local bdir="$BUILD_DIR/ninja"
    mkdir -p "$bdir"
    {
        printf 'cmake -S %q -B %q' "$SRC_OPENCV" "$bdir"
        printf ' %q' "${CMAKE_ARGS[@]}"
        printf '\n'
    } >"$BUILD_DIR/logs/cmake-command.txt"

    log "configuring (log: $BUILD_DIR/logs/configure.log)"
    t0=$(now)
    run_logged "$BUILD_DIR/logs/configure.log" cmake -S "$SRC_OPENCV" -B "$bdir" "${CMAKE_ARGS[@]}" ||
        fail_with_log "$BUILD_DIR/logs/configure.log" "cmake configure failed"
    t_configure=$(($(now) - t0))
    log "configure: ${t_configure} s"
    if ((CUDA)) && ! grep -qE -- '--   NVIDIA CUDA: +YES' "$BUILD_DIR/logs/configure.log"; then
        fail_with_log "$BUILD_DIR/logs/configure.log" "cmake did not enable CUDA (see 'NVIDIA CUDA' in the log)"
    fi
    if ((CUDA)) && ! grep -qE -- '--   cuDNN: +YES' "$BUILD_DIR/logs/configure.log"; then
        fail_with_log "$BUILD_DIR/logs/configure.log" "cmake found no usable cuDNN, so the dnn CUDA backend would be off"
    fi

    log "building with ninja -j$JOBS (log: $BUILD_DIR/logs/build.log)"
    t0=$(now)
    run_logged "$BUILD_DIR/logs/build.log" cmake --build "$bdir" -- -j"$JOBS" ||
        fail_with_log "$BUILD_DIR/logs/build.log" "build failed"
    t_build=$(($(now) - t0))
    log "build: ${t_build} s"

    log "installing (stripped) into $PREFIX"
    t0=$(now)
    run_logged "$BUILD_DIR/logs/install.log" cmake --install "$bdir" --strip ||
        fail_with_log "$BUILD_DIR/logs/install.log" "install failed"
    t_install=$(($(now) - t0))
    [[ -f "$PREFIX/lib/cmake/opencv4/OpenCVConfig.cmake" ]] || die "install finished without $PREFIX/lib/cmake/opencv4/OpenCVConfig.cmake"

    # What the build says about itself
    local cvconfig="$PREFIX/include/opencv4/opencv2/cvconfig.h" summary elf=""
    summary=$(summary_lines "$BUILD_DIR/logs/configure.log")
    if ((CUDA)) && command -v cuobjdump >/dev/null; then
        local dnnlib
        dnnlib=$(find "$PREFIX/lib" -maxdepth 1 -name 'libopencv_dnn.so.*' -type f -print -quit)
        if [[ -n "$dnnlib" ]]; then
            # cuobjdump names each embedded cubin/PTX after its architecture; grep finds none when
            # there is no PTX, hence the "|| true"s.
            elf=$({ cuobjdump --list-elf "$dnnlib" 2>/dev/null | grep -o 'sm_[0-9]*[a-z]*' | sort | uniq -c |
                awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}'; } || true)
            local ptx
            ptx=$({ cuobjdump --list-ptx "$dnnlib" 2>/dev/null | grep -o 'sm_[0-9]*[a-z]*' | sort -u | paste -sd, -; } || true)
            elf="cubins: ${elf:-none}; PTX: ${ptx:-none}"
        fi
    fi
    mkdir -p "$(dirname "$(build_info_file)")"
    {
        printf 'zoo-bench OpenCV build (scripts/build_opencv_cuda.sh)\n'
        printf 'opencv: %s\n' "$OPENCV_VERSION"
        printf 'variant: %s\n' "$VARIANT"
        printf 'source: %s\n' "$SOURCE_ORIGIN"
        if ((CUDA)); then
            printf 'nvcc: %s\n' "$NVCC_VERSION"
            printf 'cuda_arch_bin: %s\n' "$CUDA_ARCH_BIN"
            printf 'cuda_arch_ptx: %s\n' "${CUDA_ARCH_PTX:-none}"
            printf 'gpus_seen_at_build: %s\n' "${DETECTED_CC:-none}"
            printf 'embedded_cubins_dnn: %s\n' "${elf:-unknown}"
        fi
        printf 'fast_math: %s\n' "$( ((FAST_MATH)) && echo ON || echo OFF)"
        printf 'jobs: %s\n' "$JOBS"
        printf 'host: %s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$("${CXX:-c++}" --version | sed -n 1p)"
        printf 'configure_s: %s\nbuild_s: %s\ninstall_s: %s\n' "$t_configure" "$t_build" "$t_install"
        printf 'cmake: %s\n' "$(cat "$BUILD_DIR/logs/cmake-command.txt")"
        printf 'summary:\n%s\n' "$summary"
    } >"$(build_info_file)"

    log "---------------------------------------------------------------------------"
    log "OpenCV $OPENCV_VERSION ($VARIANT) installed in $PREFIX ($(du -sh "$PREFIX" | cut -f1))"
    log "configure ${t_configure} s, build ${t_build} s (ninja -j$JOBS), install+strip ${t_install} s, total $(($(now) - t_start)) s"
    log "OpenCV's configure summary:"
    printf '%s\n' "$summary" | sed 's/^/    /'
    if [[ -f "$cvconfig" ]]; then
        log "cvconfig.h:"
        grep -E '^#define (HAVE_CUDA|HAVE_CUDNN|HAVE_CUBLAS|CUDA_ARCH_BIN|CUDA_ARCH_PTX|CUDA_ARCH_FEATURES)\b' "$cvconfig" | sed 's/^/    /' || true
    fi
    [[ -z "$elf" ]] || log "GPU code in libopencv_dnn: $elf"
    log "build facts written to $(build_info_file)"
    log "use it with: cmake -DOpenCV_DIR=$PREFIX/lib/cmake/opencv4 ..."

    if [[ -n "$PACK_INSTALL" ]]; then
        mkdir -p "$(dirname "$PACK_INSTALL")"
        t0=$(now)
        tar -C "$(dirname "$PREFIX")" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$(basename "$PREFIX")" |
            xz -6 -T0 >"$PACK_INSTALL.part"
        mv "$PACK_INSTALL.part" "$PACK_INSTALL"
        log "packed install: $PACK_INSTALL ($(file_size "$PACK_INSTALL") bytes, $(($(now) - t0)) s); unpack with: tar -C DIR -xJf $(basename "$PACK_INSTALL")"
    fi

    if ((SMOKE_TEST)); then smoke_test; fi
}

# ---------------------------------------------------------------------------------------------
if [[ -n "$PACK_SOURCE" ]]; then
    command -v xz >/dev/null || die "--pack-source needs xz (xz-utils)"
    pack_source
    exit 0
fi
main_build
