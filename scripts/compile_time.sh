#!/usr/bin/env bash
# Compile time of code that uses semvec, header-only and with separate compilation (semvec/config.hpp), one
# translation unit at a time, at -O2 with this machine's SIMD level. Prints a Markdown table (CPU seconds of
# the compiler: user + sys, best of REPEAT runs; wall time on a shared machine measures the other jobs).
#   scripts/compile_time.sh            CXX=clang++ REPEAT=3 PROBES="text topics" scripts/compile_time.sh
# Probes (tests nothing; each is a file a user might write):
#   umbrella   #include <semvec/semvec.hpp> and nothing else
#   text       load a model and encode texts (model/model.hpp)
#   cluster    k-means + HDBSCAN (cluster/kmeans.hpp, cluster/hdbscan.hpp)
#   topics     topics + c-TF-IDF (topics/topics.hpp)
#   impl       the one file of a separately compiled program: SEMVEC_IMPLEMENTATION + the umbrella
# and the two files of semvec::compiled (src/semvec_compiled_{text,maps}.cpp), which a 2-core build compiles
# side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
CXX="${CXX:-g++}"
REPEAT="${REPEAT:-1}"
FLAGS=(-std=c++17 -O2 -march=native -Iinclude -isystem /usr/include/eigen3 -c -o /dev/null)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cat >"$T/umbrella.cpp" <<'CPP'
#include <semvec/semvec.hpp>
int main() { return 0; }
CPP
cat >"$T/text.cpp" <<'CPP'
#include <semvec/model/model.hpp>
int main(int, char** argv) {
    auto m = semvec::load_model(argv[1]);
    if (!m) return 1;
    auto e = m->encode({"a text", "another text"}, {});
    return e ? 0 : 1;
}
CPP
cat >"$T/cluster.cpp" <<'CPP'
#include <semvec/cluster/hdbscan.hpp>
#include <semvec/cluster/kmeans.hpp>
int main() {
    semvec::Matrix x = semvec::Matrix::Random(100, 8);
    const semvec::MatrixView v(x.data(), x.rows(), x.cols());
    auto k = semvec::kmeans(v, 3);
    auto h = semvec::hdbscan(v);
    return k && h ? 0 : 1;
}
CPP
cat >"$T/topics.cpp" <<'CPP'
#include <semvec/topics/ctfidf.hpp>
#include <semvec/topics/topics.hpp>
int main() {
    auto w = semvec::ctfidf_top_words({"a cat", "a dog"}, {0, 1});
    return w ? 0 : 1;
}
CPP
cat >"$T/impl.cpp" <<'CPP'
#define SEMVEC_IMPLEMENTATION
#include <semvec/semvec.hpp>
CPP

cpu_seconds() {  # cpu_seconds FILE [defines...]: best of REPEAT compiles, user + sys seconds of the compiler
  local f="$1" best="" t
  shift
  for ((r = 0; r < REPEAT; r++)); do
    if ! /usr/bin/time -o "$T/time" -f '%U %S' "$CXX" "${FLAGS[@]}" "$@" "$f" 2>"$T/err"; then
      cat "$T/err" >&2; echo "compile_time.sh: $f does not compile ($*)" >&2; exit 1
    fi
    t=$(awk '{printf "%.1f", $1 + $2}' "$T/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}

echo "compile time per translation unit: $("$CXX" --version | head -1), -O2 -march=native," \
     "$(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg), best of $REPEAT"
echo
echo "| file | header-only (s) | separate compilation (s) |"
echo "|---|---:|---:|"
for p in ${PROBES:-umbrella text cluster topics}; do
  a=$(cpu_seconds "$T/$p.cpp")
  b=$(cpu_seconds "$T/$p.cpp" -DSEMVEC_SEPARATE_COMPILATION)
  echo "| $p | $a | $b |"
done
echo "| impl (SEMVEC_IMPLEMENTATION, once per program) | | $(cpu_seconds "$T/impl.cpp" -DSEMVEC_SEPARATE_COMPILATION) |"
for part in text maps; do
  echo "| semvec::compiled part $part (src/semvec_compiled_$part.cpp) | | $(cpu_seconds "src/semvec_compiled_$part.cpp" -DSEMVEC_SEPARATE_COMPILATION) |"
done
