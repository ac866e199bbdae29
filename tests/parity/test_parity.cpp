// Encoder parity with the Hugging Face goldens (tests/data/models/*/golden; transformers 4.36.2, and the
// later versions meta.json names for ModernBERT and Qwen3) at the SIMD level this executable was compiled
// for (SEMVEC_SIMD_FORCE_<level>), in every weight precision, for every family:
//   f32   last hidden state (padded with its mask, and trimmed) and every pooled output within 1e-4 abs,
//         cosine >= 0.99999;
//   f16 / bf16   cosine >= 0.9995 to the f32 goldens on every pooled output (cls, mean, max, last, pooler);
//   int8  cosine >= 0.995 on every pooled output.
// Prints min and median cosine per precision. Uses the encoder directly (encoder.hpp), not the Model API.
// The hidden "[minilm]" case runs the same checks on the all-MiniLM-L6-v2 shape (scripts/check_minilm.sh).
#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>
#include <semvec/model/encoder.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../golden_support.hpp"
#include "../test_support.hpp"

namespace {

std::string converted(const std::string& name) {
    const char* dir = std::getenv("SEMVEC_CONVERTED_DIR");
    return std::string(dir ? dir : "converted-models") + "/" + name + ".safetensors";
}

struct Case {
    std::string name;  // the golden folder: batch, pairs, single_000, ...
    std::size_t B = 0, L = 0;
    std::vector<std::int32_t> ids, mask, types;
    semvec::NpyArray lhs;                          // [B, L, H]
    std::map<std::string, semvec::NpyArray> pooled;  // cls, mean, max, pooler_output as present
};

std::vector<std::int32_t> ints(const semvec::NpyArray& a) {
    std::vector<std::int32_t> v(a.numel());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int32_t>(a.at(i));
    return v;
}

using semvec_test::golden_case_names;
using semvec_test::npy_f32;

std::vector<Case> load_cases(const std::string& fixture_dir) {
    std::vector<Case> out;
    auto names = golden_case_names();
    if (semvec::read_npy_array(fixture_dir + "/golden/prompted/input_ids.npy")) names.push_back("prompted");
    for (const auto& name : names) {
        const std::string dir = fixture_dir + "/golden/" + name;
        auto rd = [&](const std::string& n) {
            auto a = semvec::read_npy_array(dir + "/" + n + ".npy");
            INFO(dir << "/" << n);
            REQUIRE(a.ok());
            return std::move(*a);
        };
        Case c;
        c.name = name;
        auto ids = rd("input_ids");
        c.B = static_cast<std::size_t>(ids.shape[0]);
        c.L = static_cast<std::size_t>(ids.shape[1]);
        c.ids = ints(ids);
        c.mask = ints(rd("attention_mask"));
        c.types = ints(rd("token_type_ids"));
        c.lhs = rd("last_hidden_state");
        for (const char* p : {"cls", "mean", "max", "last", "pooler_output"}) {
            auto a = semvec::read_npy_array(dir + "/" + p + ".npy");
            if (a) c.pooled[p] = std::move(*a);
        }
        out.push_back(std::move(c));
    }
    return out;
}

struct Encoder {
    std::shared_ptr<semvec::TransformerEncoder> enc;
};

Encoder load_encoder(const std::string& path) {
    INFO(path);
    auto file = semvec::SafetensorsFile::open(path);
    REQUIRE(file.ok());
    auto info = semvec::read_model_info(*file);
    REQUIRE(info.ok());
    auto enc = semvec::TransformerEncoder::load(*file, *info);
    if (!enc) FAIL(enc.error().what());
    return {*enc};
}

// cls / mean / max / last of rows [0, n) of x [n, H].
void pool(const float* x, std::size_t n, std::size_t H, const std::string& mode, float* out) {
    for (std::size_t j = 0; j < H; ++j) {
        if (mode == "cls") {
            out[j] = x[j];
        } else if (mode == "last") {
            out[j] = x[(n - 1) * H + j];
        } else if (mode == "mean") {
            double s = 0;
            for (std::size_t i = 0; i < n; ++i) s += x[i * H + j];
            out[j] = static_cast<float>(s / static_cast<double>(n));
        } else {
            float m = x[j];
            for (std::size_t i = 1; i < n; ++i) m = std::max(m, x[i * H + j]);
            out[j] = m;
        }
    }
}

double cosine(const float* a, const float* b, std::size_t n) {
    double d = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        d += static_cast<double>(a[i]) * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += static_cast<double>(b[i]) * b[i];
    }
    return na > 0 && nb > 0 ? d / std::sqrt(na * nb) : 1.0;
}

