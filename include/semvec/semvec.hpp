// semvec/semvec.hpp — the umbrella header: includes every public header, nothing else.
#pragma once

#include "result.hpp"
#include "version.hpp"
#include "matrix.hpp"
#include "simd/dispatch.hpp"
#include "util/half.hpp"
#include "util/parallel.hpp"
#include "io/dtype.hpp"
#include "io/safetensors.hpp"
#include "io/npy.hpp"
