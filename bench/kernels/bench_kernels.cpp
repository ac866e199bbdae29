// Kernel micro-benchmarks: GEMM GFLOP/s at the encoder's layer shapes (semvec packed f32 / bf16 / int8
// vs Eigen) against the measured single-core FMA peak, and GB/s of the element-wise kernels.
//   build-*/bench/kernels/bench_kernels --benchmark_min_time=0.1
// Shapes: MiniLM-L6 (hidden 384, intermediate 1536) and bert-base (768, 3072); M = tokens in the batch.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "semvec/nn/nn.hpp"
#include "semvec/quant/int8.hpp"
#include "semvec/simd/simd.hpp"

namespace {

std::vector<float> randv(std::size_t n, unsigned seed) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

void set_flops(benchmark::State& st, double m, double n, double k) {
    st.counters["GFLOP/s"] = benchmark::Counter(2.0 * m * n * k * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// Peak: independent FMA chains on the native packet, enough of them to cover the FMA latency.
void BM_peak_fma(benchmark::State& st) {
    using O = semvec::simd::Native;
    constexpr int kChains = SEMVEC_SIMD_LEVEL == 2 ? 12 : 16;  // AVX2 has 16 ymm registers: 16 chains would spill
    O::vf acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = O::set1(float(i) * 1e-3f);
    const O::vf a = O::set1(0.999f), b = O::set1(1e-4f);
    const std::int64_t iters = 4096;
    for (auto _ : st) {
        for (std::int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 16
            for (int i = 0; i < kChains; ++i) acc[i] = O::fmadd(acc[i], a, b);
        }
        for (int i = 0; i < kChains; ++i) benchmark::DoNotOptimize(acc[i]);
    }
    st.counters["GFLOP/s"] = benchmark::Counter(2.0 * iters * kChains * O::width * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_peak_fma);

#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
// bf16 peak: independent vdpbf16ps chains (each: 32 bf16 products summed in pairs into 16 floats = 64 FLOP).
void BM_peak_bf16dot(benchmark::State& st) {
    constexpr int kChains = SEMVEC_SIMD_LEVEL == 2 ? 12 : 16;  // AVX2 has 16 ymm registers: 16 chains would spill
    __m512 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(float(i) * 1e-3f);
    const __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3a83);
    const std::int64_t iters = 4096;
    for (auto _ : st) {
        for (std::int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 16
            for (int i = 0; i < kChains; ++i) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
        }
        for (int i = 0; i < kChains; ++i) benchmark::DoNotOptimize(acc[i]);
    }
    st.counters["GFLOP/s"] = benchmark::Counter(64.0 * iters * kChains * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_peak_bf16dot);
#endif


template <class T>
T to_w(float x);
template <> float to_w<float>(float x) { return x; }
template <> semvec::simd::bf16_t to_w<semvec::simd::bf16_t>(float x) { return {semvec::f32_to_bf16(x)}; }

template <class T>
void BM_gemm_semvec(benchmark::State& st) {
    const std::size_t m = st.range(0), n = st.range(1), k = st.range(2);
    const auto a = randv(m * k, 1), wf = randv(n * k, 2), bias = randv(n, 3);
    std::vector<T> w(n * k), packed(semvec::nn::packed_weights_size(n, k));
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = to_w<T>(wf[i]);
    semvec::nn::pack_weights(w.data(), k, n, k, packed.data());
    std::vector<float> c(m * n);
    for (auto _ : st) {
        semvec::nn::gemm_packed(m, n, k, a.data(), k, packed.data(), bias.data(), c.data(), n);
        benchmark::DoNotOptimize(c.data());
    }
    set_flops(st, m, n, k);
}

void BM_gemm_eigen(benchmark::State& st) {
    using RM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Index m = st.range(0), n = st.range(1), k = st.range(2);
    RM a = RM::Random(m, k), w = RM::Random(n, k), c(m, n);
    Eigen::RowVectorXf bias = Eigen::RowVectorXf::Random(n);
    for (auto _ : st) {
        c.noalias() = a * w.transpose();
        c.rowwise() += bias;
        benchmark::DoNotOptimize(c.data());
    }
    set_flops(st, m, n, k);
}

#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
void BM_gemm_bf16dot(benchmark::State& st) {  // includes rounding A to bf16, as in the encoder
    const std::size_t m = st.range(0), n = st.range(1), k = st.range(2);
    const auto a = randv(m * k, 1), w = randv(n * k, 2), bias = randv(n, 3);
    const std::size_t kp = semvec::nn::bf16_dot_padded_k(k);
    std::vector<semvec::simd::bf16_t> ab(m * kp), packed(semvec::nn::packed_bf16_dot_size(n, k));
    semvec::nn::pack_weights_bf16_dot(w.data(), k, n, k, packed.data());
    std::vector<float> c(m * n);
    for (auto _ : st) {
        semvec::nn::to_bf16_rows(a.data(), m, k, k, ab.data(), kp);
        semvec::nn::gemm_bf16_dot(m, n, k, ab.data(), kp, packed.data(), bias.data(), c.data(), n);
        benchmark::DoNotOptimize(c.data());
    }
    set_flops(st, m, n, k);
}
#endif

// Random int8 weights packed for gemm_int8, f32 activations and their buffers, for an m × n × k GEMM.
struct Int8Case {
    std::size_t m, n, k, ldq;
    std::vector<float> a, ws, sa, c;
    std::vector<std::int8_t> packed;
    std::vector<std::int32_t> sums;
    std::vector<std::uint8_t> qa;
    explicit Int8Case(const benchmark::State& st)
        : m(st.range(0)), n(st.range(1)), k(st.range(2)), ldq(semvec::quant::int8_padded_k(k)), a(randv(m * k, 1)),
          ws(n, 0.01f), sa(m), c(m * n), packed(semvec::quant::packed_int8_size(n, k)), sums(n), qa(m * ldq) {
        std::vector<std::int8_t> w(n * k);
        std::mt19937 g(5);
        for (auto& x : w) x = static_cast<std::int8_t>(int(g() % 255) - 127);
        semvec::quant::pack_int8_weights(w.data(), k, n, k, packed.data(), sums.data());
    }
    void quantize() { semvec::quant::quantize_rows(a.data(), m, k, k, qa.data(), ldq, sa.data()); }
};

void BM_gemm_int8(benchmark::State& st) {
    Int8Case x(st);
    for (auto _ : st) {  // includes the per-token activation quantization, as in the encoder
        x.quantize();
        semvec::quant::gemm_int8(x.m, x.n, x.k, x.qa.data(), x.ldq, x.sa.data(), x.packed.data(), x.sums.data(),
                                 x.ws.data(), nullptr, x.c.data(), x.n);
        benchmark::DoNotOptimize(x.c.data());
    }
    set_flops(st, x.m, x.n, x.k);
    st.SetLabel(semvec::quant::int8_path_name());
}

// int8 tile shapes of the compiled path (and the other paths this build can run): one GEMM through
// gemm_int8_tiled<Tile, MR>, activations already quantized. The label names the tile and shape (rows ×
// columns per pass); docs/performance.md "int8 tile shapes" keeps the table that picked each default.
template <class Tile, int MR>
void BM_int8_tile(benchmark::State& st, const char* label) {
    Int8Case x(st);
    x.quantize();
    for (auto _ : st) {
        semvec::quant::detail::gemm_int8_tiled<Tile, MR>(x.m, x.n, x.k, x.qa.data(), x.ldq, x.sa.data(), x.packed.data(),
                                                         x.sums.data(), x.ws.data(), nullptr, x.c.data(), x.n,
                                                         semvec::nn::Activation::none);
        benchmark::DoNotOptimize(x.c.data());
    }
    set_flops(st, x.m, x.n, x.k);
    st.SetLabel(label);
}
void tile_shapes(benchmark::internal::Benchmark* b) {
    b->Args({16, 1536, 384})->Args({128, 1536, 384})->Args({128, 3072, 768})->Args({512, 768, 3072});
}
template <class Tile, int MR>
int register_tile(const char* label) {
    benchmark::RegisterBenchmark((std::string("BM_int8_tile/") + label).c_str(), BM_int8_tile<Tile, MR>, label)
        ->Apply(tile_shapes);
    return 0;
}
#define SEMVEC_TILE_BENCH(TILE, MR, LABEL) \
    const int tile_##LABEL = register_tile<TILE, MR>(#LABEL);
namespace qd = semvec::quant::detail;
#if SEMVEC_INT8_PATH >= SEMVEC_INT8_VNNI512 && SEMVEC_INT8_PATH <= SEMVEC_INT8_MADDUBS256
SEMVEC_TILE_BENCH(qd::TileMaddubs256<1>, 6, maddubs256_6x8)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<1>, 8, maddubs256_8x8)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<1>, 12, maddubs256_12x8)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<2>, 3, maddubs256_3x16)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<2>, 4, maddubs256_4x16)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<2>, 5, maddubs256_5x16)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<2>, 6, maddubs256_6x16)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<4>, 2, maddubs256_2x32)
SEMVEC_TILE_BENCH(qd::TileMaddubs256<4>, 3, maddubs256_3x32)
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_AVXVNNI || SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
SEMVEC_TILE_BENCH(qd::TileAvxVnni<1>, 8, avxvnni_8x8)
SEMVEC_TILE_BENCH(qd::TileAvxVnni<1>, 12, avxvnni_12x8)
SEMVEC_TILE_BENCH(qd::TileAvxVnni<2>, 4, avxvnni_4x16)
SEMVEC_TILE_BENCH(qd::TileAvxVnni<2>, 6, avxvnni_6x16)
SEMVEC_TILE_BENCH(qd::TileAvxVnni<4>, 2, avxvnni_2x32)
SEMVEC_TILE_BENCH(qd::TileAvxVnni<4>, 3, avxvnni_3x32)
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
SEMVEC_TILE_BENCH(qd::TileVnni512, 8, vnni512_8x32)
SEMVEC_TILE_BENCH(qd::TileVnni512, 12, vnni512_12x32)
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512 || SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS512
SEMVEC_TILE_BENCH(qd::TileMaddubs512, 8, maddubs512_8x32)
SEMVEC_TILE_BENCH(qd::TileMaddubs512, 12, maddubs512_12x32)
#endif
SEMVEC_TILE_BENCH(qd::TilePortable, 1, portable_1x32)
#undef SEMVEC_TILE_BENCH
// The default tile of this build, for bench_kernels.py's table.
std::string default_tile_label() {
#if SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
    const char* path = "vnni512";
    const int cols = 32;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_AVXVNNI
    const char* path = "avxvnni";
    const int cols = 8 * SEMVEC_INT8_AVXVNNI_NV;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS512
    const char* path = "maddubs512";
    const int cols = 32;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS256
    const char* path = "maddubs256";
    const int cols = 8 * SEMVEC_INT8_MADDUBS_NV;
#else
    const char* path = "portable";
    const int cols = 32;
#endif
    return std::string(path) + "_" + std::to_string(qd::kInt8MR) + "x" + std::to_string(cols);
}
const int tile_context = (benchmark::AddCustomContext("semvec_int8_tile", default_tile_label()), 0);

