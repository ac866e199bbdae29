// tools/cli/cmd_map.cpp — `semvec map`: the main job in one command: embed a corpus, reduce to 2-D, plot.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <semvec/io/npy.hpp>
#include <semvec/model/model.hpp>
#include <semvec/reduce/metrics.hpp>
#include <semvec/reduce/sne.hpp>
#include <semvec/reduce/tsne.hpp>
#include <semvec/reduce/umap.hpp>

#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"
#include "kernel_note.hpp"
#include "image_inputs.hpp"

namespace semvec_cli {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int cmd_map(int argc, char** argv) {
    Args args("map",
              "The main job in one command: embed every line of a corpus with a model, reduce the vectors to 2-D,\n"
              "and draw them: a self-contained HTML page (hover shows each text) or an SVG, chosen by OUT's name.",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--corpus", "FILE", "texts, one per line ('-' reads stdin)", ""},
               {"--images", "DIR", "map the images of a folder (recursive) instead of texts; hover shows a thumbnail", ""},
               {"--thumbnail-size", "PX", "longest side of the hover thumbnails with --images (0: none)", "64"},
               {"--labels", "FILE", "one label per text (colours and legend): lines, or a 1-D integer .npy", ""},
               {"--method", "NAME", "tsne, umap or sne", "tsne"},
               {"--metric", "NAME", "distance between vectors: cosine or euclidean", "cosine"},
               {"--perplexity", "X", "t-SNE/SNE perplexity (lowered for small corpora)", "30"},
               {"--neighbors", "K", "UMAP neighbourhood size (lowered for small corpora)", "15"},
               {"--iterations", "N", "t-SNE/SNE iterations, or UMAP epochs (0: the method's default)", "0"},
               {"--seed", "N", "random seed: the same seed gives the same map", "42"},
               {"--threads", "N", "worker threads (0: all cores)", "0"},
               {"--title", "STR", "title above the plot", "the corpus name and method"},
               {"--save-vectors", "FILE", "also write the N×D vectors as float32 .npy", ""},
               {"--save-points", "FILE", "also write the N×2 map as float32 .npy", ""}},
              "OUT.html|OUT.svg");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (args.positional().size() != 1) {
        args.usage_error("expected one OUT file", code);
        return code;
    }
    const std::string out = args.positional()[0];
    if (!is_plot_path(out)) {
        args.usage_error("OUT must end in .html or .svg, got '" + out + "'", code);
        return code;
    }
    if (!args.has("--model")) {
        args.usage_error("--model FILE is required", code);
        return code;
    }
    if (args.has("--corpus") == args.has("--images")) {
        args.usage_error("give one of --corpus FILE and --images DIR", code);
        return code;
    }
    const std::string method = args.get("--method", "tsne"), metric_name = args.get("--metric", "cosine");
    if (method != "tsne" && method != "umap" && method != "sne") {
        args.usage_error("--method must be tsne, umap or sne, got '" + method + "'", code);
        return code;
    }
    if (metric_name != "cosine" && metric_name != "euclidean") {
        args.usage_error("--metric must be cosine or euclidean, got '" + metric_name + "'", code);
        return code;
    }
    const auto perplexity = args.get_double("--perplexity", 30);
    const auto neighbors = args.get_int("--neighbors", 15),
               iterations = args.get_int("--iterations", 0), seed = args.get_int("--seed", 42),
               threads = args.get_int("--threads", 0);
    if (!perplexity || !neighbors || !iterations || !seed || !threads) return kExitUsage;
    if (*perplexity <= 0 || *neighbors < 2 || *iterations < 0 || *threads < 0) {
        args.usage_error("--perplexity must be > 0, --neighbors >= 2, --iterations and --threads >= 0", code);
        return code;
    }
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec map: %s\n", e.what().c_str());
        return kExitInputError;
    };

    const bool images = args.has("--images");
    const std::string corpus_path = images ? args.get("--images") : args.get("--corpus");
    auto texts = images ? list_images({corpus_path}) : read_lines(corpus_path, "texts");
    if (!texts) return fail(texts.error());
    std::size_t n = texts->size();  // --images: the readable images, once embedded
    if (n < 4)
        return fail(semvec::make_error("a map needs at least 4 texts, got " + std::to_string(n), corpus_path));
    semvec::PlotOptions plot;
    if (args.has("--labels")) {
        auto labels = read_labels(args.get("--labels"), n);
        if (!labels) return fail(labels.error());
        plot.labels = std::move(*labels);
    }

    // 1. Embed.
    const auto t0 = std::chrono::steady_clock::now();
    const std::string model_path = args.get("--model");
    auto model = semvec::load_model(model_path);
    if (!model) return fail(model.error());
    note_slow_kernel(*model, "map");
    semvec::EncodeOptions encode;
    encode.threads = static_cast<unsigned>(*threads);
    const auto t1 = std::chrono::steady_clock::now();
    semvec::Result<semvec::Embeddings> vectors = semvec::make_error("not embedded");
    if (images) {  // image files: unreadable ones are reported and left out (image_inputs.cpp)
        auto m = embed_image_files(*model, *texts, encode.threads, "map");
        if (!m) return fail(m.error().with_source(corpus_path));
        if (texts->size() < 4) return fail(semvec::make_error("a map needs at least 4 readable images", corpus_path));
        vectors = semvec::Embeddings(*m);
        if (!plot.labels.empty() && texts->size() != n)
            return fail(semvec::make_error("--labels needs every image to be readable (" + std::to_string(n - texts->size()) + " skipped)", corpus_path));
        n = texts->size();
        const auto side = args.get_int("--thumbnail-size", 64);
        if (!side || *side < 0 || *side > 512) return fail(semvec::make_error("--thumbnail-size must be in [0, 512]"));
        if (*side > 0) plot.images = thumbnails_of(*texts, static_cast<std::size_t>(*side));
    } else {
        vectors = model->encode(*texts, encode);
    }
    if (!vectors) return fail(vectors.error().with_source(corpus_path));
    const double embed_s = seconds_since(t1);
    const std::size_t n_embedded = static_cast<std::size_t>(vectors->rows());
    std::fprintf(stderr, "semvec map: embedded %zu texts into %ld dimensions in %.2f s (%.0f texts/s; model load %.2f s)\n",
                 n_embedded, static_cast<long>(vectors->cols()), embed_s, static_cast<double>(n) / std::max(embed_s, 1e-9),
                 std::chrono::duration<double>(t1 - t0).count());
    if (vectors->truncated)
        std::fprintf(stderr, "semvec map: warning: %zu texts were longer than the model's %zu tokens and were cut\n",
                     vectors->truncated, model->max_length());
    if (vectors->unknown)
        std::fprintf(stderr, "semvec map: %zu unknown words were skipped\n", vectors->unknown);
    if (args.has("--save-vectors")) {
        auto st = semvec::write_npy(args.get("--save-vectors"), *vectors);
        if (!st) return fail(st.error());
    }

    // 2. Reduce. Small corpora get a perplexity / neighbourhood that fits them instead of an error.
    const semvec::MatrixView view(vectors->data(), vectors->rows(), vectors->cols());
    const semvec::Metric metric = metric_name == "cosine" ? semvec::Metric::cosine : semvec::Metric::euclidean;
    const double max_perplexity = static_cast<double>(n - 1) / 3.0;
    const double used_perplexity = std::min(*perplexity, max_perplexity);
    const auto t2 = std::chrono::steady_clock::now();
    semvec::Result<semvec::Matrix> points = semvec::make_error("no method");
    if (method == "tsne") {
        semvec::TsneOptions o;
        o.perplexity = used_perplexity;
        if (*iterations > 0) o.iterations = static_cast<int>(*iterations);
        o.metric = metric;
        o.seed = static_cast<std::uint64_t>(*seed);
        o.threads = static_cast<unsigned>(*threads);
        points = semvec::tsne(view, o);
    } else if (method == "sne") {
        semvec::SneOptions o;
        o.perplexity = used_perplexity;
        if (*iterations > 0) o.iterations = static_cast<int>(*iterations);
        o.metric = metric;
        o.seed = static_cast<std::uint64_t>(*seed);
        o.threads = static_cast<unsigned>(*threads);
        points = semvec::sne(view, o);
    } else {
        semvec::UmapOptions o;
        o.n_neighbors = static_cast<int>(std::min<long long>(*neighbors, static_cast<long long>(n - 1)));
        o.epochs = static_cast<int>(*iterations);
        o.metric = metric;
        o.seed = static_cast<std::uint64_t>(*seed);
        o.threads = static_cast<unsigned>(*threads);
        points = semvec::umap(view, o);
    }
    if (!points) return fail(points.error().with_source(corpus_path));
    std::fprintf(stderr, "semvec map: %s to 2-D in %.2f s%s\n", method.c_str(), seconds_since(t2),
                 method != "umap" && used_perplexity < *perplexity
                     ? (" (perplexity lowered to " + std::to_string(used_perplexity) + " for " + std::to_string(n) +
                        " texts)").c_str()
                     : "");
    // With labels, say how well the groups separate: the majority label of each point's 10 nearest
    // neighbours in the map, against its own.
    if (!plot.labels.empty() && n > 10) {
        std::map<std::string, std::int64_t> ids;
        std::vector<std::int64_t> classes;
        classes.reserve(n);
        for (const auto& l : plot.labels)
            classes.push_back(ids.emplace(l, static_cast<std::int64_t>(ids.size())).first->second);
        const semvec::MatrixView map_view(points->data(), points->rows(), points->cols());
        if (auto acc = semvec::knn_label_accuracy(map_view, classes, 10, static_cast<unsigned>(*threads)))
            std::fprintf(stderr, "semvec map: 10-NN label accuracy in 2-D: %.3f (%zu labels)\n", *acc, ids.size());
    }
    if (args.has("--save-points")) {
        auto st = semvec::write_npy(args.get("--save-points"), *points);
        if (!st) return fail(st.error());
    }

    // 3. Plot.
    plot.title = args.has("--title") ? args.get("--title") : base_name(corpus_path) + " \xC2\xB7 " + method;
    plot.texts = std::move(*texts);
    auto st = write_plot(out, *points, plot);
    if (!st) return fail(st.error());
    std::printf("%s\n", out.c_str());
    return kExitOk;
}

}  // namespace semvec_cli
