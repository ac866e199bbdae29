# semvecCompiled.cmake — semvec's definitions compiled once, as a static library (semvec/config.hpp,
# "separate compilation"): the files that link it see declarations only, so each compiles in about the time of
# Eigen/Core instead of instantiating the encoder, the reducers and Eigen's solvers again.
#
#   add_subdirectory(semvec)                     # defines semvec::compiled (built at SEMVEC_SIMD, default native)
#   target_link_libraries(app PRIVATE semvec::compiled)
#
#   find_package(semvec REQUIRED)                # an installed semvec: make the library with your own level
#   semvec_add_compiled(semvec_compiled avx2)    # <name> [native|avx512|avx2|neon|scalar]
#   target_link_libraries(app PRIVATE semvec_compiled)
#
# The library defines SEMVEC_SEPARATE_COMPILATION for everything that links it (PUBLIC); build every file of the
# program at the library's SIMD level.

# The sources: next to this file once installed, in src/ in the source tree. Two translation units of about
# equal weight (text and images / vectors and maps), so that two cores compile them side by side.
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/semvec_compiled_text.cpp")
  set(_semvec_compiled_dir "${CMAKE_CURRENT_LIST_DIR}")
else()
  set(_semvec_compiled_dir "${CMAKE_CURRENT_LIST_DIR}/../src")
endif()
set_property(GLOBAL PROPERTY SEMVEC_COMPILED_SOURCES
  "${_semvec_compiled_dir}/semvec_compiled_text.cpp" "${_semvec_compiled_dir}/semvec_compiled_maps.cpp")

# semvec_add_compiled(<name> [<simd level>]): a static library <name> holding semvec's definitions.
function(semvec_add_compiled name)
  get_property(sources GLOBAL PROPERTY SEMVEC_COMPILED_SOURCES)
  add_library(${name} STATIC ${sources})
  target_link_libraries(${name} PUBLIC semvec::semvec)
  target_compile_definitions(${name} PUBLIC SEMVEC_SEPARATE_COMPILATION)
  if(ARGC GREATER 1)
    semvec_target_simd(${name} ${ARGV1} PRIVATE)
  endif()
endfunction()
