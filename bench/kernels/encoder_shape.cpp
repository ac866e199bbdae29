// A BERT-shaped forward pass built only from semvec's kernels (random weights), timed on the same cases
// as scripts/peers/: it shows what the kernels reach end to end before the real encoder (issue 4) uses
// them. Prints JSON lines for scripts/bench_peers.sh:
//   SEMVEC_BENCH="build-x/bench/kernels/encoder_shape --shape minilm --dtype f32" scripts/bench_peers.sh
// One thread. Embedding gather is omitted (a copy); everything from the first LayerNorm to mean pooling
// is computed: fused QKV GEMM, attention per head, output GEMM, residual LayerNorm, GEMM+GELU, GEMM,
// residual LayerNorm, then mean pooling.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "semvec/model/pooling.hpp"
#include "semvec/nn/nn.hpp"
#include "semvec/quant/int8.hpp"

namespace {

using semvec::nn::Activation;

struct Shape { int hidden, layers, heads, inter; };

std::vector<float> randv(std::size_t n, std::mt19937& g, float sd) {
    std::normal_distribution<float> d(0.0f, sd);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

// One linear layer in the three storage forms.
struct Linear {
    std::size_t n = 0, k = 0;
    std::vector<float> bias, pf;
    std::vector<semvec::simd::bf16_t> pb;
    std::vector<std::int8_t> pq;
    std::vector<std::int32_t> sums;
    std::vector<float> wscale;
    std::vector<semvec::simd::bf16_t> pd;  // bf16-dot packing (AVX512_BF16)
};

Linear make_linear(std::size_t n, std::size_t k, const std::string& dtype, std::mt19937& g) {
    Linear l;
    l.n = n;
    l.k = k;
    const auto w = randv(n * k, g, 0.02f);
    l.bias = randv(n, g, 0.02f);
    if (dtype == "f32") {
        l.pf.resize(semvec::nn::packed_weights_size(n, k));
        semvec::nn::pack_weights(w.data(), k, n, k, l.pf.data());
    } else if (dtype == "bf16dot") {
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
        l.pd.resize(semvec::nn::packed_bf16_dot_size(n, k));
        semvec::nn::pack_weights_bf16_dot(w.data(), k, n, k, l.pd.data());
#else
        std::fprintf(stderr, "bf16dot needs AVX512_BF16\n");
        std::exit(2);
#endif
    } else if (dtype == "bf16") {
        std::vector<semvec::simd::bf16_t> wb(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) wb[i].bits = semvec::f32_to_bf16(w[i]);
        l.pb.resize(semvec::nn::packed_weights_size(n, k));
        semvec::nn::pack_weights(wb.data(), k, n, k, l.pb.data());
    } else {
        std::vector<std::int8_t> wq(w.size());
        l.wscale.resize(n);
        for (std::size_t j = 0; j < n; ++j) {
            float m = 0;
            for (std::size_t t = 0; t < k; ++t) m = std::max(m, std::fabs(w[j * k + t]));
            l.wscale[j] = m / 127.0f;
            for (std::size_t t = 0; t < k; ++t) wq[j * k + t] = static_cast<std::int8_t>(std::nearbyint(w[j * k + t] / l.wscale[j]));
        }
        l.pq.resize(semvec::quant::packed_int8_size(n, k));
        l.sums.resize(n);
        semvec::quant::pack_int8_weights(wq.data(), k, n, k, l.pq.data(), l.sums.data());
    }
    return l;
}

struct Workspace {
    std::vector<std::uint8_t> qa;
    std::vector<float> sa;
    std::vector<semvec::simd::bf16_t> ab;
};

void apply(const Linear& l, std::size_t m, const float* a, float* c, Activation act, Workspace& ws) {
    if (!l.pf.empty()) {
        semvec::nn::gemm_packed(m, l.n, l.k, a, l.k, l.pf.data(), l.bias.data(), c, l.n, act);
    } else if (!l.pd.empty()) {
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
        const std::size_t kp = semvec::nn::bf16_dot_padded_k(l.k);
        ws.ab.resize(m * kp);
        semvec::nn::to_bf16_rows(a, m, l.k, l.k, ws.ab.data(), kp);
        semvec::nn::gemm_bf16_dot(m, l.n, l.k, ws.ab.data(), kp, l.pd.data(), l.bias.data(), c, l.n, act);
#endif
    } else if (!l.pb.empty()) {
        semvec::nn::gemm_packed(m, l.n, l.k, a, l.k, l.pb.data(), l.bias.data(), c, l.n, act);
    } else {
        const std::size_t ldq = semvec::quant::int8_padded_k(l.k);
        ws.qa.resize(m * ldq);
        ws.sa.resize(m);
        semvec::quant::quantize_rows(a, m, l.k, l.k, ws.qa.data(), ldq, ws.sa.data());
        semvec::quant::gemm_int8(m, l.n, l.k, ws.qa.data(), ldq, ws.sa.data(), l.pq.data(), l.sums.data(),
                                 l.wscale.data(), l.bias.data(), c, l.n, act);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string shape_name = "minilm", dtype = "f32";
    double seconds = 2.0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string f = argv[i];
        if (f == "--shape") shape_name = argv[i + 1];
        else if (f == "--dtype") dtype = argv[i + 1];
        else if (f == "--seconds") seconds = std::atof(argv[i + 1]);
        else { std::fprintf(stderr, "usage: encoder_shape [--shape minilm|bert-base] [--dtype f32|bf16|bf16dot|int8] [--seconds S]\n"); return 2; }
    }
    const Shape s = shape_name == "bert-base" ? Shape{768, 12, 12, 3072} : Shape{384, 6, 12, 1536};
    const std::size_t H = s.hidden, I = s.inter, dh = H / s.heads;
    std::mt19937 g(0);
    struct L { Linear qkv, out, up, down; std::vector<float> g1, b1, g2, b2; };
    std::vector<L> layers;
    for (int l = 0; l < s.layers; ++l) {
        L x{make_linear(3 * H, H, dtype, g), make_linear(H, H, dtype, g), make_linear(I, H, dtype, g),
            make_linear(H, I, dtype, g), std::vector<float>(H, 1.0f), std::vector<float>(H, 0.0f),
            std::vector<float>(H, 1.0f), std::vector<float>(H, 0.0f)};
        layers.push_back(std::move(x));
    }
    const std::vector<float> ln_g(H, 1.0f), ln_b(H, 0.0f);
    struct Case { const char* name; std::size_t b, t; };
    const Case cases[] = {{"b32x128", 32, 128}, {"b1x16", 1, 16}, {"b1x128", 1, 128}, {"b1x512", 1, 512}};
    for (const Case& c : cases) {
        const std::size_t T = c.b * c.t;
        const auto emb = randv(T * H, g, 1.0f);
        std::vector<float> x(T * H), qkv(T * 3 * H), ctx(T * H), tmp(T * H), inter(T * I), pooled(c.b * H);
        std::vector<float> scores(semvec::nn::attention_workspace_size(c.t, c.t));
        Workspace ws;
        const float scale = 1.0f / std::sqrt(float(dh));
        auto forward = [&] {
            semvec::nn::residual_layernorm(emb.data(), H, nullptr, 0, ln_g.data(), ln_b.data(), 1e-12f, x.data(), H, T, H);
            for (const L& l : layers) {
                apply(l.qkv, T, x.data(), qkv.data(), Activation::none, ws);
                for (std::size_t b = 0; b < c.b; ++b) {
                    const float* base = qkv.data() + b * c.t * 3 * H;
                    for (std::size_t h = 0; h < std::size_t(s.heads); ++h) {
                        semvec::nn::attention_head(c.t, c.t, dh, base + h * dh, 3 * H, base + H + h * dh, 3 * H,
                                                   base + 2 * H + h * dh, 3 * H, scale, nullptr,
                                                   ctx.data() + b * c.t * H + h * dh, H, scores.data());
                    }
                }
                apply(l.out, T, ctx.data(), tmp.data(), Activation::none, ws);
                semvec::nn::residual_layernorm(tmp.data(), H, x.data(), H, l.g1.data(), l.b1.data(), 1e-12f, x.data(), H, T, H);
                apply(l.up, T, x.data(), inter.data(), Activation::gelu_erf, ws);
                apply(l.down, T, inter.data(), tmp.data(), Activation::none, ws);
                semvec::nn::residual_layernorm(tmp.data(), H, x.data(), H, l.g2.data(), l.b2.data(), 1e-12f, x.data(), H, T, H);
            }
            for (std::size_t b = 0; b < c.b; ++b) semvec::pool_tokens(x.data() + b * c.t * H, c.t, H, nullptr, semvec::PoolingMode::mean, pooled.data() + b * H);
        };
        forward();  // warm-up
        using clk = std::chrono::steady_clock;
        int n = 0;
        double best = 1e300;
        const auto start = clk::now();
        for (;;) {
            const auto t0 = clk::now();
            forward();
            best = std::min(best, std::chrono::duration<double>(clk::now() - t0).count());
            ++n;
            if (std::chrono::duration<double>(clk::now() - start).count() >= seconds && n >= 3) break;
        }
        const double mean = std::chrono::duration<double>(clk::now() - start).count() / n;
        std::printf("{\"engine\":\"semvec-kernels-%s\",\"shape\":\"%s\",\"threads\":1,\"case\":\"%s\",\"batch\":%zu,"
                    "\"tokens\":%zu,\"ms\":%.4f,\"best_ms\":%.4f,\"sent_per_s\":%.3f,\"simd\":\"%s\",\"int8\":\"%s\"}\n",
                    dtype.c_str(), shape_name.c_str(), c.name, c.b, c.t, mean * 1e3, best * 1e3, c.b / mean,
                    semvec::simd_level_name(), semvec::quant::int8_path_name());
        std::fflush(stdout);
    }
    return 0;
}
