// Fuzz target: the ANN index file reader (semvec::Index::parse), then a search and an add on what it accepted.
#include <semvec/index/index.hpp>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto index = semvec::Index::parse(data, size, "fuzz");
    if (!index || index->dim() > 4096 || index->size() > 100000) return 0;
    semvec::Matrix q = semvec::Matrix::Ones(2, static_cast<Eigen::Index>(index->dim()));
    q(1, 0) = -1.0f;
    semvec::IndexSearchOptions o;
    o.k = 3;
    o.threads = 1;
    (void)index->search(q, o);
    (void)index->add(q, 1);
    (void)index->search(q, o);
    return 0;
}
