# ctest compiled_parts_cover_the_umbrella: every header of semvec/semvec.hpp is included by exactly one of the
# src/semvec_compiled_*.cpp parts of semvec::compiled (a header left out would have no definitions in the
# library). A two-part header reached by both parts (directly or through another header) would be defined
# twice: the link of the CLI, which uses both parts, fails then with "multiple definition".
#   cmake -DROOT=<source dir> -P check_compiled_parts.cmake
cmake_minimum_required(VERSION 3.20)
file(STRINGS "${ROOT}/include/semvec/semvec.hpp" umbrella REGEX "^#include \"")
file(GLOB parts "${ROOT}/src/semvec_compiled_*.cpp")
set(seen "")
foreach(part IN LISTS parts)
  file(STRINGS "${part}" lines REGEX "^#include <semvec/")
  foreach(l IN LISTS lines)
    string(REGEX REPLACE "^#include <semvec/(.*)>.*" "\\1" h "${l}")
    if(h IN_LIST seen)
      message(FATAL_ERROR "${h} is included by two parts of semvec::compiled")
    endif()
    list(APPEND seen "${h}")
  endforeach()
endforeach()
foreach(l IN LISTS umbrella)
  string(REGEX REPLACE "^#include \"(.*)\".*" "\\1" h "${l}")
  if(NOT h IN_LIST seen)
    message(FATAL_ERROR "semvec.hpp includes ${h}, but no src/semvec_compiled_*.cpp part does: its definitions are missing from semvec::compiled")
  endif()
endforeach()
list(LENGTH seen n)
message(STATUS "semvec::compiled parts include ${n} headers, every one of semvec.hpp once")
