// semvec/topics/ctfidf.hpp — the words that set each cluster of texts apart: class-based TF-IDF
// (Grootendorst 2022, BERTopic's c-TF-IDF).
//
//   auto words = semvec::ctfidf_top_words(texts, labels);   // per cluster: (word, weight), best first
//
// All texts of a cluster are one document. A word's weight in cluster c is
//   tf(w, c) / Σ_w' tf(w', c) · ln(1 + A / f(w)),
// tf the word's count in the cluster, f its count over all clusters and A the mean word count per cluster
// (BERTopic's ClassTfidfTransformer with the default settings). Words are lower-cased runs of letters and
// digits of 2 or more bytes (bytes ≥ 0x80 count as letters, so UTF-8 words stay whole); pure numbers and the
// English stop words below are dropped. The noise label −1 is a cluster like the others, as in BERTopic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"

namespace semvec {

/// Options of ctfidf_top_words().
struct CtfidfOptions {
    /// Words kept per cluster. Default 10.
    std::size_t top_words = 10;
    /// Drop common English function words ("the", "and", ...). Default true.
    bool english_stop_words = true;
    /// Words seen fewer times than this over all texts are ignored. Default 1.
    std::size_t min_count = 1;
};

/// The top words of one cluster.
struct ClusterWords {
    std::int32_t label = 0;                               ///< the cluster's label
    std::size_t documents = 0;                            ///< its texts
    std::vector<std::pair<std::string, double>> words;    ///< (word, c-TF-IDF weight), heaviest first, ties by word
};

/// The c-TF-IDF top words of every label (ascending labels, −1 first when present). Errors
/// (invalid_argument): texts and labels differ in number, no texts.
SEMVEC_API Result<std::vector<ClusterWords>> ctfidf_top_words(const std::vector<std::string>& texts,
                                                              const std::vector<std::int32_t>& labels,
                                                              const CtfidfOptions& options = {});

/// The words of `text` as ctfidf_top_words() counts them (lower-cased, stop words dropped when asked).
SEMVEC_API std::vector<std::string> ctfidf_words(const std::string& text, bool english_stop_words = true);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace semvec {
namespace detail {

/// Common English function words (articles, pronouns, auxiliaries, prepositions, conjunctions, frequent
/// adverbs), plus the reporting verbs and HTML-entity leftovers that dominate news text without telling topics apart.
inline const std::unordered_set<std::string_view>& english_stop_words() {
    static const std::unordered_set<std::string_view> words = {
        "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost", "alone", "along",
        "already", "also", "although", "always", "am", "among", "amongst", "an", "and", "another", "any", "anyhow",
        "anyone", "anything", "anyway", "anywhere", "are", "around", "as", "at", "back", "be", "became", "because",
        "become", "becomes", "been", "before", "behind", "being", "below", "beside", "besides", "between", "beyond",
        "both", "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "down", "due", "during",
        "each", "either", "else", "elsewhere", "enough", "etc", "even", "ever", "every", "everyone", "everything",
        "everywhere", "except", "few", "for", "former", "formerly", "from", "further", "get", "gets", "got", "had",
        "has", "have", "having", "he", "hence", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "however", "i", "if", "in", "indeed", "into", "is", "it", "its", "itself", "just", "last", "latter", "least",
        "less", "made", "make", "many", "may", "me", "meanwhile", "might", "more", "moreover", "most", "mostly",
        "much", "must", "my", "myself", "neither", "never", "nevertheless", "next", "no", "nobody", "none", "nor",
        "not", "nothing", "now", "nowhere", "of", "off", "often", "on", "once", "one", "only", "onto", "or", "other",
        "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own", "per", "perhaps", "put", "rather",
        "re", "same", "see", "seem", "seemed", "seems", "several", "she", "should", "since", "so", "some", "somehow",
        "someone", "something", "sometimes", "somewhere", "still", "such", "than", "that", "the", "their", "theirs",
        "them", "themselves", "then", "there", "thereafter", "thereby", "therefore", "these", "they", "this",
        "those", "though", "through", "throughout", "thus", "to", "together", "too", "toward", "towards", "under",
        "until", "up", "upon", "us", "very", "via", "was", "we", "well", "were", "what", "whatever", "when",
        "whenever", "where", "whereas", "wherever", "whether", "which", "while", "who", "whoever", "whole", "whom",
        "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself",
        "yourselves", "said", "says", "say", "new", "first", "two", "three", "year", "years", "week", "today",
        "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "s", "t", "ll",
        "ve", "d", "m", "don", "doesn", "didn", "isn", "wasn", "won", "quot", "amp", "lt", "gt", "nbsp", "href",
        "http", "www", "com", "reuters", "ap", "afp", "like", "take", "takes", "took", "time", "way"};
    return words;
}

}  // namespace detail

SEMVEC_API std::vector<std::string> ctfidf_words(const std::string& text, bool english_stop_words) {
    std::vector<std::string> out;
    std::string cur;
    bool digits_only = true;
    auto flush = [&]() {
        if (cur.size() >= 2 && !digits_only && (!english_stop_words || !detail::english_stop_words().count(cur)))
            out.push_back(cur);
        cur.clear();
        digits_only = true;
    };
    for (char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
        const bool digit = c >= '0' && c <= '9';
        if (letter || digit) {
            cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
            digits_only = digits_only && digit;
        } else {
            flush();
        }
    }
    flush();
    return out;
}

SEMVEC_API Result<std::vector<ClusterWords>> ctfidf_top_words(const std::vector<std::string>& texts,
                                                              const std::vector<std::int32_t>& labels,
                                                              const CtfidfOptions& options) {
    if (texts.size() != labels.size())
        return make_error(ErrorCode::invalid_argument, "ctfidf_top_words: " + std::to_string(texts.size()) + " texts but " +
                                                           std::to_string(labels.size()) + " labels");
    if (texts.empty()) return make_error(ErrorCode::invalid_argument, "ctfidf_top_words: no texts");
    std::map<std::int32_t, std::size_t> cluster_of;
    for (auto l : labels) cluster_of.emplace(l, 0);
    std::vector<ClusterWords> out;
    for (auto& kv : cluster_of) {
        kv.second = out.size();
        out.push_back(ClusterWords{kv.first, 0, {}});
    }
    const std::size_t K = out.size();
    std::unordered_map<std::string, std::size_t> vocab;
    std::vector<std::vector<double>> tf(K);  // tf[c][word id]
    std::vector<double> total;               // f(w)
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::size_t c = cluster_of[labels[i]];
        ++out[c].documents;
        for (auto& w : ctfidf_words(texts[i], options.english_stop_words)) {
            const auto id = vocab.emplace(std::move(w), vocab.size()).first->second;
            if (id >= total.size()) total.resize(id + 1, 0.0);
            if (id >= tf[c].size()) tf[c].resize(id + 1, 0.0);
            tf[c][id] += 1;
            total[id] += 1;
        }
    }
    std::vector<std::string> word_of(vocab.size());
    for (const auto& kv : vocab) word_of[kv.second] = kv.first;
    double all = 0;
    for (double t : total) all += t;
    // BERTopic: A = int(mean words per class).
    const double A = std::floor(all / static_cast<double>(K));
    for (std::size_t c = 0; c < K; ++c) {
        double size = 0;
        for (double t : tf[c]) size += t;
        if (size == 0) continue;
        std::vector<std::pair<double, std::size_t>> scored;
        for (std::size_t w = 0; w < tf[c].size(); ++w) {
            if (tf[c][w] == 0 || total[w] < static_cast<double>(options.min_count)) continue;
            scored.emplace_back(tf[c][w] / size * std::log(1.0 + A / total[w]), w);
        }
        const std::size_t keep = std::min(options.top_words, scored.size());
        std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end(),
                          [&](const auto& a, const auto& b) {
                              return a.first > b.first || (a.first == b.first && word_of[a.second] < word_of[b.second]);
                          });
        for (std::size_t t = 0; t < keep; ++t) out[c].words.emplace_back(word_of[scored[t].second], scored[t].first);
    }
    return out;
}

}  // namespace semvec
#endif