// {tokens, out, in}: QKV, attention output, intermediate, output.
void layer_shapes(benchmark::internal::Benchmark* b) {
    for (std::int64_t t : {16, 128, 512, 4096}) {
        for (auto nk : {std::pair<int, int>{1152, 384}, {384, 384}, {1536, 384}, {384, 1536}}) b->Args({t, nk.first, nk.second});
    }
    for (std::int64_t t : {16, 128, 512, 4096}) {
        for (auto nk : {std::pair<int, int>{2304, 768}, {768, 768}, {3072, 768}, {768, 3072}}) b->Args({t, nk.first, nk.second});
    }
}
BENCHMARK_TEMPLATE(BM_gemm_semvec, float)->Apply(layer_shapes);
BENCHMARK(BM_gemm_eigen)->Apply(layer_shapes);
BENCHMARK_TEMPLATE(BM_gemm_semvec, semvec::simd::bf16_t)->Apply(layer_shapes);
BENCHMARK(BM_gemm_int8)->Apply(layer_shapes);
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
BENCHMARK(BM_gemm_bf16dot)->Apply(layer_shapes);
#endif

// Attention for all 12 heads of one sequence (MiniLM: dh 32; bert-base: dh 64).
void BM_attention(benchmark::State& st) {
    const std::size_t T = st.range(0), H = st.range(1), heads = 12, dh = H / heads;
    const auto qkv = randv(T * 3 * H, 7);
    std::vector<float> ctx(T * H), ws(semvec::nn::attention_workspace_size(T, T));
    for (auto _ : st) {
        for (std::size_t h = 0; h < heads; ++h) {
            semvec::nn::attention_head(T, T, dh, qkv.data() + h * dh, 3 * H, qkv.data() + H + h * dh, 3 * H,
                                       qkv.data() + 2 * H + h * dh, 3 * H, 0.125f, nullptr, ctx.data() + h * dh, H, ws.data());
        }
        benchmark::DoNotOptimize(ctx.data());
    }
    set_flops(st, double(heads) * 2 * T, T, dh);  // QKᵀ + PV
}
BENCHMARK(BM_attention)->Args({16, 384})->Args({128, 384})->Args({512, 384})->Args({128, 768})->Args({512, 768});

