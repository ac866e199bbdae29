"""Builds semvec._semvec, the pybind11 extension over the header-only C++ library in ../include.

Installed with `pip install --no-build-isolation --no-index ./python` from a checkout (python/README.md says
why those flags and where to install on Debian). Environment variables:
  SEMVEC_INCLUDE  the library's include folder (default: ../include beside this file)
  SEMVEC_SIMD     native (default: this machine's CPU, fastest, not portable), avx512, avx2 or scalar
  SEMVEC_OPT      the optimization flag (default -O2; the install smoke test uses -O0 to compile faster)
"""
import os
import sys

from pybind11.setup_helpers import Pybind11Extension, build_ext
from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.environ.get("SEMVEC_INCLUDE", os.path.join(HERE, "..", "include"))
if not os.path.isfile(os.path.join(INCLUDE, "semvec", "semvec.hpp")):
    sys.exit("setup.py: semvec headers not found in %s (set SEMVEC_INCLUDE)" % INCLUDE)

SIMD_FLAGS = {  # the same levels as cmake/semvecSimd.cmake
    "native": ["-march=native"],
    "avx512": ["-march=x86-64-v4"],
    "avx2": ["-march=x86-64-v3"],
    "scalar": ["-DSEMVEC_SIMD_SCALAR_OK"],
}
simd = os.environ.get("SEMVEC_SIMD", "native")
if simd not in SIMD_FLAGS:
    sys.exit("setup.py: SEMVEC_SIMD must be one of %s, got %r" % (", ".join(SIMD_FLAGS), simd))

ext = Pybind11Extension(
    "semvec._semvec",
    [os.path.join("src", "bindings.cpp")],
    include_dirs=[INCLUDE, "/usr/include/eigen3"],
    libraries=["utf8proc"],
    cxx_std=17,
    extra_compile_args=[os.environ.get("SEMVEC_OPT", "-O2"), "-DNDEBUG"] + SIMD_FLAGS[simd],
    extra_link_args=["-pthread"],
)

setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
