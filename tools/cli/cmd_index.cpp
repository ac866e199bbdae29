// tools/cli/cmd_index.cpp — `semvec index build|query|info`: an ANN index file over .npy vectors
// (semvec/index/index.hpp does the work).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <semvec/index/index.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/io/safetensors.hpp>
#include <semvec/model/model_file.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "npy_out.hpp"

namespace semvec_cli {

namespace {

int fail(const char* sub, const semvec::Error& e) {
    std::fprintf(stderr, "semvec index %s: %s\n", sub, e.what().c_str());
    return kExitInputError;
}

/// --model: a semvec model file (its name and dimension are recorded) or just a name.
semvec::Result<std::pair<std::string, std::size_t>> model_identity(const std::string& model) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(model, ec)) return std::make_pair(model, std::size_t{0});
    auto file = semvec::SafetensorsFile::open(model);
    if (!file) return file.error();
    auto info = semvec::read_model_info(*file);
    if (!info) return info.error();
    return std::make_pair(semvec::index_model_name(info->source_note, model), info->dim());
}

int index_build(int argc, char** argv) {
    Args args("index build", "Build an ANN index file from float vectors (.npy, one row per item; ids are row numbers).",
              {{"--precision", "P", "float32 (HNSW), int8 (HNSW over int8 codes) or binary (Hamming scan + int8 rescoring)", "float32"},
               {"--model", "FILE|NAME", "the model the vectors come from: a model file (name and dimension checked) or a name", ""},
               {"--metric", "M", "cosine or dot", "cosine"},
               {"--m", "N", "graph links per node (2N on layer 0)", "16"},
               {"--ef-construction", "N", "candidates kept while inserting", "200"},
               {"--seed", "N", "seed of the node levels", "42"},
               {"--threads", "N", "worker threads, 0 = all cores (the index does not depend on it)", "0"}},
              "VECTORS.npy INDEX");
    int rc = kExitOk;
    if (!args.parse(argc, argv, rc)) return rc;
    if (args.positional().size() != 2) {
        args.usage_error("expected VECTORS.npy and INDEX", rc);
        return rc;
    }
    semvec::IndexOptions o;
    auto precision = semvec::parse_precision(args.get("--precision", "float32"));
    auto metric = semvec::parse_metric(args.get("--metric", "cosine"));
    if (!precision || !metric || *metric == semvec::Metric::euclidean) {
        args.usage_error(!precision ? precision.error().message : "--metric must be cosine or dot", rc);
        return rc;
    }
    const auto m = args.get_int("--m", 16), efc = args.get_int("--ef-construction", 200),
               seed = args.get_int("--seed", 42), threads = args.get_int("--threads", 0);
    if (!m || !efc || !seed || !threads) return kExitUsage;
    if (*m < 2 || *m > 256 || *efc < 1 || *efc > 100000 || *threads < 0 || *threads > 4096 || *seed < 0) {
        args.usage_error("--m must be in [2, 256], --ef-construction in [1, 100000], --threads and --seed >= 0", rc);
        return rc;
    }
    o.precision = *precision;
    o.metric = *metric;
    o.m = static_cast<std::size_t>(*m);
    o.ef_construction = static_cast<std::size_t>(*efc);
    o.seed = static_cast<std::uint64_t>(*seed);
    o.threads = static_cast<unsigned>(*threads);
    std::size_t model_dim = 0;
    if (args.has("--model")) {
        auto id = model_identity(args.get("--model"));
        if (!id) return fail("build", id.error());
        o.model = id->first;
        model_dim = id->second;
    }
    auto vectors = semvec::read_npy(args.positional()[0]);
    if (!vectors) return fail("build", vectors.error());
    if (model_dim && static_cast<std::size_t>(vectors->cols()) != model_dim)
        return fail("build", semvec::make_error(semvec::ErrorCode::invalid_argument,
                                                "vectors have " + std::to_string(vectors->cols()) + " dimensions but model '" +
                                                    o.model + "' gives " + std::to_string(model_dim),
                                                args.positional()[0]));
    auto index = semvec::Index::build(*vectors, o);
    if (!index) return fail("build", index.error().with_source(args.positional()[0]));
    auto st = index->save(args.positional()[1]);
    if (!st) return fail("build", st.error());
    std::fprintf(stderr, "semvec index build: %zu vectors of %zu dimensions, %s, %zu bytes in memory -> %s\n", index->size(),
                 index->dim(), semvec::to_string(index->precision()), index->memory_bytes(), args.positional()[1].c_str());
    return kExitOk;
}

