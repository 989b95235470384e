#!/usr/bin/env bash
# Puts OpenCV Zoo's published ONNX models into models/<family>/<file> (the zoo's own layout), either by
# downloading them from the zoo's Git LFS storage or by importing them from a local folder, and checks
# every file against the size and SHA-256 the zoo publishes (scripts/zoo_models.tsv).
set -euo pipefail

# Where the zoo publishes its files, tried in this order: its Git LFS storage on GitHub, then Hugging Face,
# where the zoo's README now points (one repository per model folder under huggingface.co/opencv).
# A file is accepted from either only with the zoo's size and SHA-256. {family} and {file} are filled in;
# ZOO_BENCH_MODEL_SOURCES (space-separated templates) replaces the list, e.g. for a local mirror.
DEFAULT_SOURCES="https://media.githubusercontent.com/media/opencv/opencv_zoo/main/models/{family}/{file} https://huggingface.co/opencv/{family}/resolve/main/{file}"
read -r -a SOURCES <<< "${ZOO_BENCH_MODEL_SOURCES:-$DEFAULT_SOURCES}"

usage() {
  cat <<'EOF'
Usage: scripts/fetch_models.sh [--only SUBSTR[,SUBSTR...]] [--dest DIR] [--from DIR | --verify | --list]

Downloads OpenCV Zoo's published .onnx files into DIR/<family>/<file> (default DIR: models/ in this
repository), each checked against the zoo's size and SHA-256 (scripts/zoo_models.tsv). Files already
present and correct are kept. All 70 files together are about 1.4 GB; select with --only.

  --only S1,S2    only the files whose "family/file" contains S1 or S2 (case-insensitive),
                  e.g. --only yunet,vittrack   or   --only _int8bq
  --dest DIR      where the zoo layout goes (default: models/)
  --from DIR      import instead of downloading: find the zoo's files below DIR (an opencv_zoo checkout
                  with 'git lfs pull' done, or any model folder) by name or by SHA-256, and copy them into
                  the zoo layout; other .onnx files inside a folder named like a zoo family are copied
                  as they are
  --verify        only check the files already in DIR; exit 1 if any is wrong
  --list          list the published files and whether each is in DIR (checked by size only)
  --help          show this help

Downloads come from https://media.githubusercontent.com/media/opencv/opencv_zoo/main/models/<family>/<file>,
else from https://huggingface.co/opencv/<family>/resolve/main/<file> (the zoo's Hugging Face copies); a file
from either is kept only when its size and SHA-256 are the zoo's. ZOO_BENCH_MODEL_SOURCES="T1 T2" replaces
these URL templates ({family} and {file} filled in; file:// works), e.g. for a mirror.
Without network access the script stops at once and says so; use --from in that case.
EOF
}

die() { echo "fetch_models: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
table=$root/scripts/zoo_models.tsv

dest=$root/models
mode=download
from=
only=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only|--dest|--from)
      [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value (see scripts/fetch_models.sh --help)"
      case "$1" in
        --only) only=$2 ;;
        --dest) dest=$2 ;;
        --from) from=$2; mode=from ;;
      esac
      shift ;;
    --verify) mode=verify ;;
    --list) mode=list ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see scripts/fetch_models.sh --help)" ;;
  esac
  shift
done

[[ -f "$table" ]] || die "$table is missing; restore it with: git checkout -- scripts/zoo_models.tsv"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found; install coreutils"

