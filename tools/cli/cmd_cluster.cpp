// tools/cli/cmd_cluster.cpp — `semvec cluster`: k-means or HDBSCAN labels for the rows of a matrix.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <map>
#include <string>

#include <semvec/cluster/hdbscan.hpp>
#include <semvec/cluster/kmeans.hpp>
#include <semvec/io/npy.hpp>

#include "apps_support.hpp"
#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_cluster(int argc, char** argv) {
    Args args("cluster",
              "Cluster the rows of a matrix with k-means (k given) or HDBSCAN (k found, sparse points are noise).\n"
              "Writes one int32 label per row to OUT.npy (-1 = noise) and prints the cluster sizes.\n"
              "IN: .npy (float32/float64, N x D) or CSV/TSV of numbers.",
              {{"--method", "NAME", "kmeans or hdbscan", "kmeans"},
               {"--k", "N", "k-means: number of clusters", "8"},
               {"--min-cluster-size", "N", "HDBSCAN: smallest cluster", "5"},
               {"--min-samples", "N", "HDBSCAN: core-distance neighbourhood, the point included (0: min-cluster-size)", "0"},
               {"--metric", "NAME", "euclidean or cosine (k-means: spherical)", "euclidean"},
               {"--stability", "NAME", "HDBSCAN: hdbscan (the Python library's, BERTopic's) or r (R dbscan's)", "hdbscan"},
               {"--restarts", "N", "k-means: runs from different seedings, the best is kept", "10"},
               {"--minibatch", "", "k-means: mini-batch k-means (for millions of rows)", ""},
               {"--batch-size", "N", "mini-batch k-means: rows per step", "1024"},
               {"--seed", "S", "random seed (k-means): the same seed gives the same labels", "42"},
               {"--threads", "N", "worker threads (0: all cores); results do not depend on it", "0"},
               {"--centroids", "FILE", "k-means: also write the k x D centroids as float32 .npy", ""},
               {"--probabilities", "FILE", "HDBSCAN: also write the membership probabilities as float32 .npy", ""}},
              "IN OUT.npy");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (args.positional().size() != 2) {
        args.usage_error("expected IN and OUT.npy", code);
        return code;
    }
    const std::string in = args.positional()[0], out = args.positional()[1];
    if (extension_of(out) != ".npy") {
        args.usage_error("OUT must end in .npy, got '" + out + "'", code);
        return code;
    }
    const std::string method = args.get("--method", "kmeans"), metric_name = args.get("--metric", "euclidean");
    if (method != "kmeans" && method != "hdbscan") {
        args.usage_error("--method must be kmeans or hdbscan, got '" + method + "'", code);
        return code;
    }
    const std::string stability = args.get("--stability", "hdbscan");
    if (stability != "hdbscan" && stability != "r") {
        args.usage_error("--stability must be hdbscan or r, got '" + stability + "'", code);
        return code;
    }
    if (metric_name != "euclidean" && metric_name != "cosine") {
        args.usage_error("--metric must be euclidean or cosine, got '" + metric_name + "'", code);
        return code;
    }
    const auto k = args.get_int("--k", 8), mcs = args.get_int("--min-cluster-size", 5), ms = args.get_int("--min-samples", 0),
               restarts = args.get_int("--restarts", 10), batch = args.get_int("--batch-size", 1024),
               seed = args.get_int("--seed", 42), threads = args.get_int("--threads", 0);
    if (!k || !mcs || !ms || !restarts || !batch || !seed || !threads) return kExitUsage;
    if (*k < 1 || *mcs < 2 || *ms < 0 || *restarts < 1 || *batch < 1 || *threads < 0) {
        args.usage_error("--k, --restarts and --batch-size must be >= 1, --min-cluster-size >= 2, --min-samples and --threads >= 0", code);
        return code;
    }
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec cluster: %s\n", e.what().c_str());
        return kExitInputError;
    };
    auto X = read_matrix(in);
    if (!X) return fail(X.error());
    const semvec::Metric metric = metric_name == "cosine" ? semvec::Metric::cosine : semvec::Metric::euclidean;

    std::vector<std::int32_t> labels;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t cpu0 = std::clock();  // CPU time of all threads: a fairer figure on a busy machine
    std::string summary;
    if (method == "kmeans") {
        semvec::Result<semvec::KMeansResult> km = semvec::make_error("not run");
        if (args.has("--minibatch")) {
            semvec::MiniBatchKMeansOptions o;
            o.metric = metric;
            o.batch_size = static_cast<std::size_t>(*batch);
            o.seed = static_cast<std::uint64_t>(*seed);
            o.threads = static_cast<unsigned>(*threads);
            km = semvec::minibatch_kmeans(view_of(*X), static_cast<std::size_t>(*k), o);
        } else {
            semvec::KMeansOptions o;
            o.metric = metric;
            o.restarts = static_cast<int>(*restarts);
            o.seed = static_cast<std::uint64_t>(*seed);
            o.threads = static_cast<unsigned>(*threads);
            km = semvec::kmeans(view_of(*X), static_cast<std::size_t>(*k), o);
        }
        if (!km) return fail(km.error().with_source(in));
        char buf[160];
        std::snprintf(buf, sizeof buf, "inertia %.9g, %d iterations", km->inertia, km->iterations);
        summary = buf;
        if (args.has("--centroids")) {
            auto st = semvec::write_npy(args.get("--centroids"), km->centroids);
            if (!st) return fail(st.error());
        }
        labels = std::move(km->labels);
    } else {
        semvec::HdbscanOptions o;
        o.min_cluster_size = static_cast<std::size_t>(*mcs);
        o.min_samples = static_cast<std::size_t>(*ms);
        o.metric = metric;
        o.stability = stability == "r" ? semvec::HdbscanStability::r_dbscan : semvec::HdbscanStability::hdbscan;
        o.threads = static_cast<unsigned>(*threads);
        auto h = semvec::hdbscan(view_of(*X), o);
        if (!h) return fail(h.error().with_source(in));
        if (args.has("--probabilities")) {
            auto st = write_float_npy(args.get("--probabilities"), h->probabilities);
            if (!st) return fail(st.error());
        }
        labels = std::move(h->labels);
    }
    const double seconds = seconds_since(t0);
    auto st = write_int32_npy(out, labels);
    if (!st) return fail(st.error());

    std::map<std::int32_t, std::size_t> sizes;
    for (auto l : labels) ++sizes[l];
    const std::size_t noise = sizes.count(-1) ? sizes[-1] : 0;
    std::printf("%zu rows, %s: %zu clusters%s%s%s\n", labels.size(), method.c_str(), sizes.size() - (noise ? 1 : 0),
                noise ? (", " + std::to_string(noise) + " noise").c_str() : "", summary.empty() ? "" : ", ",
                summary.c_str());
    for (const auto& [label, count] : sizes) std::printf("%6d %8zu\n", label, count);
    const double cpu_seconds = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    std::fprintf(stderr, "semvec cluster: %s in %.4f s (CPU %.4f s)\n", method.c_str(), seconds, cpu_seconds);
    return kExitOk;
}

}  // namespace semvec_cli
