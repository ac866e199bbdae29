# semvecSimd.cmake — the compiler flags of a semvec SIMD level, for your own targets.
#
# semvec::semvec passes NO architecture flags to the targets that link it: the kernels follow each target's own
# flags (include/semvec/simd/dispatch.hpp), and a translation unit left at the scalar level prints a compiler
# note unless SEMVEC_SIMD_SCALAR_OK is defined. To get the fast kernels:
#
#   find_package(semvec REQUIRED)            # or add_subdirectory(semvec): both define these functions
#   target_link_libraries(app PRIVATE semvec::semvec)
#   semvec_target_simd(app avx2)             # or native / avx512 / neon / scalar
#
# Levels (GCC/Clang flags; MSVC in brackets):
#   native  this machine's CPU: -march=native (x86) or -mcpu=native (Arm) [/arch:AVX2]. Fastest, not portable:
#           a binary started on an older CPU returns ErrorCode::cpu_unsupported from load_model and the reducers.
#   avx512  -march=x86-64-v4: AVX-512 F/BW/DQ/VL, AVX2, FMA, F16C [/arch:AVX512]
#   avx2    -march=x86-64-v3: AVX2, FMA, F16C (x86 CPUs since 2013-2015) [/arch:AVX2]
#   neon    AArch64 baseline: no flag needed (add -march=armv8.2-a+dotprod yourself for the int8 dot kernels)
#   scalar  no SIMD: defines SEMVEC_SIMD_FORCE_scalar (the kernels stay scalar whatever the flags) [none]
# Every translation unit of a program that includes semvec should use the same level: the kernels of each level
# live in their own namespace, so mixing levels links but costs code size and consistency (build_info() lists
# the variants linked in).

# semvec_simd_flags(<options-var> <definitions-var> <level>): the compile options and definitions of LEVEL.
function(semvec_simd_flags opts_var defs_var level)
  set(opts "")
  set(defs "")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "MSVC")
    if(level STREQUAL "native" OR level STREQUAL "avx2")
      set(opts /arch:AVX2)
    elseif(level STREQUAL "avx512")
      set(opts /arch:AVX512)
    endif()
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
    if(level STREQUAL "native")
      set(opts -mcpu=native)
    endif()
  else()
    if(level STREQUAL "native")
      set(opts -march=native)
    elseif(level STREQUAL "avx512")
      set(opts -march=x86-64-v4)
    elseif(level STREQUAL "avx2")
      set(opts -march=x86-64-v3)
    endif()
  endif()
  if(level STREQUAL "scalar")
    set(defs SEMVEC_SIMD_FORCE_scalar)
  elseif(NOT level MATCHES "^(native|avx512|avx2|neon)$")
    message(FATAL_ERROR "semvec: unknown SIMD level '${level}' (native, avx512, avx2, neon or scalar)")
  endif()
  set(${opts_var} "${opts}" PARENT_SCOPE)
  set(${defs_var} "${defs}" PARENT_SCOPE)
endfunction()

# semvec_target_simd(<target> <level> [PRIVATE|PUBLIC|INTERFACE]): adds LEVEL's flags to TARGET (default PRIVATE).
function(semvec_target_simd target level)
  set(scope PRIVATE)
  if(ARGC GREATER 2)
    set(scope ${ARGV2})
  endif()
  semvec_simd_flags(_opts _defs ${level})
  target_compile_options(${target} ${scope} ${_opts})
  target_compile_definitions(${target} ${scope} ${_defs})
endfunction()
