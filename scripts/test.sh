#!/usr/bin/env bash
# Runs every test pass of semvec on a fresh machine; CI runs exactly this (.ci/run). Passes:
#   release  g++ Release build of everything and ctest: unit, CLI, Python, consume, NEON under qemu, ...
#   asan     clang ASan+UBSan Debug (-O1) build and ctest, without the tests no sanitizer reaches (they ran in the
#            release pass): consume (they build their own projects), cross (AArch64 builds run under qemu),
#            docs (doxygen); and not the [resource] tests (they measure RSS). Examples are not built here.
#   tsan     clang TSan build of the test executables that hold [concurrency] tests, which it runs
#   fuzz     every libFuzzer target for FUZZ_SECONDS (clang, ASan+UBSan)
#   windows  (opt-in: SEMVEC_SETUP_EXTRAS=windows scripts/setup.sh, then PASSES=windows) the Catch2 tests
#            built with MinGW-w64 and run under Wine
# Each pass has its own build tree, build/test-PASS, configured with every option it relies on, so another
# script's build (scripts/demo.sh uses build/release) never changes what runs. Each pass prints how many tests
# it ran and its wall time; a table of the passes and the list of skipped tests close the run. A pass that
# runs no test fails.
# Under CI (CI set and not 0/false, as .ci/run does) a test that cannot run because a tool or file is missing
# FAILS (tests/unavailable.cmake, tests/semvec_testenv.py); elsewhere it is skipped, counted and listed.
#   JOBS=N           parallel build/test jobs (default: number of cores)
#   PASSES="a b"     the passes to run, in order (default: release asan tsan fuzz)
#   SKIP_SETUP=1     skip the package install (already done)
#   SKIP_SANITIZERS=1 / SKIP_FUZZ=1   leave out asan and tsan / fuzz
#   FUZZ_SECONDS=N   fuzz smoke run per target (default 20: a smoke run for the CI budget; the committed corpora also replay in ctest, and the long runs are `RUNS=10000000 scripts/fuzz.sh`)
#   TSAN_SKIP_AREAS="reduce umap"  test areas left out of the TSan pass (default: those two, for the CI budget)
#   BUILD_TARGETS="t1 t2", CTEST_ARGS="-R regex"  (while developing) build only those targets and pass the
#                    arguments to every ctest call, e.g. PASSES=asan BUILD_TARGETS=test_text CTEST_ARGS="-R test_text"
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
JOBS="${JOBS:-$(nproc)}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

CI_MODE=0
case "${CI:-}" in ""|0|false|FALSE|no) ;; *) CI_MODE=1 ;; esac

PASSES="${PASSES:-release asan tsan fuzz}"
if [ "${SKIP_SANITIZERS:-0}" = 1 ]; then PASSES=$(echo " $PASSES " | sed 's/ asan / /; s/ tsan / /'); fi
if [ "${SKIP_FUZZ:-0}" = 1 ]; then PASSES=$(echo " $PASSES " | sed 's/ fuzz / /'); fi

if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi

# Per pass: tests run, failed, skipped (ctest's count of skipped tests), wall seconds, result.
declare -A RAN FAILED SKIPPED WALL RESULT
SKIP_LINES="$ROOT/build/test-skips.txt"
mkdir -p build
: >"$SKIP_LINES"

# ctest_counts LOG PASS: reads ctest's closing lines ("100% tests passed, 0 tests failed out of 212", the
# "(Skipped)" entries) into RAN/FAILED/SKIPPED.
ctest_counts() {
  local log="$1" pass="$2" line
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1 || true)
  local total failed skipped
  total=$(echo "$line" | sed -nE 's/.*out of ([0-9]+).*/\1/p')
  failed=$(echo "$line" | sed -nE 's/.*, ([0-9]+) tests? failed.*/\1/p')
  skipped=$(grep -cE '^[[:space:]]*[0-9]+ - .*\(Skipped\)' "$log" || true)
  RAN[$pass]=$(( ${total:-0} - ${skipped:-0} ))
  FAILED[$pass]=${failed:-0}
  SKIPPED[$pass]=${skipped:-0}
}

