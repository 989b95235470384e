# Sourced by the benchmarks/gpu topic scripts: parses the options run_on_gpu_machine.sh gives every topic
# (--bin --models --data --out --build-dir) into bin, models, data, out and build_dir, and leaves the
# topic's own arguments in the array topic_rest. Exits 2 when one of them lacks its value.
parse_topic_args() {
  bin="" models="" data="" out="" build_dir="" topic_rest=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --bin|--models|--data|--out|--build-dir)
        [[ $# -ge 2 ]] || { echo "$(basename "$0"): error: $1 needs a value" >&2; exit 2; }
        case $1 in
          --bin) bin=$2 ;; --models) models=$2 ;; --data) data=$2 ;; --out) out=$2 ;; --build-dir) build_dir=$2 ;;
        esac
        shift 2 ;;
      *) topic_rest+=("$1"); shift ;;
    esac
  done
}
