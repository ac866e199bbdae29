# Cross build for 64-bit Windows with Debian's MinGW-w64 (g++-mingw-w64-x86-64), tests run under Wine (wine64):
#   cmake -S . -B build/win -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake \
#         -DSEMVEC_DEPS_INCLUDE_DIR=<dir with Eigen/, nlohmann/, catch2/> -DSEMVEC_UTF8PROC_SOURCE_DIR=<utf8proc source>
# The host's /usr/include must not reach the cross compiler (glibc headers): the header-only dependencies come
# from SEMVEC_DEPS_INCLUDE_DIR (symlinks to the Debian packages' folders), utf8proc is compiled from its source
# (Debian ships no MinGW build of it; scripts/setup.sh fetches Debian's source package).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
# The posix thread model: std::thread and std::mutex need it with GCC 12's MinGW runtime.
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static runtime: the .exe files run under Wine without the MinGW DLLs on its path.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
find_program(SEMVEC_WINE NAMES wine64 wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(SEMVEC_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SEMVEC_WINE})
endif()
