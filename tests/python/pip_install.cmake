# `pip install ./python` as python/README.md tells users: a venv with Debian's site packages, no build
# isolation, no package index (nothing downloads). Then imports semvec from the venv and embeds a text.
file(REMOVE_RECURSE "${VENV}")
execute_process(COMMAND ${PYTHON} -m venv --system-site-packages "${VENV}" RESULT_VARIABLE rc)
if(rc)
  set(REASON "python_pip_install: '${PYTHON} -m venv' failed (Debian: python3-venv)")
  include(${CMAKE_CURRENT_LIST_DIR}/../unavailable.cmake)
  return()
endif()
# A copy of python/ (pip builds in the source folder; the checkout stays clean), headers from the checkout.
file(COPY "${SOURCE}/python/" DESTINATION "${VENV}/src" PATTERN "__pycache__" EXCLUDE PATTERN "build" EXCLUDE)
# -O0: this test checks that pip builds and installs the package, not its speed, and compiles twice as fast so.
execute_process(COMMAND ${CMAKE_COMMAND} -E env "SEMVEC_INCLUDE=${SOURCE}/include" "SEMVEC_OPT=-O0"
                        "${VENV}/bin/python" -m pip install --no-build-isolation --no-index --no-cache-dir --quiet
                        "${VENV}/src" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "pip install ${SOURCE}/python failed (${rc})")
endif()
execute_process(COMMAND "${VENV}/bin/python" -c
  "import semvec, sys; m = semvec.load_model(sys.argv[1]); v = m.encode(['a cat']); assert v.shape == (1, 100); print('pip-installed semvec', semvec.__version__, semvec.__file__)"
  "${SOURCE}/models/glove-6B-100d-top20k-f16.safetensors"
  WORKING_DIRECTORY "${VENV}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the pip-installed semvec does not work (${rc})")
endif()