double max_abs(const float* a, const float* b, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
    return m;
}

struct Result {
    double lhs_abs = 0, pooled_abs = 0;
    std::vector<double> cos;  // one per pooled output of every sequence
};

// Runs every golden sequence (trimmed to its real tokens; and padded with its mask) through enc.
Result run(const Encoder& e, const std::vector<Case>& cases) {
    const auto& enc = *e.enc;
    const std::size_t H = enc.hidden_size();
    semvec::EncoderWorkspace ws;  // reused across sequences of different lengths, as Model::encode does
    Result r;
    std::vector<float> v(H);
    for (const auto& c : cases) {
        for (std::size_t b = 0; b < c.B; ++b) {
            const std::int32_t* ids = c.ids.data() + b * c.L;
            const std::int32_t* mask = c.mask.data() + b * c.L;
            const std::int32_t* types = c.types.data() + b * c.L;
            // The real tokens: [first, first + n) (padding on the right, or on the left for Qwen3).
            std::size_t first = 0, n = 0;
            while (first < c.L && !mask[first]) ++first;
            while (first + n < c.L && mask[first + n]) ++n;
            const float* ref = npy_f32(c.lhs) + (b * c.L + first) * H;
            REQUIRE(enc.check_inputs(ids, types, c.L).ok());
            // Padded, with the mask: the real rows match.
            enc.forward(ids, mask, types, c.L, ws);
            for (std::size_t i = 0; i < n; ++i)
                r.lhs_abs = std::max(r.lhs_abs, max_abs(ws.x.data() + (first + i) * H, ref + i * H, H));
            // Trimmed.
            enc.forward(ids + first, nullptr, types + first, n, ws);
            const std::vector<float> x(ws.x.data(), ws.x.data() + n * H);
            for (std::size_t i = 0; i < n; ++i) r.lhs_abs = std::max(r.lhs_abs, max_abs(x.data() + i * H, ref + i * H, H));
            // A fresh workspace gives the same bits (no state carried between calls).
            semvec::EncoderWorkspace fresh;
            enc.forward(ids + first, nullptr, types + first, n, fresh);
            CHECK(std::memcmp(fresh.x.data(), x.data(), sizeof(float) * n * H) == 0);
            for (const auto& [key, arr] : c.pooled) {
                const float* g = npy_f32(arr) + b * H;
                if (key == "pooler_output") {
                    REQUIRE(enc.has_pooler());
                    enc.pool(x.data(), v.data());
                } else {
                    pool(x.data(), n, H, key, v.data());
                }
                r.pooled_abs = std::max(r.pooled_abs, max_abs(v.data(), g, H));
                r.cos.push_back(cosine(v.data(), g, H));
            }
        }
    }
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

const char* level() {
#ifdef SEMVEC_PARITY_EXPECT_LEVEL
    return SEMVEC_PARITY_EXPECT_LEVEL;
#else
    return semvec::simd_level_name();
#endif
}

// fixture_dir: the golden folder's parent; files: path of the converted model for each precision.
void check_precision(const std::string& label, const std::string& fixture_dir, const std::string& file,
                     const std::string& dtype) {
    const auto cases = load_cases(fixture_dir);
    const Encoder e = load_encoder(file);
    const Result r = run(e, cases);
    REQUIRE(!r.cos.empty());
    const double mn = *std::min_element(r.cos.begin(), r.cos.end());
    std::printf("parity %-7s %-21s %-5s %-24s lhs max|d| %.2e  pooled max|d| %.2e  cosine min %.7f median %.7f (%zu pooled vectors)\n",
                level(), label.c_str(), dtype.c_str(), semvec::precision_name(e.enc->precision()), r.lhs_abs, r.pooled_abs,
                mn, median(r.cos), r.cos.size());
    std::fflush(stdout);
    if (dtype == "f32") {
        CHECK(e.enc->precision() == semvec::EncoderPrecision::f32);
        CHECK(r.lhs_abs <= 1e-4);
        CHECK(r.pooled_abs <= 1e-4);
        CHECK(mn >= 0.99999);
    } else if (dtype == "int8") {
        CHECK(e.enc->precision() == semvec::EncoderPrecision::int8);
        CHECK(mn >= 0.995);
    } else {
        CHECK(mn >= 0.9995);
    }
}

void check_fixture(const std::string& name) {
    const std::string dir = semvec_test::data_path("models/" + name);
    for (const char* dt : {"f32", "f16", "bf16", "int8"}) {
        INFO(name << " " << dt);
        check_precision(name, dir, converted(name + "-" + dt), dt);
    }
}

}  // namespace