# collect_skips PASS BUILD: the "SEMVEC-SKIP: ..." lines the tests printed (whole tests skipped, and parts of
# tests that could not run), and the tests ctest skipped without such a line, for the list at the end.
collect_skips() {
  local pass="$1" log="$2/Testing/Temporary/LastTest.log" lines name
  [ -f "$log" ] || return 0
  lines=$(grep -oE 'SEMVEC-SKIP: .*' "$log" | sort -u | sed "s/^SEMVEC-SKIP: /[$pass] /" || true)
  [ -z "$lines" ] || echo "$lines" >>"$SKIP_LINES"
  for name in $(sed -nE 's/^[[:space:]]*[0-9]+ - ([^ ]+) \(Skipped\)/\1/p' "$2/ctest.log"); do
    grep -qF "] $name:" <<<"$lines" || echo "[$pass] $name: skipped by ctest" >>"$SKIP_LINES"
  done
}

# run_ctest PASS BUILD [ctest args...]: ctest in BUILD, its output also in BUILD/ctest.log.
run_ctest() {
  local pass="$1" build="$2"
  shift 2
  # shellcheck disable=SC2086  # CTEST_ARGS: words on purpose
  (cd "$build" && ctest --no-tests=error --output-on-failure -j "$JOBS" "$@" ${CTEST_ARGS:-}) 2>&1 | tee "$build/ctest.log"
}

# build_targets BUILD: everything, or BUILD_TARGETS.
build_targets() {
  # shellcheck disable=SC2086
  cmake --build "$1" -j "$JOBS" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
}

pass_release() {
  local B=build/test-release
  cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DSEMVEC_SANITIZE= -DSEMVEC_SIMD=native \
        -DSEMVEC_BUILD_TESTS=ON -DSEMVEC_BUILD_CLI=ON -DSEMVEC_BUILD_EXAMPLES=ON -DSEMVEC_BUILD_BENCH=OFF \
        -DSEMVEC_BUILD_FUZZ=OFF
  build_targets "$B"
  run_ctest release "$B" --timeout 900
}

pass_asan() {
  local B=build/test-asan
  # clang: the same ASan+UBSan build compiles in about 0.55x the CPU time of g++ 12 (test_kmeans.cpp: 11 s
  # against 20 s), which the CI budget needs; and the whole suite is then built by a second compiler (the
  # release pass uses g++).
  cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DSEMVEC_SANITIZE=address,undefined \
        -DSEMVEC_SIMD=native -DSEMVEC_BUILD_TESTS=ON -DSEMVEC_BUILD_CLI=ON -DSEMVEC_BUILD_EXAMPLES=OFF \
        -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_FUZZ=OFF
  build_targets "$B"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest asan "$B" --timeout 1800 -LE "consume|cross|docs"
}

