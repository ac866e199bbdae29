// semvec/config.hpp — how the headers are compiled: header-only (the default) or separate compilation.
//
// Header-only (nothing defined): every header carries its definitions, `SEMVEC_API` is `inline`, and any
// translation unit may include any header. Simple, but a file that includes the heavy headers instantiates
// Eigen's GEMM, the encoder and the reducers in every translation unit that includes them.
//
// Separate compilation (define SEMVEC_SEPARATE_COMPILATION for the whole program): headers carry declarations
// only, and the definitions are compiled once, with external linkage. Either link the CMake target
// semvec::compiled (a static library of them, which also defines SEMVEC_SEPARATE_COMPILATION for you; from an
// installed semvec: semvec_add_compiled(), cmake/semvecCompiled.cmake), or compile `-DSEMVEC_SEPARATE_COMPILATION`
// everywhere and let exactly one source file define SEMVEC_IMPLEMENTATION before including <semvec/semvec.hpp>.
// The other files compile in about the time of Eigen/Core (a file that loads a model and encodes text: ~2 s
// at -O2, scripts/compile_time.sh). A declaration part may name a class it does not define (Model::encoder()
// returns a TransformerEncoder*): include that class's header to use the object.
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
