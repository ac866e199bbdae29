// tools/cli/cmd_reduce.cpp — `semvec reduce --method sne|tsne|umap IN OUT`: map vectors to 2-D or 3-D.
// IN is .npy (float32/float64, N×D) or CSV/TSV of numbers; OUT is .npy, .csv or .tsv, chosen by its name.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include <semvec/io/npy.hpp>
#include <semvec/io/text_table.hpp>
#include <semvec/reduce/sne.hpp>
#include <semvec/reduce/tsne.hpp>
#include <semvec/reduce/umap.hpp>

#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {
namespace {

/// A progress line on stderr, redrawn in place; only when stderr is a terminal.
semvec::ProgressCallback terminal_progress(const std::string& method) {
    if (!isatty(fileno(stderr))) return {};
    const auto t0 = std::chrono::steady_clock::now();
    return [method, t0](int it, int total, double kl) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (std::isnan(kl))
            std::fprintf(stderr, "\r%s: %d/%d  %.1f s   ", method.c_str(), it, total, s);
        else
            std::fprintf(stderr, "\r%s: %d/%d  KL %.4f  %.1f s   ", method.c_str(), it, total, kl, s);
        if (it == total) std::fputc('\n', stderr);
        std::fflush(stderr);
        return true;
    };
}

}  // namespace