pass_tsan() {
  local B=build/test-tsan
  # clang, as in the asan pass: the TSan build compiles faster than with g++ 12 (the CI budget).
  cmake -S . -B "$B" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DSEMVEC_SANITIZE=thread \
        -DSEMVEC_SIMD=native -DSEMVEC_BUILD_TESTS=ON -DSEMVEC_BUILD_CLI=OFF -DSEMVEC_BUILD_EXAMPLES=OFF \
        -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_FUZZ=OFF
  # Only the test executables whose sources hold [concurrency] tests (tests/AREA → target test_AREA).
  # reduce and umap tag their thread-count invariance tests too; under TSan they cost ~4 minutes of build and
  # run, over the CI budget, so CI leaves them out (run them with TSAN_SKIP_AREAS="" scripts/test.sh).
  local skip_areas="${TSAN_SKIP_AREAS-reduce umap}" targets=() f area t
  for f in $(grep -rl '\[concurrency\]' tests --include='*.cpp' | sort); do
    area=$(basename "$(dirname "$f")")
    [[ " $skip_areas " == *" $area "* ]] && continue
    # The executable that compiles this file (an area may hold several: tests/text has test_text,
    # test_hf_parity and test_bpe_unigram); test_AREA where the name is not written out (e.g. a variable).
    t=$(grep -hE "(semvec_add_catch_test|add_executable)\([A-Za-z0-9_]+ [^)]*\b$(basename "$f" .cpp)\.cpp\b" \
          "tests/$area/CMakeLists.txt" | head -1 | sed -E 's/.*(semvec_add_catch_test|add_executable)\(([A-Za-z0-9_]+).*/\2/' || true)
    [ -n "$t" ] || t="test_$area"
    [[ " ${targets[*]:-} " == *" $t "* ]] || targets+=("$t")
  done
  [ ${#targets[@]} -gt 0 ] || { echo "TSan: no test executable holds [concurrency] tests" >&2; return 1; }
  cmake --build "$B" -j "$JOBS" --target "${targets[@]}"
  # The converted fixture models the tests read (the release pass makes its own through ctest).
  "$PY" tests/convert/convert_fixtures.py tests/data/models "$B/converted-models" >"$B/convert_fixtures.log"
  local exe names cases=0 n rc=0
  for exe in "$B"/tests/*/test_*; do
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    [[ " $skip_areas " == *" $(basename "$(dirname "$exe")") "* ]] && continue
    # Catch2 v2 exits with the number of tests it listed, so read the list instead of its exit code.
    names=$("$exe" --list-test-names-only "[concurrency]" || true)
    [ -n "$names" ] || continue
    echo "-- $exe [concurrency]: $(echo "$names" | wc -l) test cases"
    # From the executable's build folder, as ctest runs it: the tests' scratch files go there, not into the checkout.
    (cd "$(dirname "$exe")" && SEMVEC_CONVERTED_DIR="$ROOT/$B/converted-models" SEMVEC_STRESS_SECONDS=10 \
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "./$(basename "$exe")" --use-colour no "[concurrency]") 2>&1 | tee "$B/run.log" || rc=1
    n=$(sed -nE 's/.*\(([0-9]+) assertions? in ([0-9]+) test cases?\).*/\2/p; s/.*test cases?: *([0-9]+) *\|.*/\1/p' "$B/run.log" | tail -1)
    cases=$((cases + ${n:-0}))
  done
  echo "TSan: $cases [concurrency] test cases ran (areas left out: ${skip_areas:-none})"
  return $rc
}

# Windows: the Catch2 tests built with MinGW-w64 (cmake/toolchain-mingw64.cmake) and run under Wine by ctest
# (CMAKE_CROSSCOMPILING_EMULATOR). Python, CLI and consume tests stay with the Linux passes.
pass_windows() {
  local B=build/test-windows deps="$ROOT/build/test-windows/deps" u8
  u8=$(ls -d "${SEMVEC_DEPS_SRC:-/usr/local/src/semvec-deps}"/utf8proc-*/ 2>/dev/null | head -1)
  if [ -z "$u8" ] || ! command -v x86_64-w64-mingw32-g++-posix >/dev/null || [ ! -x /usr/lib/wine/wine64 ]; then
    echo "SEMVEC-SKIP: windows: MinGW-w64, wine64 or the utf8proc source missing (scripts/setup.sh installs them)"
    [ "$CI_MODE" = 1 ] && return 1
    echo "[windows] the whole pass: MinGW-w64, wine64 or the utf8proc source missing" >>"$SKIP_LINES"
    touch build/test-windows.skipped
    return 0
  fi
  mkdir -p "$deps"
  ln -sfn /usr/include/eigen3/Eigen "$deps/Eigen"
  ln -sfn /usr/include/nlohmann "$deps/nlohmann"
  ln -sfn /usr/include/catch2 "$deps/catch2"
  export WINEDEBUG=-all WINEPREFIX="$ROOT/$B/wineprefix"
  cmake -S . -B "$B" -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-mingw64.cmake" -DCMAKE_BUILD_TYPE=Release \
        -DSEMVEC_SANITIZE= -DSEMVEC_SIMD=native -DSEMVEC_BUILD_TESTS=ON -DSEMVEC_BUILD_CLI=OFF \
        -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_FUZZ=OFF -DSEMVEC_INSTALL=OFF \
        -DSEMVEC_DEPS_INCLUDE_DIR="$deps" -DSEMVEC_UTF8PROC_SOURCE_DIR="$u8"
  build_targets "$B"
  /usr/lib/wine/wine64 cmd /c exit 0 >/dev/null 2>&1 || true  # create the Wine prefix once, outside the timed tests
  run_ctest windows "$B" --timeout 1800 -L unit -LE "python|consume"
}

pass_fuzz() {
  FUZZ_BUILD=build/test-fuzz bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
}

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

status=0
for pass in $PASSES; do
  declare -F "pass_$pass" >/dev/null || { echo "test.sh: unknown pass '$pass'" >&2; exit 2; }
  echo "== pass $pass: start $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s)
  RAN[$pass]=0; FAILED[$pass]=0; SKIPPED[$pass]=0
  rm -f "build/test-$pass.skipped"
  set +e
  ( set -euo pipefail; "pass_$pass" ) 2>&1 | tee "build/test-$pass.out"
  rc=${PIPESTATUS[0]}
  set -e
  # The subshell cannot set our arrays: recount from what it left behind.
  case "$pass" in
    release|asan|windows) [ -f "build/test-$pass/ctest.log" ] && { ctest_counts "build/test-$pass/ctest.log" "$pass"; collect_skips "$pass" "build/test-$pass"; } ;;
    tsan) RAN[tsan]=$(sed -nE 's/^TSan: ([0-9]+) \[concurrency\] test cases ran.*/\1/p' "build/test-tsan.out" | tail -1) ;;
    fuzz) RAN[fuzz]=$(grep -c '^== fuzz_.*: [0-9?]* executions' build/test-fuzz.out || true)
          FAILED[fuzz]=$(grep -c '^fuzz_.* FAILED' build/test-fuzz.out || true) ;;
  esac
  RAN[$pass]=${RAN[$pass]:-0}
  WALL[$pass]=$(( $(date +%s) - start ))
  if [ "$rc" = 0 ] && [ -f "build/test-$pass.skipped" ]; then
    RESULT[$pass]=skipped; WALL[$pass]=$(( $(date +%s) - start )); echo "== pass $pass: skipped"; continue
  elif [ "$rc" = 0 ] && [ "${RAN[$pass]}" -eq 0 ]; then
    echo "test.sh: pass $pass ran no test" >&2; rc=1
  fi
  if [ "$rc" = 0 ]; then RESULT[$pass]=ok; else RESULT[$pass]=FAILED; status=1; fi
  echo "== pass $pass: ${RAN[$pass]} tests ran, ${FAILED[$pass]} failed, ${SKIPPED[$pass]} skipped," \
       "wall $(fmt_time "${WALL[$pass]}") — ${RESULT[$pass]}"
