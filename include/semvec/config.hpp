// semvec/config.hpp — how the headers are compiled: header-only (the default) or separate compilation.
//
// Header-only (nothing defined): every header carries its definitions, `SEMVEC_API` is `inline`, and any
// translation unit may include any header. Simple, but a file that includes the heavy headers instantiates
// Eigen's GEMM, the encoder and the reducers in every translation unit that includes them.
//
// Separate compilation (define SEMVEC_SEPARATE_COMPILATION for the whole program, e.g. with the CMake target
// semvec::compiled or `-DSEMVEC_SEPARATE_COMPILATION`): headers carry declarations only, and exactly one
// source file defines SEMVEC_IMPLEMENTATION before including <semvec/semvec.hpp>; that file gets every
// definition, with external linkage. The other files compile in about the time of Eigen/Core.
//
// A header is written in two parts (docs/api-conventions.md, "Headers"):
//
//     namespace semvec { SEMVEC_API Result<Matrix> tsne(MatrixView data, const TsneOptions& options = {}); }
//     #if SEMVEC_DEFINITIONS
//     ... heavy includes, detail:: helpers, and the body:
//     namespace semvec { SEMVEC_API Result<Matrix> tsne(MatrixView data, const TsneOptions& options) { ... } }
//     #endif
//
// Templates that callers instantiate with their own types stay in the declaration part.
#pragma once

#if defined(SEMVEC_SEPARATE_COMPILATION)
#define SEMVEC_API
#if defined(SEMVEC_IMPLEMENTATION)
#define SEMVEC_DEFINITIONS 1
#else
#define SEMVEC_DEFINITIONS 0
#endif
#else
#define SEMVEC_API inline
#define SEMVEC_DEFINITIONS 1
#endif
