#!/usr/bin/env bash
# Puts OpenCV Zoo's benchmark data into a data root the way the zoo's benchmark/download_data.py does:
# the same zips (the same Google Drive files), the same SHA-1 checks, extracted without overwriting
# what is there. Downloads resume from a .part file; without network it stops at once with one line.
set -euo pipefail

DRIVE_URL=https://drive.usercontent.google.com/download
PROBE_URL=https://drive.usercontent.google.com

usage() {
  cat <<'EOF2'
Usage: scripts/fetch_data.sh [--dest DIR] [--from DIR | --mirror URL] [--list] [NAME...]

Downloads OpenCV Zoo's benchmark data zips (scripts/zoo_data.tsv: the files and SHA-1 sums of the zoo's
benchmark/download_data.py), checks each SHA-1, and extracts it into DIR (default: data/ in this
repository, zoo-bench's default --data-dir), never overwriting files already there. A zip already in DIR
with the right SHA-1 is not downloaded again; an interrupted download resumes from DIR/<zip>.part.

  NAME...       only these, by the zoo's names (default: all):
                face_detection face_recognition facial_expression_recognition text image_classification
                human_segmentation qrcode object_tracking person_reid palm_detection
                license_plate_detection object_detection person_detection
  --dest DIR    the data root to fill (default: data/)
  --from DIR    take the zips from a local folder instead (e.g. downloaded by hand in a browser)
  --mirror URL  download <URL>/<zip> instead of from Google Drive (http://, https:// or file://;
                default: $ZOO_BENCH_DATA_MIRROR when set)
  --list        show each zip and whether it is in DIR and verified, then exit
  --help        show this help

Exit status: 0 all selected data is in place; 1 something could not be fetched or failed its SHA-1;
2 usage error. Downloads come from Google Drive by the zoo's file ids (drive.usercontent.google.com,
which serves Drive files without the zoo script's confirmation-cookie step). Every transfer has a
connect timeout, an overall limit and a stall limit, so the script never hangs.
EOF2
}

die() { echo "fetch_data: error: $1" >&2; exit "${2:-1}"; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Another table (same columns) for tests or for data kept elsewhere.
table=${ZOO_BENCH_DATA_TABLE:-$root/scripts/zoo_data.tsv}

dest=$root/data
from=
mirror=${ZOO_BENCH_DATA_MIRROR:-}
mirror=${mirror%/}
list=0
wanted=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dest|--from|--mirror)
      [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see scripts/fetch_data.sh --help)" 2
      case "$1" in
        --dest) dest=$2 ;;
        --from) from=$2 ;;
        --mirror) mirror=${2%/} ;;
      esac
      shift ;;
    --list) list=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see scripts/fetch_data.sh --help)" 2 ;;
    *) wanted+=("$1") ;;
  esac
  shift
done
[[ -z "$from" || -z "$mirror" ]] || die "--from and --mirror exclude each other: pick one source" 2
[[ -f "$table" ]] || die "$table is missing; restore it with: git checkout -- scripts/zoo_data.tsv" 2
command -v sha1sum >/dev/null 2>&1 || die "sha1sum not found; install coreutils" 2

declare -A file_of=() id_of=() sha_of=()
all=()
while IFS=$'\t' read -r name file id sha; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  all+=("$name"); file_of[$name]=$file; id_of[$name]=$id; sha_of[$name]=$sha
done < "$table"
for name in "${wanted[@]}"; do
  [[ -n "${file_of[$name]:-}" ]] || die "unknown data name '$name'; the zoo's names are: ${all[*]}" 2
