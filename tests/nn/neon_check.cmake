# Compiles tests/nn/neon_check.cpp for AArch64 (NEON level) and runs it under qemu-aarch64.
execute_process(COMMAND ${CXX} -std=c++17 -O2 -Wall -Wextra -Wpedantic -Werror -march=armv8.2-a+fp16 -static
                        -I${INC} ${SRC} -o ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "aarch64 build of the NEON kernels failed")
endif()
execute_process(COMMAND ${QEMU} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "NEON self-check failed under qemu")
endif()
