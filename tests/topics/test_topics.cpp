#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <semvec/cluster/metrics.hpp>
#include <semvec/recommend.hpp>
#include <semvec/reduce/common.hpp>
#include <semvec/topics/ctfidf.hpp>
#include <semvec/topics/topics.hpp>

namespace {
Eigen::Map<const semvec::Matrix> view(const semvec::Matrix& m) { return {m.data(), m.rows(), m.cols()}; }

/// Texts about three subjects and matching vectors: three tight directions in 16-D plus noise.
void corpus(std::vector<std::string>& texts, semvec::Matrix& X, std::vector<std::int32_t>& truth) {
    const char* words[3][4] = {{"football", "goal", "match", "league"},
                               {"stocks", "market", "shares", "profit"},
                               {"rocket", "orbit", "nasa", "launch"}};
    semvec::detail::Random rng(3);
    X.resize(90, 16);
    texts.clear();
    truth.clear();
    for (int i = 0; i < 90; ++i) {
        const int c = i % 3;
        std::string t = "The ";
        for (int w = 0; w < 3; ++w) t += std::string(words[c][static_cast<std::size_t>(rng.below(4))]) + " and the ";
        t += "42 report";
        texts.push_back(t);
        truth.push_back(c);
        for (int j = 0; j < 16; ++j) X(i, j) = static_cast<float>((j % 3 == c ? 1.0 : 0.0) + 0.05 * rng.normal());
    }
}
}  // namespace

TEST_CASE("c-TF-IDF names each cluster by its own words", "[topics]") {
    const std::vector<std::string> texts = {"Cats and dogs", "the cat sat", "Dogs bark at cats", "stock markets fell",
                                            "market shares rose", "the stock market", "and the"};
    const std::vector<std::int32_t> labels = {0, 0, 0, 1, 1, 1, -1};
    auto words = semvec::ctfidf_top_words(texts, labels);
    REQUIRE(words.ok());
    REQUIRE(words->size() == 3);
    CHECK((*words)[0].label == -1);
    CHECK((*words)[0].words.empty());  // stop words only
    CHECK((*words)[1].documents == 3);
    CHECK((*words)[1].words[0].first == "cats");
    CHECK((*words)[2].words[0].first == "market");
    // weight = tf / |cluster| · ln(1 + A / f): "market" is 2 of cluster 1's 8 words (stock markets fell /
    // market shares rose / stock market), A = floor(15 words / 3 clusters) = 5, f = 2, so 2/8 · ln(1 + 5/2);
    // "stock" ties with it and the tie goes to the alphabetically first word.
    CHECK((*words)[2].words[0].second == Approx(2.0 / 8.0 * std::log(1.0 + 5.0 / 2.0)));
    CHECK(semvec::ctfidf_words("The U.S. 2004 Olympics' gold-medal, 39;s") ==
          std::vector<std::string>{"olympics", "gold", "medal"});
    CHECK_FALSE(semvec::ctfidf_top_words(texts, {0, 1}).ok());
}

TEST_CASE("find_topics recovers three subjects with their words", "[topics]") {
    std::vector<std::string> texts;
    semvec::Matrix X;
    std::vector<std::int32_t> truth;
    corpus(texts, X, truth);
    semvec::TopicsOptions o;
    o.threads = 2;
    auto t = semvec::find_topics(texts, view(X), o);
    REQUIRE(t.ok());
    CHECK(*semvec::adjusted_rand_index(truth, t->labels) > 0.9);
    CHECK(t->map.rows() == 90);
    CHECK(t->map.cols() == 2);
    std::size_t named = 0;
    for (const auto& topic : t->topics) {
        if (topic.label < 0) continue;
        ++named;
        REQUIRE(!topic.words.empty());
        CHECK(topic.representatives.size() == 3);
        CHECK(semvec::topic_name(topic).find(topic.words[0].first) != std::string::npos);
        for (std::size_t r : topic.representatives) CHECK(t->labels[r] == topic.label);
    }
    CHECK(named == 3);
    // Thread count does not matter.
    o.threads = 1;
    auto one = semvec::find_topics(texts, view(X), o);
    REQUIRE(one.ok());
    CHECK(one->labels == t->labels);
    CHECK(one->map == t->map);
}

TEST_CASE("find_topics rejects mismatched or tiny input", "[topics]") {
    semvec::Matrix X = semvec::Matrix::Random(5, 4);
    CHECK_FALSE(semvec::find_topics({"a", "b"}, view(X)).ok());
    const semvec::Matrix two = X.topRows(2);
    CHECK_FALSE(semvec::find_topics({"a", "b"}, view(two)).ok());
    X(2, 1) = std::numeric_limits<float>::quiet_NaN();
    auto n = semvec::find_topics({"a", "b", "c", "d", "e"}, view(X));
    REQUIRE_FALSE(n.ok());
    CHECK(n.error().code == semvec::ErrorCode::invalid_argument);
}

TEST_CASE("recommend lists the unseen items nearest the user", "[recommend]") {
    semvec::Matrix items(6, 2);
    items << 1, 0, 0.99f, 0.1f, 0.98f, 0.12f, 0.97f, 0.14f, 0, 1, -1, 0;
    semvec::RecommendOptions o;
    o.k = 3;
    auto hits = semvec::recommend(view(items), {0}, o);
    REQUIRE(hits.ok());
    REQUIRE(hits->size() == 3);
    CHECK((*hits)[0].index == 1);
    CHECK((*hits)[1].index == 2);
    CHECK((*hits)[2].index == 3);
    o.exclude_seen = false;
    CHECK((*semvec::recommend(view(items), {0}, o))[0].index == 0);
}

TEST_CASE("maximal marginal relevance trades near-duplicates for variety", "[recommend]") {
    semvec::Matrix items(5, 2);
    items << 1, 0, 0.95f, 0.31f, 0.95f, 0.3f, 0.94f, 0.32f, 0.6f, -0.8f;
    semvec::RecommendOptions o;
    o.k = 2;
    auto plain = semvec::recommend(view(items), {0}, o);
    REQUIRE(plain.ok());
    CHECK((*plain)[1].index != 4);  // the near-duplicates come first
    o.diversity = 0.7;
    auto varied = semvec::recommend(view(items), {0}, o);
    REQUIRE(varied.ok());
    CHECK((*varied)[0].index == (*plain)[0].index);
    CHECK((*varied)[1].index == 4);  // the different one moves up
}

TEST_CASE("the user vector is the (recency-weighted) mean direction of the history", "[recommend]") {
    semvec::Matrix items(3, 2);
    items << 2, 0, 0, 3, 0, -1;
    auto mean = semvec::user_vector(view(items), {0, 1});
    REQUIRE(mean.ok());
    CHECK((*mean)(0, 0) == Approx(std::sqrt(0.5)));
    CHECK((*mean)(0, 1) == Approx(std::sqrt(0.5)));
    auto recent = semvec::user_vector(view(items), {0, 1}, semvec::UserProfile::recency, 1.0);
    REQUIRE(recent.ok());
    CHECK((*recent)(0, 1) > (*recent)(0, 0));  // item 1 is the most recent
    auto zero = semvec::user_vector(view(items), {1, 2, 2, 2});
    CHECK(zero.ok());
    CHECK_FALSE(semvec::user_vector(view(items), {}).ok());
    auto out = semvec::user_vector(view(items), {7});
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == semvec::ErrorCode::invalid_argument);
    semvec::RecommendOptions o;
    o.diversity = 1.5;
    CHECK_FALSE(semvec::recommend(view(items), {0}, o).ok());
}
