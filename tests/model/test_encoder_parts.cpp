// The pieces the encoder assembles, each against a plain double-precision reference: blocked attention
// (nn/attention.hpp) with key spans and a distance bias, rotary tables (model/rotary.hpp), MPNet's relative
// position buckets (model/relative_position.hpp), sliding-window and causal key ranges
// (model/attention_mask.hpp), RMSNorm (nn/rmsnorm.hpp) and the gated activation (nn/activation.hpp).
#include <catch2/catch.hpp>

#include <semvec/model/attention_mask.hpp>
#include <semvec/model/relative_position.hpp>
#include <semvec/model/rotary.hpp>
#include <semvec/nn/nn.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

std::vector<float> randn(std::size_t n, unsigned seed, float scale = 1.0f) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

// Reference attention of one head in double: query i attends keys j in [lo(i), hi(i)) (key positions
// pos[j]), scores q·k·scale + bias[pos[j] − i].
struct Ref {
    std::size_t n, nk, d;
    const float *q, *k, *v;
    std::size_t ld;
    float scale;
    std::vector<std::uint32_t> lo, hi;
    std::vector<std::int32_t> pos;
    const std::vector<float>* bias = nullptr;  // indexed by pos − i + n − 1
    std::vector<double> run() const {
        std::vector<double> out(n * d, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t a = lo.empty() ? 0 : lo[i], b = hi.empty() ? nk : hi[i];
            if (a >= b) continue;
            std::vector<double> s(b - a);
            double mx = -1e300;
            for (std::size_t j = a; j < b; ++j) {
                double dot = 0;
                for (std::size_t t = 0; t < d; ++t) dot += double(q[i * ld + t]) * k[j * ld + t];
                dot *= scale;
                if (bias) dot += (*bias)[static_cast<std::size_t>(pos[j] - static_cast<std::int64_t>(i) + static_cast<std::int64_t>(n) - 1)];
                s[j - a] = dot;
                mx = std::max(mx, dot);
            }
            double sum = 0;
            for (auto& x : s) sum += (x = std::exp(x - mx));
            for (std::size_t j = a; j < b; ++j)
                for (std::size_t t = 0; t < d; ++t) out[i * d + t] += s[j - a] / sum * v[j * ld + t];
        }
        return out;
    }
};

double worst(const std::vector<float>& got, std::size_t ldo, const std::vector<double>& want, std::size_t n, std::size_t d) {
    double w = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < d; ++t) w = std::max(w, std::abs(got[i * ldo + t] - want[i * d + t]));
    return w;
}

}  // namespace

TEST_CASE("blocked attention equals exact softmax attention over one and several key blocks", "[encoder][attention]") {
    const std::size_t d = 40;
    for (std::size_t n : {1u, 7u, 96u, 97u, 511u, 512u, 513u, 1300u}) {
        INFO(n);
        const std::size_t ld = 3 * d;
        const auto qkv = randn(n * ld, static_cast<unsigned>(n), 0.8f);
        Ref r{n, n, d, qkv.data(), qkv.data() + d, qkv.data() + 2 * d, ld, 0.2f, {}, {}, {}, nullptr};
        std::vector<float> out(n * d), work(semvec::nn::attention_blocked_workspace_size(d));
        semvec::nn::attention_blocked(n, n, d, r.q, ld, r.k, ld, r.v, ld, r.scale, {}, {}, out.data(), d, work.data());
        CHECK(worst(out, d, r.run(), n, d) < 2e-5);
        if (n <= 512) {  // one key block: the same as the one-shot kernel up to rounding
            std::vector<float> one(n * d), scores(semvec::nn::attention_workspace_size(n, n));
            semvec::nn::attention_head(n, n, d, r.q, ld, r.k, ld, r.v, ld, r.scale, nullptr, one.data(), d, scores.data());
            double w = 0;
            for (std::size_t i = 0; i < n * d; ++i) w = std::max(w, double(std::abs(one[i] - out[i])));
            CHECK(w < 2e-6);
        }
    }
}

TEST_CASE("sliding-window and causal key ranges, also over a masked key list", "[encoder][attention]") {
    const std::size_t n = 20;
    std::vector<std::int32_t> all(n), holes;
    for (std::size_t i = 0; i < n; ++i) {
        all[i] = static_cast<std::int32_t>(i);
        if (i % 3 != 1) holes.push_back(static_cast<std::int32_t>(i));
    }
    for (const auto* keys : {&all, &holes}) {
        semvec::detail::KeyRanges w, c;
        semvec::detail::sliding_window_ranges(*keys, n, 4, w);
        semvec::detail::causal_ranges(*keys, n, c);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < keys->size(); ++j) {
                const std::int64_t p = (*keys)[j], q = static_cast<std::int64_t>(i);
                CHECK((j >= w.lo[i] && j < w.hi[i]) == (std::abs(p - q) <= 4));
                CHECK((j >= c.lo[i] && j < c.hi[i]) == (p <= q));
            }
    }
}