int index_query(int argc, char** argv) {
    Args args("index query", "Search an index for each row of QUERIES.npy; writes the ids (int64, one row per query,\n"
              "best first, -1 where fewer than k exist) to --out.",
              {{"-k|--top-k", "N", "hits per query", "10"},
               {"--out", "FILE", "ids as int64 .npy (Q x k)", ""},
               {"--scores", "FILE", "the hits' scores as float32 .npy (Q x k; NaN where no hit)", ""},
               {"--ef", "N", "graph search breadth (float32, int8)", "64"},
               {"--rescore", "N", "binary: candidates per hit rescored with int8 (0: max(10, 6000 / dim))", "0"},
               {"--exclude", "FILE", "ids never returned (1-D integer .npy)", ""},
               {"--model", "FILE|NAME", "the model the queries come from (checked against the index)", ""},
               {"--threads", "N", "worker threads, 0 = all cores (results do not depend on it)", "0"}},
              "INDEX QUERIES.npy");
    int rc = kExitOk;
    if (!args.parse(argc, argv, rc)) return rc;
    if (args.positional().size() != 2 || !args.has("--out")) {
        args.usage_error("expected INDEX QUERIES.npy --out IDS.npy", rc);
        return rc;
    }
    const auto k = args.get_int("--top-k", 10), ef = args.get_int("--ef", 64), rescore = args.get_int("--rescore", 0),
               threads = args.get_int("--threads", 0);
    if (!k || !ef || !rescore || !threads) return kExitUsage;
    if (*k < 1 || *k > 100000 || *ef < 1 || *rescore < 0 || *threads < 0 || *threads > 4096) {
        args.usage_error("-k must be in [1, 100000], --ef >= 1, --rescore >= 0, --threads >= 0", rc);
        return rc;
    }
    semvec::IndexLoadOptions expect;
    if (args.has("--model")) {
        auto id = model_identity(args.get("--model"));
        if (!id) return fail("query", id.error());
        expect.model = id->first;
        expect.dim = id->second;
    }
    auto queries = semvec::read_npy(args.positional()[1]);
    if (!queries) return fail("query", queries.error());
    if (!expect.dim) expect.dim = static_cast<std::size_t>(queries->cols());
    auto index = semvec::Index::load(args.positional()[0], expect);
    if (!index) return fail("query", index.error());
    semvec::IndexSearchOptions so;
    so.k = static_cast<std::size_t>(*k);
    so.ef = static_cast<std::size_t>(*ef);
    so.rescore = static_cast<std::size_t>(*rescore);
    so.threads = static_cast<unsigned>(*threads);
    if (args.has("--exclude")) {
        auto ex = semvec::read_npy_ints(args.get("--exclude"));
        if (!ex) return fail("query", ex.error());
        for (auto id : *ex) {
            if (id < 0) return fail("query", semvec::make_error("negative id " + std::to_string(id), args.get("--exclude")));
            so.exclude.push_back(static_cast<std::size_t>(id));
        }
    }
    auto hits = index->search(*queries, so);
    if (!hits) return fail("query", hits.error().with_source(args.positional()[1]));
    const std::size_t Q = hits->size(), K = so.k;
    std::vector<std::int64_t> ids(Q * K, -1);
    std::vector<float> scores(Q * K, std::numeric_limits<float>::quiet_NaN());
    for (std::size_t q = 0; q < Q; ++q)
        for (std::size_t i = 0; i < (*hits)[q].size(); ++i) {
            ids[q * K + i] = static_cast<std::int64_t>((*hits)[q][i].index);
            scores[q * K + i] = (*hits)[q][i].score;
        }
    auto st = write_npy_raw(args.get("--out"), "<i8", ids.data(), 8, Q, K);
    if (!st) return fail("query", st.error());
    if (args.has("--scores")) {
        st = write_npy_raw(args.get("--scores"), "<f4", scores.data(), 4, Q, K);
        if (!st) return fail("query", st.error());
    }
    return kExitOk;
}

int index_info(int argc, char** argv) {
    Args args("index info", "Print what an index file holds.", {}, "INDEX");
    int rc = kExitOk;
    if (!args.parse(argc, argv, rc)) return rc;
    if (args.positional().size() != 1) {
        args.usage_error("expected INDEX", rc);
        return rc;
    }
    auto index = semvec::Index::load(args.positional()[0]);
    if (!index) return fail("info", index.error());
    std::error_code ec;
    const auto file_size = std::filesystem::file_size(args.positional()[0], ec);
    std::printf("index:           %s\n", args.positional()[0].c_str());
    std::printf("model:           %s\n", index->model().empty() ? "(none recorded)" : index->model().c_str());
    std::printf("vectors:         %zu\n", index->size());
    std::printf("dimensions:      %zu\n", index->dim());
    std::printf("precision:       %s\n", semvec::to_string(index->precision()));
    std::printf("metric:          %s\n", semvec::to_string(index->metric()));
    if (index->precision() == semvec::Precision::binary) {
        std::printf("search:          Hamming scan of sign bits, int8 rescoring\n");
    } else {
        std::printf("search:          HNSW, m %zu, ef_construction %zu, %d layers\n", index->m(), index->ef_construction(),
                    index->max_level() + 1);
    }
    std::printf("memory:          %zu bytes (%.1f per vector)\n", index->memory_bytes(),
                index->size() ? static_cast<double>(index->memory_bytes()) / static_cast<double>(index->size()) : 0.0);
    if (!ec) std::printf("file:            %ju bytes\n", static_cast<std::uintmax_t>(file_size));
    return kExitOk;
}

}  // namespace

int cmd_index(int argc, char** argv) {
    const char* usage =
        "usage: semvec index build VECTORS.npy INDEX [--precision float32|int8|binary] [--model FILE|NAME]\n"
        "       semvec index query INDEX QUERIES.npy -k 10 --out IDS.npy\n"
        "       semvec index info INDEX\n"
        "'semvec index SUBCOMMAND --help' documents each one's flags.\n";
    if (argc < 2) {
        std::fputs(usage, stderr);
        return kExitUsage;
    }
    const std::string sub = argv[1];
    if (sub == "--help" || sub == "-h") {
        std::fputs(usage, stdout);
        return kExitOk;
    }
    if (sub == "build") return index_build(argc - 1, argv + 1);
    if (sub == "query") return index_query(argc - 1, argv + 1);
    if (sub == "info") return index_info(argc - 1, argv + 1);
    std::fprintf(stderr, "semvec index: unknown subcommand '%s'\n%s", sub.c_str(), usage);
    return kExitUsage;
}

}  // namespace semvec_cli