# ---- the published files, filtered by --only -------------------------------------------------------
families=() names=() sizes=() hashes=()
IFS=, read -r -a only_terms <<< "${only,,}"
selected() {  # selected "family/file"
  local term
  [[ ${#only_terms[@]} -eq 0 ]] && return 0
  for term in "${only_terms[@]}"; do
    [[ -n "$term" && "${1,,}" == *"$term"* ]] && return 0
  done
  return 1
}
declare -A all_families=()
while IFS=$'\t' read -r family name size hash; do
  [[ -z "$family" || "$family" == \#* ]] && continue
  all_families[$family]=1
  selected "$family/$name" || continue
  families+=("$family") names+=("$name") sizes+=("$size") hashes+=("$hash")
done < "$table"
count=${#names[@]}
[[ $count -gt 0 ]] || die "--only '$only' matches no published file; see the names with: scripts/fetch_models.sh --list"

file_size() { stat -c %s "$1"; }
file_hash() { sha256sum "$1" | cut -d' ' -f1; }
is_lfs_pointer() { [[ "$(head -c 23 "$1" 2>/dev/null | tr -d '\0')" == "version https://git-lfs" ]]; }

# check FILE INDEX: prints nothing and succeeds when FILE is published file INDEX; otherwise says why.
check() {
  local file=$1 i=$2 size
  if is_lfs_pointer "$file"; then
    echo "LFS pointer, run git lfs pull in the checkout"; return 1
  fi
  size=$(file_size "$file")
  if [[ "$size" != "${sizes[$i]}" ]]; then
    echo "size $size, expected ${sizes[$i]}"; return 1
  fi
  if [[ "$(file_hash "$file")" != "${hashes[$i]}" ]]; then
    echo "SHA-256 differs from the published file"; return 1
  fi
}

# put FILE INDEX: copies FILE (already checked) to its place in the zoo layout.
put() {
  local target="$dest/${families[$2]}/${names[$2]}"
  mkdir -p "$(dirname "$target")"
  rm -f "$target"  # never write through an old symlink
  cp "$1" "$target"
}

# ---- --list and --verify ----------------------------------------------------------------------------
if [[ $mode == list ]]; then
  printf '%-42s %-58s %9s  %s\n' family file MB "in $dest"
  for ((i = 0; i < count; i++)); do
    f="$dest/${families[i]}/${names[i]}"
    state=absent
    if [[ -f "$f" ]]; then
      if [[ "$(file_size "$f")" == "${sizes[i]}" ]]; then state=present; else state="present, wrong size"; fi
    fi
    printf '%-42s %-58s %9.1f  %s\n' "${families[i]}" "${names[i]}" "$(awk "BEGIN{print ${sizes[i]}/1e6}")" "$state"
  done
  exit 0
fi

if [[ $mode == verify ]]; then
  ok=0 bad=0 absent=0
  for ((i = 0; i < count; i++)); do
    f="$dest/${families[i]}/${names[i]}"
    if [[ ! -e "$f" ]]; then absent=$((absent + 1)); continue; fi
    if why=$(check "$f" "$i"); then
      ok=$((ok + 1)); echo "ok      ${families[i]}/${names[i]}"
    else
      bad=$((bad + 1)); echo "BAD     ${families[i]}/${names[i]}: $why"
    fi
  done
  echo "fetch_models: $ok ok, $bad bad, $absent of $count published files absent in $dest"
  [[ $bad -eq 0 ]] || die "$bad file(s) in $dest do not match the published ones; fetch them again"
  exit 0
fi

mkdir -p "$dest" || die "cannot create $dest; choose a writable --dest"
failed=0 done_count=0 kept=0

# ---- --from DIR ------------------------------------------------------------------------------------
if [[ $mode == from ]]; then
  [[ -d "$from" ]] || die "--from $from is not a folder; pass an opencv_zoo checkout or a folder of .onnx files"
  from=$(cd "$from" && pwd)
  dest_abs=$(cd "$dest" && pwd)

  declare -A wanted_size=() by_name=() by_hash=() used=()
  absent=0
  for ((i = 0; i < count; i++)); do wanted_size[${sizes[i]}]=1; done
  candidates=()
  while IFS= read -r -d '' f; do
    case "$f" in "$dest_abs"/*) continue ;; esac  # the destination itself is not a source
    candidates+=("$f")
    by_name[$(basename "$f")]+="$f"$'\n'
    if [[ -n "${wanted_size[$(file_size "$f")]:-}" ]]; then
      by_hash[$(file_hash "$f")]+="$f"$'\n'
    fi
  done < <(find -L "$from" -type f -name '*.onnx' -print0 | sort -z)

  for ((i = 0; i < count; i++)); do
    rel="${families[i]}/${names[i]}"
    target="$dest/$rel"
    if [[ -f "$target" ]] && check "$target" "$i" >/dev/null; then
      kept=$((kept + 1))
      continue
    fi
    src=
    # Same hash anywhere below DIR first, then a file of the same name (to say what is wrong with it).
    if [[ -n "${by_hash[${hashes[i]}]:-}" ]]; then
      src=$(head -n 1 <<< "${by_hash[${hashes[i]}]}")
    fi
    if [[ -z "$src" && -n "${by_name[${names[i]}]:-}" ]]; then
      while IFS= read -r f; do
        [[ -n "$f" ]] || continue
        why=$(check "$f" "$i") || { echo "FAILED  $rel: ${f#"$from"/}: $why"; failed=$((failed + 1)); used[$f]=1; }
      done <<< "${by_name[${names[i]}]}"
      continue
    fi
    if [[ -z "$src" ]]; then
      absent=$((absent + 1)); continue
    fi
    put "$src" "$i"
    used[$src]=1
    done_count=$((done_count + 1))
    echo "copied  $rel  <- ${src#"$from"/}"
  done

  # .onnx files in a folder named like a zoo family that are not published zoo files: copied as is.
  extra=0 ignored=0
  for f in "${candidates[@]}"; do
    [[ -z "${used[$f]:-}" ]] || continue
    family=$(basename "$(dirname "$f")")
    name=$(basename "$f")
    if [[ -z "${all_families[$family]:-}" ]] || ! selected "$family/$name"; then
      ignored=$((ignored + 1)); continue
    fi
    # A copy of a published file under another name was imported under its zoo name above.
    if [[ -n "${wanted_size[$(file_size "$f")]:-}" ]] && grep -qx "$(file_hash "$f")" <(printf '%s\n' "${hashes[@]}"); then
      continue
    fi
    if is_lfs_pointer "$f"; then
      echo "FAILED  $family/$name: LFS pointer, run git lfs pull in the checkout"; failed=$((failed + 1)); continue
    fi
    target="$dest/$family/$name"
    if ! { [[ -f "$target" ]] && cmp -s "$f" "$target"; }; then
      mkdir -p "$dest/$family"; rm -f "$target"; cp "$f" "$target"
    fi
    extra=$((extra + 1))
    echo "copied  $family/$name  <- ${f#"$from"/} (not a published zoo file, copied as is)"
  done

  echo "fetch_models: $done_count imported, $kept already in $dest, $extra extra, $failed failed;" \
    "$absent of $count selected published files not found below $from"
  [[ $ignored -eq 0 ]] ||
    echo "fetch_models: left out $ignored other .onnx file(s) below $from: no selected published file, no selected zoo family folder"
  [[ $failed -eq 0 ]] || die "$failed file(s) could not be imported (see FAILED lines above)"
  [[ $((done_count + kept + extra)) -gt 0 ]] || die "nothing below $from matches a published zoo file${only:+ selected by --only $only}"
  exit 0
fi

# ---- download --------------------------------------------------------------------------------------
command -v curl >/dev/null 2>&1 || die "curl not found; run scripts/install_deps.sh"
todo=()
for ((i = 0; i < count; i++)); do
  target="$dest/${families[i]}/${names[i]}"
  if [[ -f "$target" ]] && check "$target" "$i" >/dev/null; then
    kept=$((kept + 1))
  else
    todo+=("$i")
  fi
done
if [[ ${#todo[@]} -eq 0 ]]; then
  echo "fetch_models: all $count selected files are already in $dest and verified"
  exit 0
fi

# One quick probe per source, so that a machine without network fails in seconds rather than per file.
host_of() { sed -E 's#^([a-z]+://[^/]*).*#\1#' <<< "$1"; }
reachable=() unreachable=()
for source in "${SOURCES[@]}"; do
  host=$(host_of "$source")
  if [[ "$source" == file://* ]] || probe=$(curl --silent --show-error --head --connect-timeout 10 --max-time 15 \
      --output /dev/null "$host/" 2>&1); then
    reachable+=("$source")
  else
    unreachable+=("$host ($(sed -E 's/^curl: \([0-9]+\) //' <<< "$probe" | head -n 1))")
  fi
done
if [[ ${#reachable[@]} -eq 0 ]]; then
  joined=$(IFS=';'; echo "${unreachable[*]}")
  die "cannot reach ${joined//;/ nor }; without network, import a local copy with --from DIR (an opencv_zoo checkout after 'git lfs pull', or any folder of the zoo's .onnx files)"
fi
for u in "${unreachable[@]}"; do echo "fetch_models: cannot reach $u; using the other source(s)"; done

for i in "${todo[@]}"; do
  rel="${families[i]}/${names[i]}"
  target="$dest/$rel"
  part="$target.part"
  mkdir -p "$(dirname "$target")"
  echo "fetch   $rel ($(awk "BEGIN{printf \"%.1f\", ${sizes[i]}/1e6}") MB)"
  got=0
  for source in "${reachable[@]}"; do
    url=${source//\{family\}/${families[i]}}
    url=${url//\{file\}/${names[i]}}
    rm -f "$part"
    if ! curl --fail --location --silent --show-error --connect-timeout 15 --max-time 900 --retry 2 \
        --speed-limit 1024 --speed-time 60 --output "$part" "$url"; then
      rm -f "$part"; echo "        $rel: not from $(host_of "$url") (see curl's message above)"
      continue
    fi
    if ! why=$(check "$part" "$i"); then
      rm -f "$part"; echo "        $rel: rejected the file from $(host_of "$url"): $why"
      continue
    fi
    got=1
    break
  done
  if [[ $got -eq 0 ]]; then
    failed=$((failed + 1)); echo "FAILED  $rel: no source gave the zoo's file"
    continue
  fi
  rm -f "$target"
  mv "$part" "$target"
  done_count=$((done_count + 1))
done
echo "fetch_models: $done_count downloaded, $kept already present, $failed failed, in $dest"
[[ $failed -eq 0 ]] || die "$failed download(s) failed; rerun to retry, or use --from DIR"
