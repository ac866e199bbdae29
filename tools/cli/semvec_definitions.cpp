// The one translation unit of the CLI that compiles semvec's out-of-line definitions (the CLI builds with
// SEMVEC_SEPARATE_COMPILATION: see semvec/config.hpp). The other cmd_*.cpp files see declarations only for
// the headers written in two parts, which keeps the CLI's build time down and tests that layout.
#define SEMVEC_IMPLEMENTATION
#include <semvec/semvec.hpp>
