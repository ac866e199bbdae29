// Helpers shared by the t-SNE tests.
#pragma once

#include <catch2/catch.hpp>

#include <semvec/reduce/tsne.hpp>

namespace semvec_test {

/// Runs tsne(X, o) with 1, 2 and 3 threads, checks that the three layouts are the same bits, returns the first.
inline semvec::Matrix tsne_same_for_any_thread_count(const semvec::Matrix& X, semvec::TsneOptions o) {
    semvec::Matrix first;
    for (unsigned threads : {1u, 2u, 3u}) {
        o.threads = threads;
        auto r = semvec::tsne(X, o);
        REQUIRE(r.ok());
        if (threads == 1) first = *r;
        else CHECK(*r == first);
    }
    return first;
}

}  // namespace semvec_test
