// semvec/version.hpp — library version.
#pragma once

#define SEMVEC_VERSION_MAJOR 0
#define SEMVEC_VERSION_MINOR 1
#define SEMVEC_VERSION_PATCH 0

namespace semvec {
/// "major.minor.patch"
inline const char* version() { return "0.1.0"; }
}  // namespace semvec
