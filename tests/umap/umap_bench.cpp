// umap_bench: times semvec::umap_fit on a float32 .npy and writes the map (not a test; built on demand:
// `cmake --build build --target umap_bench`). Used by scripts/bench_umap.py.
//   umap_bench IN.npy OUT.npy [threads=2] [epochs=0] [init=spectral|pca|random] [seed=42]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "semvec/reduce/umap.hpp"

static bool read_npy_f32(const char* path, semvec::Matrix& out) {
    std::ifstream in(path, std::ios::binary);
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) return false;
    std::size_t hlen = 0;
    if (magic[6] == 1) {
        unsigned char b[2];
        in.read(reinterpret_cast<char*>(b), 2);
        hlen = b[0] | (b[1] << 8);
    } else {
        unsigned char b[4];
        in.read(reinterpret_cast<char*>(b), 4);
        hlen = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::size_t>(b[3]) << 24);
    }
    std::string h(hlen, ' ');
    in.read(&h[0], static_cast<std::streamsize>(hlen));
    if (h.find("'<f4'") == std::string::npos || h.find("'fortran_order': False") == std::string::npos) return false;
    const auto p = h.find("'shape': (");
    long r = 0, c = 0;
    if (p == std::string::npos || std::sscanf(h.c_str() + p + 10, "%ld, %ld", &r, &c) != 2) return false;
    out.resize(r, c);
    return static_cast<bool>(in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(r * c * 4)));
}

static void write_npy_f32(const char* path, const semvec::Matrix& m) {
    std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(m.rows()) + ", " +
                    std::to_string(m.cols()) + "), }";
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const unsigned short n = static_cast<unsigned short>(h.size());
    out.put(static_cast<char>(n & 0xff));
    out.put(static_cast<char>(n >> 8));
    out.write(h.data(), static_cast<std::streamsize>(h.size()));
    out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * 4));
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: umap_bench IN.npy OUT.npy [threads=2] [epochs=0] [init] [seed]\n");
        return 2;
    }
    semvec::Matrix X;
    if (!read_npy_f32(argv[1], X)) {
        std::fprintf(stderr, "%s: not a C-order float32 2-D .npy\n", argv[1]);
        return 1;
    }
    semvec::UmapOptions opt;
    opt.threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 2u;
    opt.epochs = argc > 4 ? std::atoi(argv[4]) : 0;
    if (argc > 5) {
        const std::string init = argv[5];
        opt.init = init == "pca" ? semvec::UmapInit::pca : init == "random" ? semvec::UmapInit::random : semvec::UmapInit::spectral;
    }
    if (argc > 6) opt.seed = std::strtoull(argv[6], nullptr, 10);
    if (const char* e = std::getenv("UMAP_BENCH_PARALLEL_SGD")) opt.parallel_sgd = std::string(e) == "1";
    if (const char* e = std::getenv("UMAP_BENCH_KNN")) {  // experiments: exact or approximate kNN
        const semvec::KnnMethod method = std::string(e) == "exact" ? semvec::KnnMethod::exact : semvec::KnnMethod::approximate;
        semvec::KnnOptions ko;
        ko.k = opt.n_neighbors - 1;
        ko.threads = opt.threads;
        ko.method = method;
        const auto t0 = std::chrono::steady_clock::now();
        auto g = semvec::knn(semvec::MatrixView(X.data(), X.rows(), X.cols()), ko);
        const double tk = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        auto m = semvec::umap_fit_knn(semvec::MatrixView(X.data(), X.rows(), X.cols()), *g, opt);
        write_npy_f32(argv[2], m->embedding);
        std::printf("{\"total\": %.4f, \"knn\": %.4f, \"sgd\": %.4f}\n", tk + m->timings.graph + m->timings.init + m->timings.sgd, tk, m->timings.sgd);
        return 0;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto m = semvec::umap_fit(semvec::MatrixView(X.data(), X.rows(), X.cols()), opt);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!m) {
        std::fprintf(stderr, "%s\n", m.error().what().c_str());
        return 1;
    }
    write_npy_f32(argv[2], m->embedding);
    std::printf("{\"total\": %.4f, \"knn\": %.4f, \"graph\": %.4f, \"init\": %.4f, \"sgd\": %.4f, \"epochs\": %d, \"init_used\": \"%s\"}\n",
                total, m->timings.knn, m->timings.graph, m->timings.init, m->timings.sgd, m->options.epochs,
                m->init_used.c_str());
    return 0;
}
