// tools/cli/cmd_topics.cpp — `semvec topics`: BERTopic-style topics of a corpus drawn as an interactive map.
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include <semvec/cluster/metrics.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/model/model.hpp>
#include <semvec/plot/html.hpp>
#include <semvec/topics/topics.hpp>
#include <semvec/util/file_io.hpp>

#include "apps_support.hpp"
#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {

namespace {

std::string without_extension(const std::string& path) {
    const auto dot = path.find_last_of('.'), slash = path.find_last_of("/\\");
    return dot == std::string::npos || (slash != std::string::npos && dot < slash) ? path : path.substr(0, dot);
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return s;
}

}  // namespace

int cmd_topics(int argc, char** argv) {
    Args args("topics",
              "Topics of a corpus, as BERTopic finds them: embed every line, UMAP to 5-D, HDBSCAN, and name each cluster\n"
              "by its top c-TF-IDF words. Writes an HTML map (a 2-D UMAP) coloured by topic with the names drawn on it\n"
              "(noise in grey), and side files OUT.topics.json and OUT.topics.tsv (sizes, words, representative texts).",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--corpus", "FILE", "texts, one per line ('-' reads stdin)", ""},
               {"--labels", "FILE", "gold labels (one per line): report ARI and NMI of the topics against them", ""},
               {"--min-cluster-size", "N", "HDBSCAN: smallest topic", "10"},
               {"--min-samples", "N", "HDBSCAN: core-distance neighbourhood (0: min-cluster-size)", "0"},
               {"--neighbors", "K", "UMAP neighbourhood", "15"},
               {"--dims", "N", "dimensions of the layout HDBSCAN clusters", "5"},
               {"--words", "N", "top words kept per topic", "10"},
               {"--seed", "N", "random seed of the UMAP runs", "42"},
               {"--threads", "N", "worker threads (0: all cores)", "0"},
               {"--title", "STR", "title of the page", "the corpus name"},
               {"--save-labels", "FILE", "also write the topic of each text as int32 .npy (-1 = noise)", ""},
               {"--save-vectors", "FILE", "also write the vectors as float32 .npy", ""}},
              "OUT.html");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (args.positional().size() != 1 || extension_of(args.positional()[0]) != ".html") {
        args.usage_error("expected one OUT.html", code);
        return code;
    }
    if (!args.has("--model") || !args.has("--corpus")) {
        args.usage_error("--model FILE and --corpus FILE are required", code);
        return code;
    }
    const auto mcs = args.get_int("--min-cluster-size", 10), ms = args.get_int("--min-samples", 0),
               neighbors = args.get_int("--neighbors", 15), dims = args.get_int("--dims", 5), words = args.get_int("--words", 10),
               seed = args.get_int("--seed", 42), threads = args.get_int("--threads", 0);
    if (!mcs || !ms || !neighbors || !dims || !words || !seed || !threads) return kExitUsage;
    if (*mcs < 2 || *ms < 0 || *neighbors < 2 || *dims < 1 || *words < 1 || *threads < 0) {
        args.usage_error("--min-cluster-size and --neighbors must be >= 2, --dims and --words >= 1, --min-samples and --threads >= 0", code);
        return code;
    }
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec topics: %s\n", e.what().c_str());
        return kExitInputError;
    };
    const std::string out = args.positional()[0], corpus = args.get("--corpus");
    auto texts = read_lines(corpus, "texts");
    if (!texts) return fail(texts.error());
    std::vector<std::string> gold;
    if (args.has("--labels")) {
        auto g = read_lines(args.get("--labels"), "labels", texts->size());
        if (!g) return fail(g.error());
        gold = std::move(*g);
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto model = semvec::load_model(args.get("--model"));
    if (!model) return fail(model.error());
    semvec::EncodeOptions eo;
    eo.threads = static_cast<unsigned>(*threads);
    auto vectors = model->encode(*texts, eo);
    if (!vectors) return fail(vectors.error().with_source(corpus));
    if (args.has("--save-vectors")) {
        auto st = semvec::write_npy(args.get("--save-vectors"), *vectors);
        if (!st) return fail(st.error());
    }
    const double embed_s = seconds_since(t0);
    semvec::TopicsOptions to;
    to.min_cluster_size = static_cast<std::size_t>(*mcs);
    to.min_samples = static_cast<std::size_t>(*ms);
    to.neighbors = static_cast<int>(*neighbors);
    to.cluster_dims = static_cast<int>(*dims);
    to.words.top_words = static_cast<std::size_t>(*words);
    to.seed = static_cast<std::uint64_t>(*seed);
    to.threads = static_cast<unsigned>(*threads);
    const auto t1 = std::chrono::steady_clock::now();
    auto topics = semvec::find_topics(*texts, view_of(*vectors), to);
    if (!topics) return fail(topics.error().with_source(corpus));
    const double topics_s = seconds_since(t1);
    if (args.has("--save-labels")) {
        auto st = write_int32_npy(args.get("--save-labels"), topics->labels);
        if (!st) return fail(st.error());
    }

    // Agreement with gold labels.
    nlohmann::json report;
    report["texts"] = texts->size();
    report["corpus"] = corpus;
    if (!gold.empty()) {
        std::map<std::string, std::int32_t> ids;
        std::vector<std::int32_t> g;
        for (const auto& l : gold) g.push_back(ids.emplace(l, static_cast<std::int32_t>(ids.size())).first->second);
        const double ari = *semvec::adjusted_rand_index(g, topics->labels), nmi = *semvec::normalized_mutual_info(g, topics->labels);
        report["gold"] = {{"classes", ids.size()}, {"ari", ari}, {"nmi", nmi}};
        std::printf("against %zu gold labels: ARI %.4f, NMI %.4f\n", ids.size(), ari, nmi);
    }

    // The page: one legend entry per topic, names on the map, noise grey.
    std::map<std::int32_t, std::string> name;
    semvec::PlotOptions plot;
    for (const auto& t : topics->topics) {
        name[t.label] = semvec::topic_name(t);
        if (t.label < 0) continue;
        std::string short_name;
        for (std::size_t w = 0; w < std::min<std::size_t>(3, t.words.size()); ++w) short_name += (w ? " " : "") + t.words[w].first;
        plot.annotations.push_back({t.x, t.y, short_name});
    }
    plot.label_colors["noise"] = "#c4c4c4";
    for (auto l : topics->labels) plot.labels.push_back(name[l]);
    plot.texts = *texts;
    plot.title = args.has("--title") ? args.get("--title") : corpus.substr(corpus.find_last_of("/\\") + 1) + " \xC2\xB7 topics";
    auto st = semvec::write_html(out, topics->map, plot);
    if (!st) return fail(st.error());

    // Side files.
    std::size_t clusters = 0, noise = 0;
    std::string tsv = "topic\tsize\twords\trepresentative\n";
    report["topics"] = nlohmann::json::array();
    for (const auto& t : topics->topics) {
        if (t.label < 0) noise = t.size;
        else ++clusters;
        nlohmann::json j;
        j["label"] = t.label;
        j["size"] = t.size;
        j["name"] = name[t.label];
        j["words"] = nlohmann::json::array();
        for (const auto& [w, weight] : t.words) j["words"].push_back({w, weight});
        j["representatives"] = nlohmann::json::array();
        for (std::size_t r : t.representatives) j["representatives"].push_back({{"line", r + 1}, {"text", (*texts)[r]}});
        report["topics"].push_back(j);
        std::string ws;
        for (const auto& [w, weight] : t.words) ws += (ws.empty() ? "" : " ") + w;
        tsv += std::to_string(t.label) + "\t" + std::to_string(t.size) + "\t" + ws + "\t" +
               (t.representatives.empty() ? "" : one_line((*texts)[t.representatives[0]])) + "\n";
    }
    report["clusters"] = clusters;
    report["noise"] = noise;
    const std::string base = without_extension(out);
    st = semvec::detail::write_file_atomic(base + ".topics.json", report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    if (!st) return fail(st.error());
    st = semvec::detail::write_file_atomic(base + ".topics.tsv", tsv);
    if (!st) return fail(st.error());
    std::printf("%zu texts: %zu topics, %zu in no topic (embedding %.1f s, topics %.1f s)\n", texts->size(), clusters, noise,
                embed_s, topics_s);
    for (const auto& t : topics->topics)
        if (t.label >= 0) std::printf("%6zu  %s\n", t.size, name[t.label].c_str());
    std::printf("%s\n%s.topics.json\n%s.topics.tsv\n", out.c_str(), base.c_str(), base.c_str());
    return kExitOk;
}

}  // namespace semvec_cli
