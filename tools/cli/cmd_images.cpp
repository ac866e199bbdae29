// tools/cli/cmd_images.cpp — the image side of the CLI: `semvec embed --images`, `semvec search --images` and
// `semvec classify-image`. All the work is semvec::VisionModel (semvec/vision/vision_model.hpp).
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <semvec/io/npy.hpp>
#include <semvec/io/text_table.hpp>
#include <semvec/model/model.hpp>
#include <semvec/nn/pooling.hpp>
#include <semvec/search.hpp>
#include <semvec/vision/decode.hpp>
#include <semvec/vision/vision_model.hpp>
#include <semvec/util/numbers.hpp>
#include <semvec/util/file_io.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "image_inputs.hpp"

namespace semvec_cli {

namespace {

int fail(const char* cmd, const semvec::Error& e) {
    std::fprintf(stderr, "semvec %s: %s\n", cmd, e.what().c_str());
    return kExitInputError;
}

bool threads_ok(Args& args, long long& threads, int& code) {
    const auto t = args.get_int("--threads", 0);
    if (!t) { code = kExitUsage; return false; }
    if (*t < 0 || *t > 4096) { args.usage_error("--threads must be in [0, 4096]", code); return false; }
    threads = *t;
    return true;
}

}  // namespace

int cmd_embed_images(int argc, char** argv) {
    Args args("embed --images", "Embed image files (PNG, JPEG, BMP) with an image model. A folder is read recursively in\n"
              "sorted order; files are taken in the order given. Unreadable files are reported, skipped and counted.\n"
              "Writes float32 .npy (N x D), .tsv, or TSV on stdout; --paths-out lists the embedded files, one per row.",
              {{"--model", "FILE", "semvec image model file (scripts/convert.py on a .tflite, TF.js manifest or torchvision folder)", ""},
               {"--images", "", "embed images (the arguments are folders or files)", ""},
               {"--normalize", "", "L2-normalize every vector", "the model's"},
               {"--threads", "N", "worker threads, 0 = all cores (output does not depend on it)", "0"},
               {"--out", "FILE", "output .npy or .tsv; TSV on stdout when absent", ""},
               {"--paths-out", "FILE", "write the embedded files' paths, one per line, in row order", ""}},
              "DIR|FILES...");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    long long threads = 0;
    if (!threads_ok(args, threads, code)) return code;
    if (!args.has("--model") || args.positional().empty()) {
        args.usage_error("--model FILE and at least one folder or image file are required", code);
        return code;
    }
    const std::string out = args.get("--out");
    const auto ext = out.size() >= 4 ? out.substr(out.size() - 4) : std::string();
    if (!out.empty() && ext != ".npy" && ext != ".tsv") {
        args.usage_error("--out must end in .npy or .tsv: " + out, code);
        return code;
    }
    auto paths = list_images(args.positional());
    if (!paths) return fail("embed", paths.error());
    auto model = semvec::load_model(args.get("--model"));
    if (!model) return fail("embed", model.error());
    const std::size_t total = paths->size();
    auto m = embed_image_files(*model, *paths, static_cast<unsigned>(threads), "embed");
    if (!m) return fail("embed", m.error());
    if (args.has("--normalize")) semvec::nn::l2_normalize(m->data(), static_cast<std::size_t>(m->rows()), static_cast<std::size_t>(m->cols()),
                                                          static_cast<std::size_t>(m->cols()));
    std::fprintf(stderr, "semvec embed: %zu of %zu images embedded into %ld dimensions\n", paths->size(), total, static_cast<long>(m->cols()));
    if (args.has("--paths-out")) {
        std::string list;
        for (const auto& p : *paths) list += p + "\n";
        auto written = semvec::detail::write_file_atomic(args.get("--paths-out"), list);
        if (!written) return fail("embed", written.error());
    }
    semvec::Status st;
    if (ext == ".npy") st = semvec::write_npy(out, *m);
    else if (ext == ".tsv") st = semvec::write_text_table(out, *m, '\t');
    else
        for (Eigen::Index i = 0; i < m->rows(); ++i) {
            std::string line;
            for (Eigen::Index j = 0; j < m->cols(); ++j) {
                if (j) line += '\t';
                semvec::detail::append_general(line, static_cast<double>((*m)(i, j)), 9);  // "%.9g", any C locale
            }
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
    if (!st) return fail("embed", st.error());
    return kExitOk;
}

int cmd_search_images(int argc, char** argv) {
    Args args("search --images", "Find the images of a folder nearest to query images (cosine similarity of their vectors).",
              {{"--model", "FILE", "semvec image model file", ""},
               {"--images", "DIR", "folder (recursive) or file of images to search", ""},
               {"--query", "FILE", "query image (repeatable as further arguments)", ""},
               {"-k|--top-k", "N", "results per query", "10"},
               {"--threads", "N", "worker threads (0: all cores)", "0"}},
              "[QUERY_IMAGE...]");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    long long threads = 0;
    if (!threads_ok(args, threads, code)) return code;
    const auto k = args.get_int("--top-k", 10);
    if (!k) return kExitUsage;
    std::vector<std::string> queries = args.positional();
    if (args.has("--query")) queries.insert(queries.begin(), args.get("--query"));
    if (!args.has("--model") || queries.empty() || *k < 1) {
        args.usage_error("--model FILE, --images DIR and at least one query image are required; -k >= 1", code);
        return code;
    }
    auto paths = list_images({args.get("--images")});
    if (!paths) return fail("search", paths.error());
    auto model = semvec::load_model(args.get("--model"));
    if (!model) return fail("search", model.error());
    auto corpus = embed_image_files(*model, *paths, static_cast<unsigned>(threads), "search");
    if (!corpus) return fail("search", corpus.error());
    std::vector<std::string> qpaths = queries;
    auto qv = embed_image_files(*model, qpaths, static_cast<unsigned>(threads), "search");
    if (!qv) return fail("search", qv.error());
    if (qpaths.size() != queries.size()) return fail("search", semvec::make_error(semvec::ErrorCode::invalid_data, "a query image could not be read"));
    semvec::TopKOptions topt;
    topt.k = static_cast<std::size_t>(*k);
    topt.threads = static_cast<unsigned>(threads);
    auto hits = semvec::top_k(*qv, *corpus, topt);
    if (!hits) return fail("search", hits.error());
    for (std::size_t q = 0; q < queries.size(); ++q) {
        std::printf("%squery: %s\n", q ? "\n" : "", queries[q].c_str());
        for (std::size_t r = 0; r < (*hits)[q].size(); ++r)
            std::printf("%4zu  %.4f  %s\n", r + 1, static_cast<double>((*hits)[q][r].score), (*paths)[(*hits)[q][r].index].c_str());
    }
    return kExitOk;
}

int cmd_classify_image(int argc, char** argv) {
    Args args("classify-image", "Print the top-k classes of each image with a classifier image model (e.g. Coral's MobileNet V2).",
              {{"--model", "FILE", "semvec image model file with a classifier output", ""},
               {"-k|--top-k", "N", "classes per image", "5"},
               {"--threads", "N", "worker threads (0: all cores)", "0"}},
              "IMAGE|DIR...");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    long long threads = 0;
    if (!threads_ok(args, threads, code)) return code;
    const auto k = args.get_int("--top-k", 5);
    if (!k) return kExitUsage;
    if (!args.has("--model") || args.positional().empty() || *k < 1) {
        args.usage_error("--model FILE and at least one image are required; -k >= 1", code);
        return code;
    }
    auto paths = list_images(args.positional());
    if (!paths) return fail("classify-image", paths.error());
    auto model = semvec::load_model(args.get("--model"));
    if (!model) return fail("classify-image", model.error());
    if (!model->is_image_model() || !model->vision()->num_classes())
        return fail("classify-image", semvec::make_error(semvec::ErrorCode::unsupported, "the model has no classifier output", args.get("--model")));
    const auto* v = model->vision();
    semvec::ImageEncodeOptions o;
    o.threads = static_cast<unsigned>(threads);
    std::size_t bad = 0;
    for (const auto& p : *paths) {
        auto img = semvec::read_image(p);
        if (!img) {
            std::fprintf(stderr, "semvec classify-image: skipped %s\n", img.error().what().c_str());
            ++bad;
            continue;
        }
        auto out = v->classify({*img}, o);
        if (!out) return fail("classify-image", out.error().with_source(p));
        std::vector<std::size_t> idx(static_cast<std::size_t>(out->cols()));
        std::iota(idx.begin(), idx.end(), 0);
        const std::size_t kk = std::min<std::size_t>(static_cast<std::size_t>(*k), idx.size());
        std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(kk), idx.end(),
                          [&](std::size_t a, std::size_t b) { return (*out)(0, static_cast<Eigen::Index>(a)) > (*out)(0, static_cast<Eigen::Index>(b)) || ((*out)(0, static_cast<Eigen::Index>(a)) == (*out)(0, static_cast<Eigen::Index>(b)) && a < b); });
        std::printf("%s\n", p.c_str());
        for (std::size_t r = 0; r < kk; ++r) {
            const std::size_t c = idx[r];
            std::printf("  %zu  %.4f  %zu %s\n", r + 1, static_cast<double>((*out)(0, static_cast<Eigen::Index>(c))), c,
                        c < v->labels().size() ? v->labels()[c].c_str() : "");
        }
    }
    if (bad) std::fprintf(stderr, "semvec classify-image: %zu of %zu files could not be read and were skipped\n", bad, paths->size());
    return bad == paths->size() ? kExitInputError : kExitOk;
}

}  // namespace semvec_cli
