// tools/cli/cmd_search.cpp — `semvec search`: embed a corpus once (optionally cached as .npy), then print the
// top-k texts for each query with their cosine scores.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <semvec/index/index.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/model/model.hpp>
#include <semvec/search.hpp>

#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"
#include "kernel_note.hpp"
#include "image_inputs.hpp"

namespace semvec_cli {

namespace {

/// The cache is fresh when it is newer than both the corpus and the model and has the expected shape.
bool cache_is_fresh(const std::string& cache, const std::string& corpus, const std::string& model) {
    namespace fs = std::filesystem;
    std::error_code ec1, ec2, ec3;
    const auto tc = fs::last_write_time(cache, ec1), t1 = fs::last_write_time(corpus, ec2),
               t2 = fs::last_write_time(model, ec3);
    return !ec1 && !ec2 && !ec3 && tc >= t1 && tc >= t2;
}

std::string model_stem(const std::string& path) {
    std::string name = std::filesystem::path(path).stem().string();
    return name.empty() ? "model" : name;
}

}  // namespace

int cmd_search(int argc, char** argv) {
    if (has_images_flag(argc, argv)) return cmd_search_images(argc, argv);  // images: cmd_images.cpp
    Args args("search",
              "Find the texts of a corpus nearest to a query: embeds the corpus (one text per line) once, then prints\n"
              "the top-k texts for each query with their cosine similarity.",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--corpus", "FILE", "texts to search, one per line", ""},
               {"--query", "STR", "one query", ""},
               {"--queries", "FILE", "queries, one per line ('-' reads stdin)", ""},
               {"--query-prefix", "STR", "text put before every query only (e.g. E5's 'query: ')", "the model's prefix"},
               {"-k|--top-k", "N", "results per query", "10"},
               {"--labels", "FILE", "one label per corpus text, printed after each hit", ""},
               {"--cache", "", "keep the corpus vectors next to it (CORPUS.MODEL.npy) and reuse them while fresh", ""},
               {"--index", "FILE", "search this index of the corpus vectors (semvec index build) instead of embedding the corpus", ""},
               {"--threads", "N", "worker threads (0: all cores)", "0"}});
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (!args.positional().empty()) {
        args.usage_error("unexpected argument '" + args.positional()[0] + "' (use --query STR)", code);
        return code;
    }
    if (!args.has("--model") || !args.has("--corpus")) {
        args.usage_error("--model FILE and --corpus FILE are required", code);
        return code;
    }
    if (args.has("--query") == args.has("--queries")) {
        args.usage_error("give exactly one of --query STR and --queries FILE", code);
        return code;
    }
    const auto k = args.get_int("--top-k", 10), threads = args.get_int("--threads", 0);
    if (!k || !threads) return kExitUsage;
    if (*k < 1 || *threads < 0) {
        args.usage_error("-k must be >= 1 and --threads >= 0", code);
        return code;
    }
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec search: %s\n", e.what().c_str());
        return kExitInputError;
    };

    const std::string corpus_path = args.get("--corpus"), model_path = args.get("--model");
    auto corpus = read_lines(corpus_path, "texts");
    if (!corpus) return fail(corpus.error());
    const std::size_t n = corpus->size();
    std::vector<std::string> labels;
    if (args.has("--labels")) {
        auto l = read_labels(args.get("--labels"), n);
        if (!l) return fail(l.error());
        labels = std::move(*l);
    }
    std::vector<std::string> queries;
    if (args.has("--query")) {
        queries.push_back(args.get("--query"));
    } else {
        auto q = read_lines(args.get("--queries"), "queries");
        if (!q) return fail(q.error());
        queries = std::move(*q);
    }

    auto model = semvec::load_model(model_path);
    if (!model) return fail(model.error());
    note_slow_kernel(*model, "search");
    semvec::EncodeOptions encode;
    encode.threads = static_cast<unsigned>(*threads);

    // With --index the corpus vectors are in the index (row i = line i); no corpus embedding.
    std::optional<semvec::Index> index;
    if (args.has("--index")) {
        if (args.has("--cache")) {
            args.usage_error("--index and --cache exclude each other", code);
            return code;
        }
        auto ix = semvec::Index::load(args.get("--index"),
                                      {semvec::index_model_name(model->info().source_note, model_path), model->dim()});
        if (!ix) return fail(ix.error());
        if (ix->size() != n)
            return fail(semvec::make_error(semvec::ErrorCode::invalid_argument,
                                           "the index holds " + std::to_string(ix->size()) + " vectors but the corpus has " +
                                               std::to_string(n) + " lines",
                                           args.get("--index")));
        index = std::move(*ix);
    }
    // The corpus vectors: from the cache when it is fresh and has one row per text, else embedded now.
    semvec::Matrix vectors;
    const std::string cache = corpus_path + "." + model_stem(model_path) + ".npy";
    bool cached = false;
    if (args.has("--cache") && cache_is_fresh(cache, corpus_path, model_path)) {
        auto m = semvec::read_npy(cache);
        if (m && static_cast<std::size_t>(m->rows()) == n) {
            vectors = std::move(*m);
            cached = true;
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    if (!cached && !index) {
        auto v = model->encode(*corpus, encode);
        if (!v) return fail(v.error().with_source(corpus_path));
        vectors = std::move(*v);
        if (args.has("--cache")) {
            auto st = semvec::write_npy(cache, vectors);
            if (!st) return fail(st.error());
        }
    }
    const double embed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    semvec::EncodeOptions qopt = encode;
    if (args.has("--query-prefix")) qopt.prefix = args.get("--query-prefix");
    auto q = model->encode(queries, qopt);
    if (!q) return fail(q.error());
    semvec::Matrix qv = std::move(*q);
    if (!index && qv.cols() != vectors.cols())
        return fail(semvec::make_error("cached vectors have " + std::to_string(vectors.cols()) +
                                           " dimensions but the model gives " + std::to_string(qv.cols()) +
                                           "; delete the cache",
                                       cache));
    semvec::TopKOptions topt;
    topt.k = static_cast<std::size_t>(*k);
    topt.threads = encode.threads;
    semvec::IndexSearchOptions iopt;
    iopt.k = topt.k;
    iopt.threads = topt.threads;
    auto hits = index ? index->search(qv, iopt) : semvec::top_k(qv, vectors, topt);  // cosine
    if (!hits) return fail(hits.error());
    for (std::size_t qi = 0; qi < queries.size(); ++qi) {
        std::printf("%squery: %s\n", qi ? "\n" : "", queries[qi].c_str());
        const auto& h = (*hits)[qi];
        for (std::size_t r = 0; r < h.size(); ++r) {
            const std::size_t i = h[r].index;
            std::printf("%4zu  %.4f  %s", r + 1, static_cast<double>(h[r].score), (*corpus)[i].c_str());
            if (!labels.empty()) std::printf("  [%s]", labels[i].c_str());
            std::printf("\n");
        }
    }
    std::fprintf(stderr, "semvec search: %zu texts %s in %.3f s, %zu quer%s\n", n,
                 index ? "in the index" : cached ? "read from the cache" : "embedded", embed_s, queries.size(),
                 queries.size() == 1 ? "y" : "ies");
    return kExitOk;
}

}  // namespace semvec_cli
