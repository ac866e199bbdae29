# Cross-compiles tests/parity/neon_forward.cpp for AArch64 (NEON level) and runs it under qemu-aarch64:
# forward-only parity of bert-tiny in f32 / bf16 / int8. Eigen and nlohmann are header-only: their folders
# are linked into a private include dir (the host's /usr/include must not reach the cross compiler).
file(MAKE_DIRECTORY ${OUT}-inc)
file(CREATE_LINK ${NLOHMANN}/nlohmann ${OUT}-inc/nlohmann SYMBOLIC)
file(CREATE_LINK ${EIGEN}/Eigen ${OUT}-inc/Eigen SYMBOLIC)
execute_process(COMMAND ${CXX} -std=c++17 -O2 -Wall -Wextra -march=armv8.2-a+fp16 -static -I${INC} -isystem ${OUT}-inc
                        ${SRC} ${STUBS} -o ${OUT} -lpthread RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "aarch64 build of the encoder failed")
endif()
execute_process(COMMAND ${QEMU} ${OUT} ${CONVERTED} ${FIXTURE} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "NEON encoder parity failed under qemu")
endif()
