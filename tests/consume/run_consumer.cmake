# ctest driver for the ways of consuming semvec. Variables: MODE, SEMVEC_SOURCE, WORK, CXX, EIGEN_INCLUDE,
# UTF8PROC_INCLUDE, UTF8PROC_LIBRARY, CONSUMER_DIR.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}")
  endif()
endfunction()
set(off -DSEMVEC_BUILD_TESTS=OFF -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_BUILD_CLI=OFF)
# The consumer builds at -O1: the umbrella header compiles faster than at -O0 (about 21 s of CPU against 30).
set(consumer_flags -DCMAKE_CXX_FLAGS=-O1)
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} -S "${SEMVEC_SOURCE}" -B "${WORK}/semvec-build" -DCMAKE_INSTALL_PREFIX=${WORK}/prefix -DSEMVEC_INSTALL=ON ${off})
  run(${CMAKE_COMMAND} --install "${WORK}/semvec-build")
  run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK}/build" -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCONSUME_MODE=find_package
      ${consumer_flags})
  run(${CMAKE_COMMAND} --build "${WORK}/build")
  run("${WORK}/build/consumer")
elseif(MODE STREQUAL "add_subdirectory")
  run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK}/build" -DCONSUME_MODE=add_subdirectory -DSEMVEC_SOURCE=${SEMVEC_SOURCE}
      ${consumer_flags})
  run(${CMAKE_COMMAND} --build "${WORK}/build")
  run("${WORK}/build/consumer")
elseif(MODE STREQUAL "plain" OR MODE STREQUAL "no_exceptions")
  set(extra "")
  if(MODE STREQUAL "no_exceptions")
    set(extra -fno-exceptions -fno-rtti)
  endif()
  set(utf8_inc "")
  if(NOT UTF8PROC_INCLUDE STREQUAL "/usr/include")  # a system dir must not be re-added with -isystem
    set(utf8_inc -isystem "${UTF8PROC_INCLUDE}")
  endif()
  if(MODE STREQUAL "plain")
    # The umbrella header with a plain compiler command (the README's).
    run(${CXX} -std=c++17 -O1 -Wall -Wextra -Wpedantic -Werror -I "${SEMVEC_SOURCE}/include"
        -isystem "${EIGEN_INCLUDE}" ${utf8_inc} "${CONSUMER_DIR}/main.cpp" -o "${WORK}/consumer"
        "${UTF8PROC_LIBRARY}" -pthread)
    run("${WORK}/consumer")
  else()
    # -fno-exceptions -fno-rtti: a program over the umbrella header that loads, encodes, tokenizes and hits the
    # error paths. (The examples cluster_map and game_npc_dialogue are built that way in examples/ and run
    # there: no second compile of them here.)
    set(model "${SEMVEC_SOURCE}/models/glove-6B-100d-top20k-f16.safetensors")
    run(${CXX} -std=c++17 -O1 -Wall -Wextra -Wpedantic -Werror ${extra} -I "${SEMVEC_SOURCE}/include"
        -isystem "${EIGEN_INCLUDE}" ${utf8_inc} "${CONSUMER_DIR}/no_exceptions.cpp" -o "${WORK}/no_exceptions"
        "${UTF8PROC_LIBRARY}" -pthread)
    run("${WORK}/no_exceptions" "${model}" "${SEMVEC_SOURCE}/tests/data/tokenizer/bert-base-uncased-tokenizer.json")
  endif()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
