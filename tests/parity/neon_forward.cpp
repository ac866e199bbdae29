// Forward-only encoder parity at the NEON level, cross-compiled for AArch64 and run under qemu-aarch64 by
// neon_forward.cmake (no Catch2: a static self-contained binary). For bert-tiny in f32, bf16 and int8:
// last hidden state of every single_* golden within 1e-4 (f32), mean-pooled cosine >= 0.999 (bf16) and
// >= 0.995 (int8). Usage: neon_forward CONVERTED_DIR FIXTURE_DIR. Exit 0 when every bar holds.
#include <semvec/io/npy.hpp>
#include <semvec/model/encoder.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    const std::string conv = argv[1], fix = argv[2];
    std::printf("simd %s, int8 path %s\n", semvec::simd_level_name(), semvec::quant::int8_path_name());
    bool ok = true;
    for (const char* dt : {"f32", "bf16", "int8"}) {
        auto file = semvec::SafetensorsFile::open(conv + "/bert-tiny-" + dt + ".safetensors");
        if (!file) { std::printf("%s: %s\n", dt, file.error().what().c_str()); return 1; }
        auto info = semvec::read_model_info(*file);
        if (!info) return 1;
        auto enc = semvec::TransformerEncoder::load(*file, *info);
        if (!enc) { std::printf("%s: %s\n", dt, enc.error().what().c_str()); return 1; }
        const std::size_t H = (*enc)->hidden_size();
        semvec::EncoderWorkspace ws;
        double max_abs = 0, min_cos = 1;
        for (int c = 0; c < 12; ++c) {
            char name[64];
            std::snprintf(name, sizeof name, "/golden/single_%03d/", c);
            auto ids = semvec::read_npy_array(fix + name + "input_ids.npy");
            auto lhs = semvec::read_npy_array(fix + name + "last_hidden_state.npy");
            auto mean = semvec::read_npy_array(fix + name + "mean.npy");
            if (!ids || !lhs || !mean) return 1;
            const std::size_t L = ids->numel();
            std::vector<std::int32_t> v(L);
            for (std::size_t i = 0; i < L; ++i) v[i] = static_cast<std::int32_t>(ids->at(i));
            (*enc)->forward(v.data(), nullptr, nullptr, L, ws);
            const float* ref = reinterpret_cast<const float*>(lhs->data.data());
            const float* gm = reinterpret_cast<const float*>(mean->data.data());
            double d = 0, na = 0, nb = 0;
            for (std::size_t j = 0; j < H; ++j) {
                double m = 0;
                for (std::size_t i = 0; i < L; ++i) m += ws.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
                m /= static_cast<double>(L);
                d += m * gm[j];
                na += m * m;
                nb += static_cast<double>(gm[j]) * gm[j];
            }
            min_cos = std::min(min_cos, d / std::sqrt(na * nb));
            for (std::size_t i = 0; i < L * H; ++i) max_abs = std::max(max_abs, std::abs(double(ws.x.data()[i]) - ref[i]));
        }
        const bool pass = std::string(dt) == "f32" ? max_abs <= 1e-4 : min_cos >= (std::string(dt) == "int8" ? 0.995 : 0.999);
        std::printf("neon %-5s %-24s lhs max|d| %.2e  mean cosine min %.7f  %s\n", dt, semvec::precision_name((*enc)->precision()),
                    max_abs, min_cos, pass ? "ok" : "FAIL");
        ok = ok && pass;
    }
    return ok ? 0 : 1;
}