TEST_CASE("blocked attention honours key spans and the distance bias", "[encoder][attention]") {
    const std::size_t d = 16, ld = 3 * d;
    for (std::size_t n : {9u, 130u, 700u}) {
        const auto qkv = randn(n * ld, 7u + static_cast<unsigned>(n));
        // Keys: every position but multiples of 5 (a padding mask), gathered.
        std::vector<std::int32_t> keys;
        for (std::size_t j = 0; j < n; ++j)
            if (j % 5 != 0) keys.push_back(static_cast<std::int32_t>(j));
        const std::size_t nk = keys.size();
        std::vector<float> kv(nk * ld);
        for (std::size_t j = 0; j < nk; ++j)
            for (std::size_t t = 0; t < ld; ++t) kv[j * ld + t] = qkv[static_cast<std::size_t>(keys[j]) * ld + t];
        std::vector<float> diag = randn(2 * n - 1, 3u, 2.0f);
        for (int kind = 0; kind < 3; ++kind) {  // all keys, window 6, causal
            INFO(n << " kind " << kind);
            semvec::detail::KeyRanges kr;
            if (kind == 1) semvec::detail::sliding_window_ranges(keys, n, 6, kr);
            if (kind == 2) semvec::detail::causal_ranges(keys, n, kr);
            Ref r{n, nk, d, qkv.data(), kv.data() + d, kv.data() + 2 * d, ld, 0.25f, kr.lo, kr.hi, keys, &diag};
            semvec::nn::KeySpans spans;
            if (!kr.empty()) {
                spans.lo = kr.lo.data();
                spans.hi = kr.hi.data();
            }
            semvec::nn::DistanceBias bias{diag.data(), static_cast<std::ptrdiff_t>(n) - 1, keys.data()};
            std::vector<float> out(n * d, -7.0f), work(semvec::nn::attention_blocked_workspace_size(d));
            // Q rows read with stride ld from qkv; K/V gathered with stride ld.
            semvec::nn::attention_blocked(n, nk, d, qkv.data(), ld, kv.data() + d, ld, kv.data() + 2 * d, ld, 0.25f, spans,
                                          bias, out.data(), d, work.data());
            CHECK(worst(out, d, r.run(), n, d) < 2e-5);
            if (kind == 2) {  // query 0 sees no key (position 0 is masked): a zero row
                for (std::size_t t = 0; t < d; ++t) CHECK(out[t] == 0.0f);
            }
        }
    }
}

TEST_CASE("MPNet's relative position buckets match Hugging Face's function", "[encoder][positions]") {
    // (first distance, bucket) runs of HF's MPNetEncoder.relative_position_bucket(arange(-140, 141)),
    // num_buckets 32, max_distance 128 (computed with torch 1.13).
    const std::pair<int, int> runs[] = {{-140, 15}, {-90, 14}, {-63, 13}, {-45, 12}, {-31, 11}, {-22, 10}, {-15, 9},
                                        {-11, 8},   {-7, 7},   {-6, 6},   {-5, 5},   {-4, 4},   {-3, 3},   {-2, 2},
                                        {-1, 1},    {0, 0},    {1, 17},   {2, 18},   {3, 19},   {4, 20},   {5, 21},
                                        {6, 22},    {7, 23},   {8, 24},   {12, 25},  {16, 26},  {23, 27},  {32, 28},
                                        {46, 29},   {64, 30},  {91, 31}};
    std::size_t r = 0;
    for (int rel = -140; rel <= 140; ++rel) {
        if (r + 1 < std::size(runs) && rel >= runs[r + 1].first) ++r;
        INFO(rel);
        CHECK(semvec::detail::relative_position_bucket(rel, 32, 128) == static_cast<std::size_t>(runs[r].second));
    }
    CHECK(semvec::detail::relative_position_bucket(100000, 32, 128) == 31);
    CHECK(semvec::detail::relative_position_bucket(-100000, 32, 128) == 15);
    // Rows per head: out[h][j − i + n − 1] = table[bucket(j − i)][h].
    const std::size_t heads = 3, n = 50;
    const auto table = randn(32 * heads, 5u);
    std::vector<float> rows;
    semvec::detail::relative_bias_rows(table.data(), heads, 32, 128, n, rows);
    REQUIRE(rows.size() == heads * (2 * n - 1));
    for (std::size_t h = 0; h < heads; ++h)
        for (int rel = -static_cast<int>(n) + 1; rel < static_cast<int>(n); ++rel)
            CHECK(rows[h * (2 * n - 1) + static_cast<std::size_t>(rel + static_cast<int>(n) - 1)] ==
                  table[semvec::detail::relative_position_bucket(rel, 32, 128) * heads + h]);
}

