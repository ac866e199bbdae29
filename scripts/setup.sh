#!/usr/bin/env bash
# Installs exactly the Debian packages semvec needs to build, test and benchmark.
# Idempotent: packages already present are skipped. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config        # toolchain
  libeigen3-dev                           # linear algebra (forward pass, PCA, spectral init)
  libutf8proc-dev                         # Unicode categories, case mapping and NFD
  nlohmann-json3-dev                      # JSON headers of safetensors and tokenizer.json
  libpng-dev libjpeg62-turbo-dev          # image decoding (semvec/vision/decode.hpp; optional for users)
  libfftw3-dev                            # t-SNE's FFT gradient (semvec/reduce/tsne_fft.hpp; optional for users)
  catch2                                  # unit tests (v2 single header)
  libbenchmark-dev                        # micro benchmarks
  python3 python3-numpy                   # scripts/convert.py
  python3-torch                           # convert.py reading pytorch_model.bin (tested)
  python3-sentencepiece                   # cross-check of convert.py's own .model reader (tests/text)
  python3-torchvision python3-pil         # vision fixtures and image-pipeline reference (tests/vision)
  doxygen                                 # API reference (ctest checks it builds without warnings)
  clang libclang-rt-14-dev                # libFuzzer targets and their sanitizer runtimes
  g++-aarch64-linux-gnu qemu-user         # NEON kernels and encoder built for AArch64, run under qemu-aarch64
  nodejs                                  # the HTML page's script, run with a fake DOM (tests/plot)
  python3-sklearn python3-scipy r-cran-dbscan  # live peer checks of clustering, classification and eval
  pybind11-dev python3-pybind11 python3-pytest python3-setuptools python3-pip python3-venv  # python/ bindings
  python3-dask python3-distributed python3-pandas  # semvec.dask and its LocalCluster tests
  python3-hnswlib                         # the ANN peer of scripts/bench_ann.py
  locales                                 # de_DE.UTF-8 for the comma-decimal test (test_util_locale)
)
# Optional extras, asked for by name: SEMVEC_SETUP_EXTRAS="peers windows"
for extra in ${SEMVEC_SETUP_EXTRAS:-}; do
  case "$extra" in
    peers) PACKAGES+=(python3-sklearn r-cran-rtsne r-cran-uwot python3-onnx  # Node.js comes with the machine
                      libopenblas0-pthread libopenblas0-openmp) ;;  # PyTorch's BLAS, stock and tuned (bench_all.sh)
    windows) PACKAGES+=(g++-mingw-w64-x86-64 wine64); WANT_UTF8PROC_SOURCE=1 ;;  # PASSES=windows scripts/test.sh
    python) WANT_PYTHON_VENV=1 ;;  # .venv with `pip install ./python` (python/README.md)
    *) echo "setup.sh: unknown extra '$extra'" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "setup.sh: $p already installed"
  else
    missing+=("$p")
  fi
done

# utf8proc for the Windows build: Debian has no MinGW build of it, so its Debian source package is fetched
# here (setup time; nothing downloads at build or test time) into SEMVEC_DEPS_SRC, through a deb-src entry
# added for the download and removed after it.
fetch_utf8proc_source() {
  local dir="${SEMVEC_DEPS_SRC:-/usr/local/src/semvec-deps}"
  if ls "$dir"/utf8proc-*/utf8proc.c >/dev/null 2>&1; then echo "setup.sh: utf8proc source present in $dir"; return 0; fi
  local list=/etc/apt/sources.list.d/semvec-deb-src.sources
  $SUDO mkdir -p "$dir"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
    $SUDO tee "$list" >/dev/null
  local rc=0
  { "${APT[@]}" update -qq && (cd "$dir" && "${APT[@]}" source --download-only utf8proc) &&
    (cd "$dir" && $SUDO tar xzf utf8proc_*.orig.tar.gz); } || rc=$?
  $SUDO rm -f "$list"
  "${APT[@]}" update -qq || true
  [ "$rc" = 0 ] && echo "setup.sh: utf8proc source in $(ls -d "$dir"/utf8proc-*/)" || echo "setup.sh: could not fetch the utf8proc source" >&2
  return $rc
}

# The comma-decimal locale of test_util_locale (numbers must read and print the same under it): generated
# once, as root, from the `locales` package.
ensure_test_locale() {
  if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then echo "setup.sh: locale de_DE.UTF-8 present"; return 0; fi
  if grep -q '^# *de_DE.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
    $SUDO sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
  else
    echo 'de_DE.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  fi
  $SUDO locale-gen
}

# The Python package into .venv (a venv that sees Debian's numpy; no download: python/README.md says why).
install_python_venv() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  python3 -m venv --system-site-packages "$root/.venv"
  "$root/.venv/bin/pip" install --no-build-isolation --no-index --quiet "$root/python"
  echo "setup.sh: semvec installed in $root/.venv ($("$root/.venv/bin/python" -c 'import semvec; print(semvec.__file__)'))"
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all packages present"
  APT=($SUDO apt-get -o DPkg::Lock::Timeout=600)
  ensure_test_locale
  [ "${WANT_UTF8PROC_SOURCE:-0}" = 1 ] && fetch_utf8proc_source
  [ "${WANT_PYTHON_VENV:-0}" = 1 ] && install_python_venv
  exit 0
fi

echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt (a shared machine) instead of failing on its lock.
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600)
if ! "${APT[@]}" install -y --no-install-recommends "${missing[@]}"; then
  echo "setup.sh: install failed; refreshing package lists and retrying"
  "${APT[@]}" update
  "${APT[@]}" install -y --no-install-recommends "${missing[@]}"
fi
ensure_test_locale
[ "${WANT_UTF8PROC_SOURCE:-0}" = 1 ] && fetch_utf8proc_source
[ "${WANT_PYTHON_VENV:-0}" = 1 ] && install_python_venv
echo "setup.sh: done"
