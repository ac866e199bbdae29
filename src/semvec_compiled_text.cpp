// semvec::compiled, part 1 of 2: the definitions of the text and image side (files, tokenizers, encoders,
// vision). semvec::compiled (cmake/semvecCompiled.cmake) is semvec's out-of-line definitions compiled once, in
// two translation units that the two cores of a build compile side by side; programs that link it build with
// SEMVEC_SEPARATE_COMPILATION and see declarations only (semvec/config.hpp).
//
// The two parts must reach disjoint sets of two-part headers (else a definition is compiled twice and the
// CLI's link fails with "multiple definition"), and together include every header of semvec/semvec.hpp
// (ctest compiled_parts_cover_the_umbrella). A program of your own can skip this split and compile
// everything in one file: `#define SEMVEC_IMPLEMENTATION` then `#include <semvec/semvec.hpp>`.
#define SEMVEC_IMPLEMENTATION
#include <semvec/config.hpp>
#include <semvec/result.hpp>
#include <semvec/version.hpp>
#include <semvec/matrix.hpp>
#include <semvec/simd/dispatch.hpp>
#include <semvec/nn/gemm_paths.hpp>
#include <semvec/build_info.hpp>
#include <semvec/util/half.hpp>
#include <semvec/util/parallel.hpp>
#include <semvec/io/dtype.hpp>
#include <semvec/io/safetensors.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/io/text_table.hpp>
#include <semvec/text/tokenizer.hpp>
#include <semvec/text/sentencepiece_model.hpp>
#include <semvec/text/bpe_files.hpp>
#include <semvec/model/model_file.hpp>
#include <semvec/model/static_vectors.hpp>
#include <semvec/model/pooling.hpp>
#include <semvec/model/encoder_config.hpp>
#include <semvec/model/encoder.hpp>
#include <semvec/model/model.hpp>
#include <semvec/vision/image.hpp>
#include <semvec/vision/decode.hpp>
#include <semvec/vision/resize.hpp>
#include <semvec/vision/cnn.hpp>
#include <semvec/vision/vision_model.hpp>
#include <semvec/vision/thumbnail.hpp>