done

sort -u -o "$SKIP_LINES" "$SKIP_LINES"
nskip=$(wc -l <"$SKIP_LINES")
echo
echo "== summary ($(nproc) cores, JOBS=$JOBS, CI: $([ $CI_MODE = 1 ] && echo yes || echo no), load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-8s %7s %7s %8s %9s  %s\n' pass tests failed skipped wall result
total_passed=0; total_failed=0; total_skipped=0; total_wall=0
for pass in $PASSES; do
  printf '%-8s %7s %7s %8s %9s  %s\n' "$pass" "${RAN[$pass]}" "${FAILED[$pass]}" "${SKIPPED[$pass]}" \
         "$(fmt_time "${WALL[$pass]}")" "${RESULT[$pass]}"
  total_passed=$((total_passed + RAN[$pass] - FAILED[$pass])); total_failed=$((total_failed + FAILED[$pass]))
  total_skipped=$((total_skipped + SKIPPED[$pass])); total_wall=$((total_wall + WALL[$pass]))
done
printf '%-8s %7s %7s %8s %9s\n' total "$((total_passed + total_failed))" "$total_failed" "$total_skipped" "$(fmt_time "$total_wall")"
if [ "$nskip" -gt 0 ]; then
  echo "== SKIPPED: $nskip (a tool or file is missing on this machine; under CI these fail)"
  sed 's/^/  /' "$SKIP_LINES"
fi
if [ "$CI_MODE" = 1 ] && [ "$nskip" -gt 0 ]; then
  echo "test.sh: $nskip skips under CI" >&2; status=1
fi
echo "test.sh: $total_passed passed, $total_failed failed, $nskip skipped"
[ "$status" = 0 ] && echo "== all test passes passed" || echo "== FAILED: $(for p in $PASSES; do [ "${RESULT[$p]}" = ok ] || printf '%s ' "$p"; done)"
exit $status
