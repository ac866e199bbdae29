// t-SNE in a build without FFTW (SEMVEC_WITH_FFTW undefined): asking for the FFT gradient is an unsupported
// error that says how to get it, and automatic falls back to Barnes-Hut openly (tsne_resolve_gradient).
// Its own executable: the definitions here differ from the FFTW build's, and must not meet them at link time.
#undef SEMVEC_WITH_FFTW
#include <catch2/catch.hpp>

#include <semvec/reduce/tsne.hpp>

TEST_CASE("without FFTW the FFT t-SNE gradient is an unsupported error, never a silent substitute", "[tsne]") {
    CHECK_FALSE(semvec::tsne_fft_available());
    semvec::Matrix X(200, 4);
    semvec::detail::Random rng(1);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = static_cast<float>(rng.normal());
    semvec::TsneOptions o;
    o.gradient = semvec::TsneGradient::fft;
    o.iterations = 10;
    auto r = semvec::tsne(X, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == semvec::ErrorCode::unsupported);
    CHECK(r.error().what().find("the FFT gradient is not compiled in: build with SEMVEC_WITH_FFTW and link FFTW 3") !=
          std::string::npos);
    o.gradient = semvec::TsneGradient::automatic;
    CHECK(*semvec::tsne_resolve_gradient(1000000, o) == semvec::TsneGradient::barnes_hut);
    o.gradient = semvec::TsneGradient::barnes_hut;
    r = semvec::tsne(X, o);
    CHECK(r.ok());
}
