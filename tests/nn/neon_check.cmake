# Compiles tests/nn/neon_check.cpp for AArch64 (NEON level) with -march=${ARCH} (the int8 path it must pick:
# ${EXPECT}) and runs it under qemu-aarch64.
execute_process(COMMAND ${CXX} -std=c++17 -O2 -Wall -Wextra -Wpedantic -Werror -march=${ARCH} -DEXPECT_INT8_PATH=\"${EXPECT}\" -static
                        -I${INC} ${SRC} -o ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "aarch64 build of the NEON kernels failed")
endif()
execute_process(COMMAND ${QEMU} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "NEON self-check failed under qemu")
endif()