int cmd_reduce(int argc, char** argv) {
    Args args("reduce", "Map the rows of a matrix to 2-D or 3-D with SNE, t-SNE or UMAP.\n"
              "IN: .npy (float32/float64, N x D) or CSV/TSV of numbers. OUT: .npy, .csv or .tsv (by its name).",
              {
                  {"--method", "NAME", "sne, tsne or umap", "tsne"},
                  {"--dims", "N", "output dimensions (tsne 1-3, sne 2-3, umap any)", "2"},
                  {"--perplexity", "P", "sne/tsne: effective number of neighbours (needs N - 1 >= 3P)", "30"},
                  {"--neighbors", "K", "umap: number of neighbours", "15"},
                  {"--min-dist", "D", "umap: minimum distance between embedded points", "0.1"},
                  {"--iterations", "N", "optimisation steps (umap: epochs, 0 = auto)", "tsne 1000, sne 500, umap auto"},
                  {"--init", "NAME", "pca, random or spectral (umap only)", "tsne/sne pca, umap spectral"},
                  {"--tsne-gradient", "NAME", "tsne repulsion: auto, fft (FIt-SNE; dims 1-2), bh (Barnes-Hut) or exact; "
                                              "auto: exact to 500 points, fft from 20000 (1-D/2-D), else bh", "auto"},
                  {"--seed", "S", "random seed; same seed and threads give identical output", "42"},
                  {"--threads", "N", "worker threads, 0 = all cores", "0"},
                  {"--metric", "NAME", "euclidean or cosine", "euclidean"},
              },
              "IN OUT");
    int rc = kExitOk;
    if (!args.parse(argc, argv, rc)) return rc;
    if (args.positional().size() != 2) {
        args.usage_error("expected IN and OUT, got " + std::to_string(args.positional().size()) + " arguments", rc);
        return rc;
    }
    const std::string in = args.positional()[0], out = args.positional()[1];
    const std::string method = args.get("--method", "tsne");
    if (method != "sne" && method != "tsne" && method != "umap") {
        args.usage_error("--method must be sne, tsne or umap, got '" + method + "'", rc);
        return rc;
    }
    const std::string out_ext = extension_of(out);
    if (out_ext != ".npy" && out_ext != ".csv" && out_ext != ".tsv") {
        args.usage_error("OUT must end in .npy, .csv or .tsv: " + out, rc);
        return rc;
    }
    const auto dims = args.get_int("--dims", 2);
    const auto perplexity = args.get_double("--perplexity", 30.0);
    const auto neighbors = args.get_int("--neighbors", 15);
    const auto min_dist = args.get_double("--min-dist", 0.1);
    const auto iterations = args.get_int("--iterations", method == "tsne" ? 1000 : method == "sne" ? 500 : 0);
    const auto seed = args.get_int("--seed", 42);
    const auto threads = args.get_int("--threads", 0);
    if (!dims || !perplexity || !neighbors || !min_dist || !iterations || !seed || !threads) return kExitUsage;
    if (*dims < 1 || *dims > 1000) { args.usage_error("--dims must be positive", rc); return rc; }
    if (*iterations < 0) { args.usage_error("--iterations must be >= 0", rc); return rc; }
    if (*threads < 0 || *threads > 4096) { args.usage_error("--threads must be in [0, 4096]", rc); return rc; }
    if (*seed < 0) { args.usage_error("--seed must be >= 0", rc); return rc; }
    if (*neighbors < 2) { args.usage_error("--neighbors must be at least 2", rc); return rc; }
    const std::string metric_name = args.get("--metric", "euclidean");
    semvec::Metric metric;
    if (metric_name == "euclidean") metric = semvec::Metric::euclidean;
    else if (metric_name == "cosine") metric = semvec::Metric::cosine;
    else { args.usage_error("--metric must be euclidean or cosine, got '" + metric_name + "'", rc); return rc; }
    const std::string init = args.get("--init", method == "umap" ? "spectral" : "pca");
    if (init != "pca" && init != "random" && init != "spectral") {
        args.usage_error("--init must be pca, random or spectral, got '" + init + "'", rc);
        return rc;
    }
    if (init == "spectral" && method != "umap") {
        args.usage_error("--init spectral is for umap only (" + method + " takes pca or random)", rc);
        return rc;
    }

    const std::string gradient_name = args.get("--tsne-gradient", "auto");
    const auto gradient = semvec::parse_tsne_gradient(gradient_name);
    if (!gradient) { args.usage_error("--tsne-gradient must be auto, fft, bh or exact, got '" + gradient_name + "'", rc); return rc; }
    if (args.has("--tsne-gradient") && method != "tsne") {
        args.usage_error("--tsne-gradient is for --method tsne only", rc);
        return rc;
    }

    const std::string in_ext = extension_of(in);
    semvec::Result<semvec::Matrix> X = in_ext == ".npy" ? semvec::read_npy(in) : semvec::read_text_table(in);
    if (!X) {
        std::fprintf(stderr, "semvec reduce: %s\n", X.error().with_source(in).what().c_str());
        return kExitInputError;
    }
    const semvec::MatrixView view(X->data(), X->rows(), X->cols());
    semvec::Result<semvec::Matrix> Y = semvec::make_error("unreachable");
    if (method == "tsne") {
        semvec::TsneOptions o;
        o.dims = static_cast<int>(*dims);
        o.perplexity = *perplexity;
        o.iterations = static_cast<int>(*iterations);
        o.init = init == "pca" ? semvec::TsneInit::pca : semvec::TsneInit::random;
        o.seed = static_cast<std::uint64_t>(*seed);
        o.threads = static_cast<unsigned>(*threads);
        o.metric = metric;
        o.gradient = *gradient;
        o.progress = terminal_progress("t-SNE");
        Y = semvec::tsne(view, o);
    } else if (method == "sne") {
        semvec::SneOptions o;
        o.dims = static_cast<int>(*dims);
        o.perplexity = *perplexity;
        o.iterations = static_cast<int>(*iterations);
        o.init = init == "pca" ? semvec::SneInit::pca : semvec::SneInit::random;
        o.seed = static_cast<std::uint64_t>(*seed);
        o.threads = static_cast<unsigned>(*threads);
        o.metric = metric;
        o.progress = terminal_progress("SNE");
        Y = semvec::sne(view, o);
    } else {
        semvec::UmapOptions o;
        o.dims = static_cast<int>(*dims);
        o.n_neighbors = static_cast<int>(*neighbors);
        o.min_dist = static_cast<float>(*min_dist);
        o.epochs = static_cast<int>(*iterations);
        o.init = init == "spectral" ? semvec::UmapInit::spectral
                                    : init == "pca" ? semvec::UmapInit::pca : semvec::UmapInit::random;
        o.seed = static_cast<std::uint64_t>(*seed);
        o.threads = static_cast<unsigned>(*threads);
        o.metric = metric;
        o.progress = terminal_progress("UMAP");
        Y = semvec::umap(view, o);
    }
    if (!Y) {
        std::fprintf(stderr, "semvec reduce: %s\n", Y.error().with_source(in).what().c_str());
        return kExitInputError;
    }
    const semvec::Status st = out_ext == ".npy" ? semvec::write_npy(out, Y->data(), static_cast<std::size_t>(Y->rows()),
                                                                      static_cast<std::size_t>(Y->cols()))
                                                : semvec::write_text_table(out, *Y, out_ext == ".tsv" ? '\t' : ',');
    if (!st) {
        std::fprintf(stderr, "semvec reduce: %s\n", st.error().with_source(out).what().c_str());
        return kExitInputError;
    }
    return kExitOk;
}

}  // namespace semvec_cli
