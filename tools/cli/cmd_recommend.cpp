// tools/cli/cmd_recommend.cpp — `semvec recommend`: "more like these" from a list of items and what a user liked.
#include <cstdio>
#include <string>

#include <semvec/model/model.hpp>
#include <semvec/recommend.hpp>

#include "apps_support.hpp"
#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {

namespace {

/// "3,17,42" → {3, 17, 42} (1-based line numbers); false on anything else.
bool parse_ids(const std::string& s, std::vector<std::size_t>& out) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = i;
        unsigned long long v = 0;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9' && v < (1ULL << 40)) v = v * 10 + static_cast<unsigned>(s[j++] - '0');
        if (j == i || v == 0) return false;
        out.push_back(static_cast<std::size_t>(v));
        if (j < s.size() && s[j] != ',') return false;
        i = j + 1;
    }
    return !out.empty();
}

}  // namespace

int cmd_recommend(int argc, char** argv) {
    Args args("recommend",
              "Recommend items like the ones a user liked: every line of --items is an item; --liked gives line\n"
              "numbers (1-based, comma-separated), --user-history a file of line numbers, oldest first. The user is\n"
              "the mean (or --recency weighted mean) of their items' vectors; the nearest unseen items are listed,\n"
              "re-ranked by maximal marginal relevance with --diversity > 0 so that they are not near-duplicates.",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--items", "FILE", "items, one text per line", ""},
               {"--liked", "IDS", "line numbers of liked items, e.g. 3,17,42", ""},
               {"--user-history", "FILE", "line numbers of liked items, one per line, oldest first", ""},
               {"-k|--top-k", "N", "items to recommend", "10"},
               {"--diversity", "X", "0 = most similar first; up to 1 = more varied (maximal marginal relevance)", "0"},
               {"--recency", "N", "weigh recent items more: an item's weight halves every N newer items", ""},
               {"--include-seen", "", "do not leave out the liked items", ""},
               {"--threads", "N", "worker threads (0: all cores)", "0"}});
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (!args.has("--model") || !args.has("--items")) {
        args.usage_error("--model FILE and --items FILE are required", code);
        return code;
    }
    if (args.has("--liked") == args.has("--user-history")) {
        args.usage_error("give exactly one of --liked IDS and --user-history FILE", code);
        return code;
    }
    const auto k = args.get_int("--top-k", 10), threads = args.get_int("--threads", 0);
    const auto diversity = args.get_double("--diversity", 0), recency = args.get_double("--recency", 5);
    if (!k || !threads || !diversity || !recency) return kExitUsage;
    if (*k < 1 || *threads < 0 || *diversity < 0 || *diversity > 1 || *recency <= 0) {
        args.usage_error("-k must be >= 1, --diversity within [0, 1], --recency > 0, --threads >= 0", code);
        return code;
    }
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec recommend: %s\n", e.what().c_str());
        return kExitInputError;
    };
    const std::string items_path = args.get("--items");
    auto items = read_lines(items_path, "items");
    if (!items) return fail(items.error());
    std::vector<std::size_t> lines;
    if (args.has("--liked")) {
        if (!parse_ids(args.get("--liked"), lines)) {
            args.usage_error("--liked expects 1-based line numbers separated by commas, got '" + args.get("--liked") + "'", code);
            return code;
        }
    } else {
        auto h = read_int_labels(args.get("--user-history"));
        if (!h) return fail(h.error());
        for (auto v : *h) {
            if (v < 1) return fail(semvec::make_error(semvec::ErrorCode::invalid_data, "line numbers start at 1, got " + std::to_string(v),
                                                      args.get("--user-history")));
            lines.push_back(static_cast<std::size_t>(v));
        }
    }
    std::vector<std::size_t> history;
    for (std::size_t l : lines) {
        if (l > items->size())
            return fail(semvec::make_error(semvec::ErrorCode::invalid_argument, "liked line " + std::to_string(l) + " is past the last item (" +
                                                                                    std::to_string(items->size()) + ")", items_path));
        history.push_back(l - 1);
    }
    auto model = semvec::load_model(args.get("--model"));
    if (!model) return fail(model.error());
    semvec::EncodeOptions eo;
    eo.threads = static_cast<unsigned>(*threads);
    auto vectors = model->encode(*items, eo);
    if (!vectors) return fail(vectors.error().with_source(items_path));
    semvec::RecommendOptions ro;
    ro.k = static_cast<std::size_t>(*k);
    ro.diversity = *diversity;
    ro.exclude_seen = !args.has("--include-seen");
    ro.threads = static_cast<unsigned>(*threads);
    if (args.has("--recency")) {
        ro.profile = semvec::UserProfile::recency;
        ro.half_life = *recency;
    }
    auto hits = semvec::recommend(view_of(*vectors), history, ro);
    if (!hits) return fail(hits.error().with_source(items_path));
    std::printf("liked:\n");
    for (std::size_t l : lines) std::printf("  %6zu  %s\n", l, (*items)[l - 1].c_str());
    std::printf("recommended:\n");
    for (std::size_t r = 0; r < hits->size(); ++r)
        std::printf("%3zu %6zu  %.4f  %s\n", r + 1, (*hits)[r].index + 1, (*hits)[r].score, (*items)[(*hits)[r].index].c_str());
    return kExitOk;
}

}  // namespace semvec_cli