void set_bytes(benchmark::State& st, double bytes) {
    st.counters["GB/s"] = benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_bias_gelu(benchmark::State& st) {
    const std::size_t rows = 128, cols = st.range(0);
    auto x = randv(rows * cols, 8);
    const auto b = randv(cols, 9);
    const auto act = st.range(1) ? semvec::nn::Activation::gelu_tanh : semvec::nn::Activation::gelu_erf;
    for (auto _ : st) {
        semvec::nn::bias_activation(x.data(), rows, cols, cols, b.data(), act);
        benchmark::DoNotOptimize(x.data());
    }
    set_bytes(st, 2.0 * 4 * rows * cols);  // read + write
}
BENCHMARK(BM_bias_gelu)->Args({1536, 0})->Args({1536, 1})->Args({3072, 0});

void BM_softmax(benchmark::State& st) {
    const std::size_t n = st.range(0);
    auto x = randv(n * n, 10);
    for (auto _ : st) {
        semvec::nn::softmax_rows(x.data(), n, n, n, 0.125f, nullptr);
        benchmark::DoNotOptimize(x.data());
    }
    set_bytes(st, 2.0 * 4 * n * n);
}
BENCHMARK(BM_softmax)->Arg(128)->Arg(512);

void BM_residual_layernorm(benchmark::State& st) {
    const std::size_t rows = 128, cols = st.range(0);
    auto x = randv(rows * cols, 11);
    const auto r = randv(rows * cols, 12), g = randv(cols, 13), b = randv(cols, 14);
    for (auto _ : st) {
        semvec::nn::residual_layernorm(x.data(), cols, r.data(), cols, g.data(), b.data(), 1e-12f, x.data(), cols, rows, cols);
        benchmark::DoNotOptimize(x.data());
    }
    set_bytes(st, 3.0 * 4 * rows * cols);  // x, residual in; out
}
BENCHMARK(BM_residual_layernorm)->Arg(384)->Arg(768);

}  // namespace

BENCHMARK_MAIN();