done
[[ ${#wanted[@]} -gt 0 ]] || wanted=("${all[@]}")

sha1_of() { sha1sum "$1" | cut -d' ' -f1; }
verified() { [[ -f "$1" ]] && [[ "$(sha1_of "$1")" == "$2" ]]; }

if [[ $list -eq 1 ]]; then
  for name in "${wanted[@]}"; do
    zip=$dest/${file_of[$name]}
    if verified "$zip" "${sha_of[$name]}"; then state="present, SHA-1 ok"
    elif [[ -f "$zip" ]]; then state="present, SHA-1 WRONG"
    elif [[ -f "$zip.part" ]]; then state="partly downloaded ($(stat -c %s "$zip.part") bytes)"
    else state=absent; fi
    printf '%-30s %-36s %s\n' "$name" "${file_of[$name]}" "$state"
  done
  exit 0
fi

mkdir -p "$dest" 2>/dev/null || die "cannot create $dest; choose a writable --dest"
[[ -w "$dest" ]] || die "$dest is not writable; choose another --dest"

# Like the zoo's extract(): members already there are kept, the rest are written.
extract() {
  if command -v unzip >/dev/null 2>&1; then
    unzip -n -q "$1" -d "$2"
  else
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for member in z.namelist():
        if not os.path.exists(os.path.join(sys.argv[2], member)):
            z.extract(member, sys.argv[2])
PY
  fi
}

url_for() {  # url_for NAME
  if [[ -n "$mirror" ]]; then echo "$mirror/${file_of[$1]}"
  else echo "$DRIVE_URL?id=${id_of[$1]}&export=download&confirm=t"; fi
}

# curl that cannot hang: connect timeout, overall limit, abort when slower than 1 kB/s for 60 s.
fetch() {  # fetch URL OUT: resumes OUT when it exists
  local rc=0 message
  message=$(curl --fail --location --silent --show-error --connect-timeout 15 --max-time 1800 \
    --speed-limit 1024 --speed-time 60 --continue-at - --output "$2" "$1" 2>&1) || rc=$?
  if [[ $rc -ne 0 && $rc -ne 33 && $rc -ne 36 ]]; then echo "$message" >&2; fi
  if [[ $rc -eq 33 || $rc -eq 36 ]]; then
    echo "        the server cannot resume; downloading from the start"
    rm -f "$2"; rc=0
    curl --fail --location --silent --show-error --connect-timeout 15 --max-time 1800 \
      --speed-limit 1024 --speed-time 60 --output "$2" "$1" || rc=$?
  fi
  return "$rc"
}

todo=()
kept=0
for name in "${wanted[@]}"; do
  if verified "$dest/${file_of[$name]}" "${sha_of[$name]}"; then kept=$((kept + 1)); else todo+=("$name"); fi
done

# One quick probe, so that a machine without network fails in seconds rather than per file.
if [[ ${#todo[@]} -gt 0 && -z "$from" ]]; then
  command -v curl >/dev/null 2>&1 || die "curl not found; run scripts/install_deps.sh"
  probe=${mirror:-$PROBE_URL}
  if [[ "$probe" != file://* ]] && ! out=$(curl --silent --show-error --head --connect-timeout 10 --max-time 15 \
      --output /dev/null "$probe/" 2>&1); then
    die "cannot reach ${probe} ($(sed -E 's/^curl: \([0-9]+\) //' <<< "$out" | head -n 1)); without network, download the zips elsewhere and use --from DIR (or --mirror URL)"
  fi
fi

failed=()
done_count=0
for name in "${wanted[@]}"; do
  zip=$dest/${file_of[$name]}
  sha=${sha_of[$name]}
  if verified "$zip" "$sha"; then
    echo "ok      $name: ${file_of[$name]} already here, SHA-1 matches"
  else
    part=$zip.part
    if [[ -n "$from" ]]; then
      src=$from/${file_of[$name]}
      if [[ ! -f "$src" ]]; then echo "FAILED  $name: ${file_of[$name]} not in $from"; failed+=("$name"); continue; fi
      cp "$src" "$part"
    else
      [[ -f "$part" ]] && echo "resume  $name: ${file_of[$name]} from $(stat -c %s "$part") bytes" ||
        echo "fetch   $name: ${file_of[$name]}"
      if ! fetch "$(url_for "$name")" "$part"; then
        echo "FAILED  $name: download failed (see curl's message above); rerun to resume"; failed+=("$name"); continue
      fi
    fi
    got=$(sha1_of "$part")
    if [[ "$got" != "$sha" ]]; then
      # A wrong file cannot be resumed into a right one: start afresh next time.
      if [[ "$(head -c 1 "$part")" == "<" ]]; then
        why="the server answered with a web page, not the zip (Google Drive does this over its download quota); get https://drive.google.com/uc?id=${id_of[$name]}&export=download in a browser and use --from DIR"
      else
        why="SHA-1 $got, the zoo publishes $sha (a changed or damaged file)"
      fi
      rm -f "$part"
      echo "FAILED  $name: $why; removed"
      failed+=("$name"); continue
    fi
    mv -f "$part" "$zip"
    done_count=$((done_count + 1))
  fi
  if ! extract "$zip" "$dest"; then echo "FAILED  $name: extracting $zip failed"; failed+=("$name"); continue; fi
done

echo "fetch_data: $done_count fetched, $kept already present, ${#failed[@]} failed, in $dest"
[[ ${#failed[@]} -eq 0 ]] || die "not fetched: ${failed[*]}; rerun to resume, or use --from DIR / --mirror URL"
