# Compiles tests/nn/neon_check.cpp for AArch64 (NEON level); runs it under qemu-aarch64 when available.
execute_process(COMMAND ${CXX} -std=c++17 -O2 -Wall -Wextra -Wpedantic -Werror -march=armv8.2-a+fp16 -static
                        -I${INC} ${SRC} -o ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "aarch64 build of the NEON kernels failed")
endif()
if(QEMU)
  execute_process(COMMAND ${QEMU} ${OUT} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "NEON self-check failed under qemu")
  endif()
else()
  message(STATUS "qemu-aarch64 not found: NEON built, not run")
endif()