TEST_CASE("rotary embeddings rotate pairs by position times theta^(-2j/dim), halves or interleaved", "[encoder][positions]") {
    const std::size_t head = 12, dim = 8, n = 300;  // partial rotary: 4 of 12 components stay
    for (bool interleaved : {false, true})
        for (double theta : {10000.0, 1e6}) {
            semvec::detail::RotaryTable t;
            semvec::detail::rotary_table(theta, dim, n, t);
            auto x = randn(n * head, 9u);
            const auto x0 = x;
            semvec::detail::apply_rotary(t, interleaved, x.data(), head, n, 0);
            double w = 0;
            for (std::size_t p = 0; p < n; ++p)
                for (std::size_t j = 0; j < dim / 2; ++j) {
                    const double ang = double(p) * std::pow(theta, -2.0 * double(j) / double(dim));
                    const std::size_t ia = interleaved ? 2 * j : j, ib = interleaved ? 2 * j + 1 : j + dim / 2;
                    const double a = x0[p * head + ia], b = x0[p * head + ib];
                    w = std::max(w, std::abs(x[p * head + ia] - (a * std::cos(ang) - b * std::sin(ang))));
                    w = std::max(w, std::abs(x[p * head + ib] - (b * std::cos(ang) + a * std::sin(ang))));
                }
            // f32 angles (as HF forms them): p · inv_freq rounded to f32 costs ~p · 6e-8 rad.
            CHECK(w < 1e-4);
            for (std::size_t p = 0; p < n; ++p)
                for (std::size_t c = dim; c < head; ++c) CHECK(x[p * head + c] == x0[p * head + c]);
        }
}

TEST_CASE("RMSNorm and the gated activation match their definitions", "[encoder][nn]") {
    const std::size_t rows = 5, cols = 37;
    const auto x = randn(rows * cols, 11u, 3.0f), g = randn(cols, 12u);
    std::vector<float> out(rows * cols);
    semvec::nn::rms_norm(x.data(), cols, g.data(), 1e-6f, out.data(), cols, rows, cols);
    for (std::size_t r = 0; r < rows; ++r) {
        double ss = 0;
        for (std::size_t j = 0; j < cols; ++j) ss += double(x[r * cols + j]) * x[r * cols + j];
        const double inv = 1.0 / std::sqrt(ss / cols + 1e-6);
        for (std::size_t j = 0; j < cols; ++j) CHECK(std::abs(out[r * cols + j] - x[r * cols + j] * inv * g[j]) < 1e-5);
    }
    const std::size_t I = 19;
    const auto gu = randn(rows * 2 * I, 13u, 2.0f);
    std::vector<float> y(rows * I);
    for (auto act : {semvec::nn::Activation::silu, semvec::nn::Activation::gelu_erf}) {
        semvec::nn::gated_activation(gu.data(), 2 * I, rows, I, act, y.data(), I);
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < I; ++j) {
                const double a = gu[r * 2 * I + j], u = gu[r * 2 * I + I + j];
                const double f = act == semvec::nn::Activation::silu ? a / (1 + std::exp(-a)) : 0.5 * a * (1 + std::erf(a / std::sqrt(2.0)));
                CHECK(std::abs(y[r * I + j] - f * u) < 2e-5 * (1 + std::abs(f * u)));
            }
    }
}

#include <semvec/model/pooling.hpp>

TEST_CASE("cls, mean, max and last pooling respect the mask (left or right padding); L2 rows are unit", "[encoder][pooling]") {
    const std::size_t T = 11, D = 37;
    const auto h = randn(T * D, 16u);
    for (bool left : {false, true}) {
        std::vector<std::int32_t> mask(T, 1);
        if (left) mask[0] = mask[1] = 0;  // Qwen3's left padding
        else mask[9] = mask[10] = 0;
        mask[5] = 0;
        const std::size_t first = left ? 2 : 0, last = left ? T - 1 : 8;
        std::vector<float> out(D);
        for (auto mode : {semvec::PoolingMode::cls, semvec::PoolingMode::mean, semvec::PoolingMode::max, semvec::PoolingMode::last}) {
            semvec::pool_tokens(h.data(), T, D, mask.data(), mode, out.data());
            for (std::size_t j = 0; j < D; ++j) {
                double s = 0, m = -1e300;
                std::size_t cnt = 0;
                for (std::size_t i = 0; i < T; ++i)
                    if (mask[i]) {
                        s += h[i * D + j];
                        m = std::max(m, double(h[i * D + j]));
                        ++cnt;
                    }
                switch (mode) {
                    case semvec::PoolingMode::cls: CHECK(out[j] == h[j]); break;  // row 0, as sentence-transformers
                    case semvec::PoolingMode::mean: CHECK(std::abs(out[j] - s / double(cnt)) < 1e-6); break;
                    case semvec::PoolingMode::max: CHECK(out[j] == float(m)); break;
                    case semvec::PoolingMode::last: CHECK(out[j] == h[last * D + j]); break;
                }
            }
            (void)first;
        }
    }
    std::vector<std::int32_t> none(T, 0);
    std::vector<float> out(D, 5.0f);
    semvec::pool_tokens(h.data(), T, D, none.data(), semvec::PoolingMode::last, out.data());
    for (float v : out) CHECK(v == 0.0f);
    std::vector<float> v(h.begin(), h.begin() + D);
    semvec::l2_normalize(v.data(), D);
    double n2 = 0;
    for (float x : v) n2 += double(x) * x;
    CHECK(std::abs(n2 - 1.0) < 1e-6);
    std::vector<float> zero(D, 0.0f);
    semvec::l2_normalize(zero.data(), D);  // no NaN on a zero vector
    for (float x : zero) CHECK(x == 0.0f);
}
