// The SIMD level a build reports (semvec/build_info.hpp), the CPU check (semvec/simd/cpu.hpp), and the entry
// points returning ErrorCode::cpu_unsupported instead of dying of SIGILL on a CPU that lacks a compiled feature
// (forced through the test hook simd::detail::cpu_features_override).
#include <catch2/catch.hpp>

#include <string>

#include "semvec/build_info.hpp"
#include "semvec/knn.hpp"
#include "semvec/model/model.hpp"
#include "semvec/reduce/sne.hpp"
#include "semvec/reduce/tsne.hpp"
#include "semvec/reduce/umap.hpp"
#include "semvec/search.hpp"

namespace simd = semvec::simd;
using simd::CpuFeature;
using simd::cpu_bit;

namespace {

// Pretends, for its lifetime, that the CPU has only `features`.
struct FakeCpu {
    explicit FakeCpu(simd::CpuFeatures features) { simd::detail::cpu_features_override = features; }
    ~FakeCpu() { simd::detail::cpu_features_override = 0; }
};

bool contains(const std::string& s, const std::string& word) { return (" " + s + " ").find(" " + word + " ") != std::string::npos; }

}  // namespace

TEST_CASE("build_info names the compiled level, its kernel namespace and the compiled features", "[simd]") {
    const semvec::BuildInfo b = semvec::build_info();
    CHECK(b.version == semvec::version());
    CHECK(b.simd_level == semvec::simd_level_name());
    CHECK(b.simd_variant.rfind(b.simd_level, 0) == 0);  // "avx512_bf16_vnni" starts with "avx512"
    CHECK_FALSE(b.compiler.empty());
#if SEMVEC_SIMD_LEVEL == 3
    CHECK(b.simd_level == "avx512");
    CHECK(contains(b.features, "avx512f"));
    CHECK(contains(b.features, "avx512bw"));
#elif SEMVEC_SIMD_LEVEL == 2
    CHECK(b.simd_level == "avx2");
    CHECK(contains(b.features, "avx2"));
    CHECK(contains(b.features, "fma"));
#elif SEMVEC_SIMD_LEVEL == 1
    CHECK(b.simd_level == "neon");
    CHECK(contains(b.features, "neon"));
#endif
#if defined(__AVX512BF16__)
    CHECK(contains(b.features, "avx512bf16"));
#endif
#if defined(__AVXVNNI__)
    CHECK(contains(b.features, "avxvnni"));
#endif
    // The tests run on the machine that built them: every compiled feature is there.
    CHECK(b.cpu_ok);
    CHECK(b.cpu_missing.empty());
    CHECK(simd::require_cpu().ok());
}

TEST_CASE("the CPU check names the missing features and returns cpu_unsupported", "[simd]") {
    const simd::CpuFeatures need = cpu_bit(CpuFeature::avx2) | cpu_bit(CpuFeature::fma) | cpu_bit(CpuFeature::avx512bw);
    CHECK(simd::check_cpu_features(need, need | cpu_bit(CpuFeature::avx512f)).ok());
    CHECK(simd::check_cpu_features(0, 0).ok());
    auto s = simd::check_cpu_features(need, cpu_bit(CpuFeature::avx2));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == semvec::ErrorCode::cpu_unsupported);
    CHECK_THAT(s.error().what(), Catch::Contains("lacks fma avx512bw,"));
    CHECK(simd::cpu_feature_list(cpu_bit(CpuFeature::neon_dotprod) | cpu_bit(CpuFeature::sse4_2)) == "sse4.2 neon_dotprod");
}

TEST_CASE("this CPU's features are read from the hardware", "[simd]") {
    const simd::CpuFeatures hw = simd::detect_cpu_features();
#if defined(__x86_64__) || defined(_M_X64)
    CHECK((hw & cpu_bit(CpuFeature::sse4_2)) != 0);  // every x86-64 CPU this library can run on
    CHECK((hw & cpu_bit(CpuFeature::neon)) == 0);
#elif defined(__aarch64__)
    CHECK((hw & cpu_bit(CpuFeature::neon)) != 0);
#endif
    CHECK((simd::compiled_cpu_features() & ~hw) == 0);
}

TEST_CASE("on a CPU without the compiled features the entry points return cpu_unsupported", "[simd]") {
    const simd::CpuFeatures compiled = simd::compiled_cpu_features();
    if (compiled == 0) {
        // A scalar build for a baseline CPU needs nothing; there is nothing to take away.
        SUCCEED("nothing compiled in beyond the baseline");
        return;
    }
    // Take away the newest compiled feature (the one a CPU a generation older would lack).
    simd::CpuFeatures top = 0;
    for (unsigned i = 0; i < 64; ++i)
        if (compiled & (simd::CpuFeatures{1} << i)) top = simd::CpuFeatures{1} << i;
    const std::string missing = simd::cpu_feature_list(top);
    FakeCpu cpu(compiled & ~top);
    INFO("pretending the CPU lacks " << missing);
    auto is_cpu_error = [&](const semvec::Error& e) {
        return e.code == semvec::ErrorCode::cpu_unsupported && e.what().find(missing) != std::string::npos;
    };
    const semvec::BuildInfo b = semvec::build_info();
    CHECK_FALSE(b.cpu_ok);
    CHECK(b.cpu_missing == missing);

    auto expect_cpu_error = [&](const auto& result, const char* call) {
        INFO(call);
        REQUIRE_FALSE(result.ok());
        CHECK(is_cpu_error(result.error()));
    };
    expect_cpu_error(semvec::load_model(std::string(SEMVEC_SOURCE_DIR) + "/models/glove-6B-100d-top20k-f16.safetensors"),
                     "load_model");
    semvec::Matrix x = semvec::Matrix::Random(40, 5);
    const semvec::MatrixView xv(x.data(), x.rows(), x.cols());
    semvec::TsneOptions to;
    to.perplexity = 5;
    expect_cpu_error(semvec::tsne(xv, to), "tsne");
    semvec::SneOptions so;
    so.perplexity = 5;
    expect_cpu_error(semvec::sne(xv, so), "sne");
    semvec::UmapOptions uo;
    uo.n_neighbors = 5;
    expect_cpu_error(semvec::umap(xv, uo), "umap");
    semvec::KnnOptions ko;
    ko.k = 3;
    expect_cpu_error(semvec::knn(xv, ko), "knn");
    expect_cpu_error(semvec::top_k(x, x), "top_k");
}

TEST_CASE("with the real CPU back, the same calls succeed", "[simd]") {
    semvec::Matrix x = semvec::Matrix::Random(40, 5);
    semvec::KnnOptions ko;
    ko.k = 3;
    CHECK(semvec::knn(semvec::MatrixView(x.data(), x.rows(), x.cols()), ko).ok());
    CHECK(semvec::top_k(x, x).ok());
}