TEST_CASE("the compiled SIMD level is the one this executable was built for", "[parity]") {
#ifdef SEMVEC_PARITY_EXPECT_LEVEL
    CHECK(std::string(semvec::simd_level_name()) == SEMVEC_PARITY_EXPECT_LEVEL);
#endif
    std::printf("simd %s, bf16-dot %s, int8 path %s\n", semvec::simd_level_name(), semvec::nn::has_bf16_dot() ? "yes" : "no",
                semvec::quant::int8_path_name());
}

TEST_CASE("BERT-tiny: f32, f16, bf16 and int8 against the HF goldens", "[parity]") { check_fixture("bert-tiny"); }

TEST_CASE("DistilBERT-tiny: f32, f16, bf16 and int8 against the HF goldens", "[parity]") { check_fixture("distilbert-tiny"); }

TEST_CASE("BERT with the real vocab: f32, f16, bf16 and int8 against the HF goldens", "[parity]") {
    check_fixture("bert-realvocab-small");
}

TEST_CASE("MPNet (relative position buckets): every precision against the HF goldens", "[parity]") {
    check_fixture("mpnet-tiny-v2");
    check_fixture("mpnet-tiny");
}

TEST_CASE("RoBERTa and XLM-RoBERTa (offset positions): every precision against the HF goldens", "[parity]") {
    check_fixture("roberta-bpe-tiny");
    check_fixture("xlmr-unigram-tiny");
    check_fixture("roberta-tiny");
    check_fixture("xlm-roberta-tiny");
}

TEST_CASE("NomicBERT (rotary, SwiGLU, no biases): every precision against the HF goldens", "[parity]") {
    check_fixture("nomic-tiny");
}

TEST_CASE("ModernBERT (pre-LN, GeGLU, global and sliding-window layers): every precision against the HF goldens",
          "[parity]") {
    check_fixture("modernbert-tiny");
}

TEST_CASE("Qwen3 (causal, grouped-query heads, q/k RMSNorm, left padding): every precision against the HF goldens",
          "[parity]") {
    check_fixture("qwen3-tiny");
}

TEST_CASE("intra-sequence threads give bit-identical hidden states", "[parity][concurrency]") {
  for (const char* fx : {"bert-realvocab-small", "mpnet-tiny-v2", "roberta-bpe-tiny", "nomic-tiny", "modernbert-tiny",
                         "qwen3-tiny"}) {
    const std::string dir = semvec_test::data_path(std::string("models/") + fx);
    const auto cases = load_cases(dir);
    for (const char* dt : {"f32", "bf16", "int8"}) {
        INFO(fx << " " << dt);
        const Encoder e = load_encoder(converted(std::string(fx) + "-" + dt));
        const std::size_t H = e.enc->hidden_size();
        semvec::EncoderWorkspace one, two, three;
        two.threads = 2;
        three.threads = 3;
        for (const auto& c : cases) {
            if (c.name == "batch") continue;  // its rows are the single_* cases, padded: 60% of the work, no new path
            for (std::size_t b = 0; b < c.B; ++b) {
                const std::int32_t* ids = c.ids.data() + b * c.L;
                const std::int32_t* mask = c.mask.data() + b * c.L;
                const std::int32_t* types = c.types.data() + b * c.L;
                for (const std::int32_t* m : {mask, static_cast<const std::int32_t*>(nullptr)}) {
                    e.enc->forward(ids, m, types, c.L, one);
                    e.enc->forward(ids, m, types, c.L, two);
                    e.enc->forward(ids, m, types, c.L, three);
                    CHECK(std::memcmp(one.x.data(), two.x.data(), sizeof(float) * c.L * H) == 0);
                    CHECK(std::memcmp(one.x.data(), three.x.data(), sizeof(float) * c.L * H) == 0);
                }
            }
        }
    }
  }
}

// scripts/check_minilm.sh: SEMVEC_MINILM_FIXTURE (fixture folder) and SEMVEC_MINILM_DIR holding
// minilm-{f32,bf16,int8}.safetensors.
TEST_CASE("the MiniLM-L6 shape in f32, bf16 and int8 (scripts/check_minilm.sh)", "[.][minilm]") {
    const char* fixture = std::getenv("SEMVEC_MINILM_FIXTURE");
    const char* dir = std::getenv("SEMVEC_MINILM_DIR");
    REQUIRE(fixture);
    REQUIRE(dir);
    for (const char* dt : {"f32", "bf16", "int8"}) {
        INFO(dt);
        check_precision("minilm-l6", fixture, std::string(dir) + "/minilm-" + dt + ".safetensors", dt);
    }
}
