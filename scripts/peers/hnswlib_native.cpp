// scripts/peers/hnswlib_native.cpp — hnswlib (Debian libhnswlib-dev headers) compiled for this CPU, the peer
// of scripts/bench_ann.py beside Debian's python3-hnswlib (which is built for baseline x86-64: SSE only).
// Does what hnswlib's Python binding does for space="cosine": rows normalized, inner-product space; adds the
// vectors with `threads` threads (like its add_items), searches one query at a time on one thread.
//
//   hnswlib_native VECTORS.f32 N QUERIES.f32 Q DIM K THREADS REPS OUT_PREFIX EF...
// Reads raw little-endian float32 rows; writes OUT_PREFIX.ef<EF>.i64 (Q × K labels) per ef and prints one
// JSON line: {"build_s": ..., "memory_bytes": ..., "search_s": {"<ef>": seconds, ...}}, each search time the
// fastest of at least REPS runs over all queries, repeated until 0.5 s are spent (as bench_ann.py times semvec).
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

static std::vector<float> read_rows(const char* path, std::size_t n, std::size_t d) {
    std::vector<float> v(n * d);
    std::ifstream f(path, std::ios::binary);
    if (!f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4))) {
        std::fprintf(stderr, "hnswlib_native: cannot read %zu x %zu floats from %s\n", n, d, path);
        std::exit(1);
    }
    for (std::size_t i = 0; i < n; ++i) {  // cosine = inner product of unit rows, as hnswlib's binding does
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) s += double(v[i * d + j]) * v[i * d + j];
        const float inv = s > 0 ? float(1.0 / std::sqrt(s)) : 0.0f;
        for (std::size_t j = 0; j < d; ++j) v[i * d + j] *= inv;
    }
    return v;
}

int main(int argc, char** argv) {
    if (argc < 11) {
        std::fprintf(stderr, "usage: hnswlib_native VECTORS.f32 N QUERIES.f32 Q DIM K THREADS REPS OUT_PREFIX EF...\n");
        return 2;
    }
    const std::size_t n = std::stoul(argv[2]), nq = std::stoul(argv[4]), d = std::stoul(argv[5]), k = std::stoul(argv[6]);
    const unsigned threads = static_cast<unsigned>(std::stoul(argv[7]));
    const int reps = std::max(1, std::stoi(argv[8]));
    const std::string out = argv[9];
    const auto x = read_rows(argv[1], n, d), q = read_rows(argv[3], nq, d);
    hnswlib::InnerProductSpace space(d);
    hnswlib::HierarchicalNSW<float> index(&space, n, 16, 200, 42);
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    index.addPoint(x.data(), 0);  // the first element alone, as the binding does, then the rest in parallel
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (std::size_t i = 1 + t; i < n; i += threads) index.addPoint(x.data() + i * d, i);
        });
    for (auto& th : pool) th.join();
    const double build_s = std::chrono::duration<double>(clock::now() - t0).count();
    std::string json = "{\"build_s\": " + std::to_string(build_s) + ", \"memory_bytes\": " +
                       std::to_string(index.max_elements_ * index.size_data_per_element_) + ", \"search_s\": {";
    for (int a = 10; a < argc; ++a) {
        const std::size_t ef = std::stoul(argv[a]);
        index.setEf(ef < k ? k : ef);
        std::vector<long long> ids(nq * k, -1);
        double s = 1e30, spent = 0;
        for (int rep = 0; rep < reps || (spent < 0.5 && rep < 1000); ++rep) {
            t0 = clock::now();
            for (std::size_t i = 0; i < nq; ++i) {
                auto r = index.searchKnn(q.data() + i * d, k);
                for (std::size_t j = r.size(); j-- > 0; r.pop()) ids[i * k + j] = static_cast<long long>(r.top().second);
            }
            const double t = std::chrono::duration<double>(clock::now() - t0).count();
            s = std::min(s, t);
            spent += t;
        }
        std::ofstream(out + ".ef" + std::to_string(ef) + ".i64", std::ios::binary)
            .write(reinterpret_cast<const char*>(ids.data()), static_cast<std::streamsize>(ids.size() * 8));
        json += (a > 10 ? ", \"" : "\"") + std::to_string(ef) + "\": " + std::to_string(s);
    }
    std::printf("%s}}\n", json.c_str());
    return 0;
}
