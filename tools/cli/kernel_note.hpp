// tools/cli/kernel_note.hpp — the one-line note a command prints (stderr) after loading a model whose
// precision runs on a slow GEMM path in this build (semvec::slow_path_note), e.g. int8 without int8 SIMD.
#pragma once

#include <cstdio>

#include <semvec/model/model.hpp>
#include <semvec/nn/gemm_paths.hpp>

namespace semvec_cli {

inline void note_slow_kernel(const semvec::Model& model, const char* command) {
    const char* note = semvec::slow_path_note(semvec::weight_type_name(model.info().weight_type));
    if (note[0] != '\0') std::fprintf(stderr, "semvec %s: note: %s\n", command, note);
}

}  // namespace semvec_cli
