// semvec/topics/topics.hpp — topics of a corpus, BERTopic's recipe without Python: embeddings → UMAP to a few
// dimensions → HDBSCAN → per cluster the top c-TF-IDF words and the texts nearest its centre, plus a 2-D UMAP
// map to draw them on.
//
//   auto vectors = model.encode(texts);
//   auto topics = semvec::find_topics(texts, *vectors);    // Result<TopicModel>
//   for (const auto& t : topics->topics) printf("%d %zu %s\n", t.label, t.size, t.words[0].first.c_str());
//
// Defaults are BERTopic's (0.16): UMAP n_neighbors 15, 5 components, min_dist 0, cosine input distance;
// HDBSCAN min_cluster_size 10 on the 5-D layout (euclidean, excess of mass); c-TF-IDF with English stop
// words; 3 representative texts. The map for drawing is a second UMAP run to 2-D (min_dist 0.1) of the same
// vectors. Deterministic for a seed, whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "ctfidf.hpp"

namespace semvec {

/// Options of find_topics().
struct TopicsOptions {
    /// Dimensions of the layout that HDBSCAN clusters. Default 5.
    int cluster_dims = 5;
    /// UMAP neighbourhood (both layouts); lowered to N − 1 for tiny corpora. Default 15.
    int neighbors = 15;
    /// HDBSCAN's smallest topic. Default 10.
    std::size_t min_cluster_size = 10;
    /// HDBSCAN's core-distance neighbourhood; 0 = min_cluster_size. Default 0.
    std::size_t min_samples = 0;
    /// Top words per topic and stop-word handling. Default: 10 words, English stop words dropped.
    CtfidfOptions words;
    /// Texts kept per topic as its representatives (nearest to the topic's mean vector). Default 3.
    std::size_t representatives = 3;
    /// Random seed of both UMAP runs. Default 42.
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// One topic (or the noise, label −1).
struct Topic {
    std::int32_t label = -1;                            ///< HDBSCAN's label, −1 for the texts in no topic
    std::size_t size = 0;                               ///< texts in it
    std::vector<std::pair<std::string, double>> words;  ///< top c-TF-IDF words, heaviest first
    std::vector<std::size_t> representatives;           ///< indices of the texts nearest its mean vector
    double x = 0, y = 0;                                ///< where to write its name on the map (median of its points)
};

/// The topics of a corpus.
struct TopicModel {
    std::vector<std::int32_t> labels;   ///< topic of each text, −1 = none
    std::vector<float> probabilities;   ///< HDBSCAN membership strength of each text
    Matrix map;                         ///< N×2 layout for drawing
    std::vector<Topic> topics;          ///< ascending labels (the noise first when there is any)
};

/// Finds the topics of `texts` from their `embeddings` (one row per text). Errors (invalid_argument): counts
/// differ, fewer than 3 texts, NaN rows, and whatever UMAP or HDBSCAN reject.
SEMVEC_API Result<TopicModel> find_topics(const std::vector<std::string>& texts, const MatrixView& embeddings,
                                          const TopicsOptions& options = {});

/// A short name for a topic: "3: word word word" (the first `words` top words), or "noise".
SEMVEC_API std::string topic_name(const Topic& topic, std::size_t words = 3);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <map>

#include "../cluster/hdbscan.hpp"
#include "../knn.hpp"
#include "../reduce/umap.hpp"

namespace semvec {

SEMVEC_API std::string topic_name(const Topic& topic, std::size_t words) {
    if (topic.label < 0) return "noise";
    std::string s = std::to_string(topic.label) + ":";
    for (std::size_t w = 0; w < std::min(words, topic.words.size()); ++w) s += " " + topic.words[w].first;
    return s;
}

SEMVEC_API Result<TopicModel> find_topics(const std::vector<std::string>& texts, const MatrixView& embeddings,
                                          const TopicsOptions& options) {
    const std::size_t n = static_cast<std::size_t>(embeddings.rows());
    if (texts.size() != n)
        return make_error(ErrorCode::invalid_argument, "find_topics: " + std::to_string(texts.size()) + " texts but " +
                                                           std::to_string(n) + " embeddings");
    if (n < 3) return make_error(ErrorCode::invalid_argument, "find_topics: needs at least 3 texts, got " + std::to_string(n));
    SEMVEC_TRY_STATUS(detail::check_points(embeddings, "find_topics"));
    TopicModel model;
    UmapOptions uo;
    uo.n_neighbors = std::min<int>(options.neighbors, static_cast<int>(n) - 1);
    uo.metric = Metric::cosine;
    uo.seed = options.seed;
    uo.threads = options.threads;
    uo.dims = std::min<int>(options.cluster_dims, static_cast<int>(n) - 2);
    uo.min_dist = 0.0f;
    auto layout = umap(embeddings, uo);
    if (!layout) return layout.error();
    HdbscanOptions ho;
    ho.min_cluster_size = std::max<std::size_t>(2, std::min(options.min_cluster_size, n));
    ho.min_samples = options.min_samples ? std::min(options.min_samples, n) : std::min(ho.min_cluster_size, n);
    ho.threads = options.threads;
    auto clusters = hdbscan(MatrixView(layout->data(), layout->rows(), layout->cols()), ho);
    if (!clusters) return clusters.error();
    model.labels = std::move(clusters->labels);
    model.probabilities = std::move(clusters->probabilities);
    uo.dims = 2;
    uo.min_dist = 0.1f;
    auto map = umap(embeddings, uo);
    if (!map) return map.error();
    model.map = std::move(*map);

    auto words = ctfidf_top_words(texts, model.labels, options.words);
    if (!words) return words.error();
    // Unit rows, to find each topic's texts nearest its mean direction.
    const Matrix unit = detail::normalized_rows(embeddings);
    for (auto& cw : *words) {
        Topic t;
        t.label = cw.label;
        t.size = cw.documents;
        t.words = std::move(cw.words);
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < n; ++i)
            if (model.labels[i] == t.label) members.push_back(i);
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(unit.cols());
        std::vector<double> xs, ys;
        for (std::size_t i : members) {
            mean += unit.row(static_cast<Eigen::Index>(i)).cast<double>().transpose();
            xs.push_back(model.map(static_cast<Eigen::Index>(i), 0));
            ys.push_back(model.map(static_cast<Eigen::Index>(i), 1));
        }
        std::vector<std::pair<double, std::size_t>> closeness;
        for (std::size_t i : members) closeness.emplace_back(-unit.row(static_cast<Eigen::Index>(i)).cast<double>().dot(mean), i);
        const std::size_t keep = std::min(options.representatives, closeness.size());
        std::partial_sort(closeness.begin(), closeness.begin() + static_cast<std::ptrdiff_t>(keep), closeness.end());
        for (std::size_t r = 0; r < keep; ++r) t.representatives.push_back(closeness[r].second);
        if (!xs.empty()) {
            std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(xs.size() / 2), xs.end());
            std::nth_element(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(ys.size() / 2), ys.end());
            t.x = xs[xs.size() / 2];
            t.y = ys[ys.size() / 2];
        }
        model.topics.push_back(std::move(t));
    }
    return model;
}

}  // namespace semvec
#endif
