// tools/cli/cmd_info.cpp — `semvec info FILE`: what a safetensors / semvec model file holds.
#include <cstdio>
#include <string>

#include <semvec/build_info.hpp>
#include <semvec/io/safetensors.hpp>
#include <semvec/nn/gemm_paths.hpp>
#include <semvec/simd/dispatch.hpp>
#include <semvec/version.hpp>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

namespace {

// Long metadata values (a 30k-token vocab) are summarized, not dumped.
std::string summarize_value(const std::string& v) {
    if (v.size() <= 200) return v;
    std::string head = v.substr(0, 120);
    for (char& c : head)
        if (c == '\n') c = ' ';
    return head + "… (" + std::to_string(v.size()) + " bytes)";
}

// The build: SIMD level, compiled CPU features, whether this CPU has them, the kernel variants linked in.
void print_build() {
    const semvec::BuildInfo b = semvec::build_info();
    std::printf("semvec:    %s, SIMD level %s (kernels %s), %s\n", b.version.c_str(), b.simd_level.c_str(),
                b.simd_variant.c_str(), b.compiler.c_str());
    std::printf("compiled:  %s\n", b.features.empty() ? "(baseline only)" : b.features.c_str());
    if (b.cpu_ok)
        std::printf("cpu:       has every compiled feature\n");
    else
        std::printf("cpu:       LACKS %s: models and reducers return cpu_unsupported\n", b.cpu_missing.c_str());
    if (b.linked_variants.size() > 1) {
        std::string all;
        for (const auto& v : b.linked_variants) all += (all.empty() ? "" : ", ") + v;
        std::printf("variants:  %s (translation units built with different SIMD flags)\n", all.c_str());
    }
}

}  // namespace

int cmd_info(int argc, char** argv) {
    Args args("info", "Show the SIMD level and CPU features compiled into this program and, given FILE, the tensors\n"
                      "and metadata of a safetensors file and the model summary of a semvec model file.",
              {{"--tensors", "", "list every tensor (default: the first 40)", ""}}, "[FILE]");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (args.positional().size() > 1) {
        args.usage_error("expected at most one FILE", code);
        return code;
    }
    if (args.positional().empty()) {
        print_build();
        return kExitOk;
    }
    const std::string& path = args.positional()[0];
    auto file = semvec::SafetensorsFile::open(path);
    if (!file) {
        std::fprintf(stderr, "semvec info: %s\n", file.error().what().c_str());
        return kExitInputError;
    }
    std::printf("file:      %s (%zu bytes, header %zu bytes)\n", path.c_str(), file->file_size(), file->header_size());
    print_build();
    // The encoder's GEMM per weight precision in this build (docs/performance.md, "Kernels and precision").
    const semvec::GemmPaths gp = semvec::gemm_paths();
    std::printf("kernels:   SIMD %s; GEMM f32 %s, f16 %s, bf16 %s, int8 %s\n", gp.simd, gp.f32, gp.f16, gp.bf16,
                gp.int8);
    std::size_t params = 0;
    for (const auto& t : file->tensors()) params += t.numel();
    std::printf("tensors:   %zu (%zu values)\n", file->tensors().size(), params);

    const auto& meta = file->metadata();
    if (auto arch = meta.find("semvec.architecture"); arch != meta.end()) {
        std::printf("model:     semvec model file, architecture %s", arch->second.c_str());
        const auto d = meta.find("semvec.dtype");
        if (d != meta.end()) std::printf(", weights %s (GEMM %s)", d->second.c_str(), semvec::gemm_path(d->second));
        std::printf("\n");
        if (d != meta.end() && semvec::slow_path_note(d->second)[0] != '\0')
            std::printf("  note: %s\n", semvec::slow_path_note(d->second));
        for (const char* key : {"semvec.config", "semvec.tokenizer", "semvec.pooling", "semvec.prompts", "semvec.source"})
            if (auto it = meta.find(key); it != meta.end())
                std::printf("  %-17s %s\n", key + 7, summarize_value(it->second).c_str());
    }
    if (!meta.empty()) {
        std::printf("metadata:\n");
        for (const auto& [k, v] : meta) std::printf("  %s = %s\n", k.c_str(), summarize_value(v).c_str());
    }
    std::printf("%-48s %-5s %s\n", "tensor", "dtype", "shape");
    std::size_t shown = 0;
    for (const auto& t : file->tensors()) {
        if (!args.has("--tensors") && shown == 40) {
            std::printf("… %zu more (use --tensors)\n", file->tensors().size() - shown);
            break;
        }
        std::printf("%-48s %-5s %s\n", t.name.c_str(), semvec::dtype_name(t.dtype), t.shape_string().c_str());
        ++shown;
    }
    return kExitOk;
}

}  // namespace semvec_cli
