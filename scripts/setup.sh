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
  catch2                                  # unit tests (v2 single header)
  libbenchmark-dev                        # micro benchmarks
  python3 python3-numpy                   # scripts/convert.py
  python3-torch                           # convert.py reading pytorch_model.bin (tested)
  python3-torchvision python3-pil         # vision fixtures and image-pipeline reference (tests/vision)
  doxygen                                 # API reference (ctest checks it builds without warnings)
  clang libclang-rt-14-dev                # libFuzzer targets and their sanitizer runtimes
)
# Optional extras for benchmarks against peers, asked for by name: SEMVEC_SETUP_EXTRAS="peers"
for extra in ${SEMVEC_SETUP_EXTRAS:-}; do
  case "$extra" in
    peers) PACKAGES+=(python3-sklearn r-cran-rtsne r-cran-uwot python3-onnx) ;;  # Node.js comes with the machine
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

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all packages present"
  exit 0
fi

echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
  echo "setup.sh: install failed; refreshing package lists and retrying"
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "setup.sh: done"
