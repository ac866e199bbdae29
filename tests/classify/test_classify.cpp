#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <semvec/classify/cross_validation.hpp>
#include <semvec/classify/knn_classifier.hpp>
#include <semvec/classify/logistic_regression.hpp>
#include <semvec/classify/metrics.hpp>
#include <semvec/io/npy.hpp>

#include "../test_support.hpp"

namespace {
semvec::Matrix load(const std::string& rel) {
    auto m = semvec::read_npy(semvec_test::data_path(rel));
    REQUIRE(m.ok());
    return *m;
}
std::vector<std::int32_t> load_labels(const std::string& rel) {
    auto v = semvec::read_npy_ints(semvec_test::data_path(rel));
    REQUIRE(v.ok());
    return std::vector<std::int32_t>(v->begin(), v->end());
}
Eigen::Map<const semvec::Matrix> view(const semvec::Matrix& m) { return {m.data(), m.rows(), m.cols()}; }
const semvec::Matrix& digits() {
    static const semvec::Matrix X = load("reduce/digits_X.npy");
    return X;
}
const std::vector<std::int32_t>& digit_labels() {
    static const auto y = load_labels("reduce/digits_y.npy");
    return y;
}
}  // namespace

TEST_CASE("classification metrics equal scikit-learn's", "[classify]") {
    const std::vector<std::int32_t> t = {0, 1, 2, 2, 1, 0, 3, 3, 1}, p = {0, 2, 2, 2, 1, 1, 3, 0, 4};
    CHECK(*semvec::accuracy(t, p) == Approx(5.0 / 9));
    CHECK(*semvec::f1_macro(t, p) == Approx(0.47333333333333333).margin(1e-12));  // sklearn f1_score(average="macro")
    auto cm = semvec::confusion_matrix(t, p);
    REQUIRE(cm.ok());
    CHECK(cm->labels == std::vector<std::int32_t>{0, 1, 2, 3, 4});
    CHECK(cm->counts[1][2] == 1);
    CHECK(cm->counts[3][0] == 1);
    CHECK(cm->counts[2][2] == 2);
    auto bad = semvec::accuracy(t, {1, 2});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == semvec::ErrorCode::invalid_argument);
    CHECK_FALSE(semvec::f1_macro({}, {}).ok());
}

TEST_CASE("stratified k-fold deals folds as scikit-learn's StratifiedKFold", "[classify]") {
    // sklearn.model_selection.StratifiedKFold(3) 1.2.1 (shuffle=False) on these labels.
    const std::vector<std::int32_t> y = {3, 3, 1, 2, 1, 3, 3, 2, 2, 1, 7, 3, 1, 1, 2, 3};
    auto f = semvec::stratified_kfold(y, 3);
    REQUIRE(f.ok());
    CHECK(*f == std::vector<std::int32_t>{0, 0, 0, 0, 0, 1, 1, 1, 2, 1, 0, 2, 1, 2, 2, 2});
    semvec::StratifiedKFoldOptions o;
    o.shuffle = true;
    auto s = semvec::stratified_kfold(y, 3, o);
    REQUIRE(s.ok());
    std::vector<int> per_fold(3, 0);
    for (auto v : *s) ++per_fold[static_cast<std::size_t>(v)];
    CHECK(per_fold == std::vector<int>{6, 5, 5});
    CHECK_FALSE(semvec::stratified_kfold(y, 1).ok());
    CHECK_FALSE(semvec::stratified_kfold(y, 17).ok());
    CHECK_FALSE(semvec::stratified_kfold({}, 2).ok());
}

TEST_CASE("logistic regression learns digits and converges", "[classify]") {
    const semvec::Matrix Xtr = digits().topRows(1200), Xte = digits().bottomRows(597);
    const std::vector<std::int32_t> ytr(digit_labels().begin(), digit_labels().begin() + 1200),
        yte(digit_labels().begin() + 1200, digit_labels().end());
    semvec::LogisticRegressionOptions o;
    o.C = 0.01;
    // Unscaled pixels (0..16): with an Armijo-only backtracking line search on uncentred columns L-BFGS took
    // 820-1780 iterations here (by compiler flags); the strong Wolfe search on centred columns takes about
    // 250, well inside the default budget of 1000.
    auto model = semvec::fit_logistic_regression(view(Xtr), ytr, o);
    REQUIRE(model.ok());
    CHECK(model->converged);
    CHECK(model->iterations < 600);
    CHECK(model->classes.size() == 10);
    auto pred = semvec::predict(*model, view(Xte));
    REQUIRE(pred.ok());
    CHECK(*semvec::accuracy(yte, *pred) > 0.9);
    auto proba = semvec::predict_proba(*model, view(Xte));
    REQUIRE(proba.ok());
    for (Eigen::Index i = 0; i < proba->rows(); ++i) CHECK(proba->row(i).sum() == Approx(1.0).epsilon(1e-5));
}

TEST_CASE("logistic regression reaches scikit-learn's predictions", "[classify]") {
    // sklearn LogisticRegression(C=0.01, max_iter=5000) 1.2.1 on the first 500 digits: training accuracy
    // 0.998. (Its intercepts stop a few hundredths from the optimum, where scipy's ftol test ends L-BFGS-B:
    // the gradient there is 1e-4, so the test compares predictions, not coefficients.)
    const semvec::Matrix X = digits().topRows(500);
    const std::vector<std::int32_t> y(digit_labels().begin(), digit_labels().begin() + 500);
    semvec::LogisticRegressionOptions o;
    o.C = 0.01;
    o.max_iterations = 5000;
    auto model = semvec::fit_logistic_regression(view(X), y, o);
    REQUIRE(model.ok());
    CHECK(model->converged);
    auto pred = semvec::predict(*model, view(X));
    CHECK(*semvec::accuracy(y, *pred) == Approx(0.998));
}

TEST_CASE("logistic regression is bit-identical for any thread count", "[classify][concurrency]") {
    semvec::LogisticRegressionOptions o;
    o.threads = 1;
    o.max_iterations = 30;
    auto one = semvec::fit_logistic_regression(view(digits()), digit_labels(), o);
    o.threads = 3;
    auto three = semvec::fit_logistic_regression(view(digits()), digit_labels(), o);
    REQUIRE(one.ok());
    REQUIRE(three.ok());
    CHECK(one->weights == three->weights);
    CHECK(one->intercepts == three->intercepts);
}

TEST_CASE("the kNN classifier votes by cosine distance", "[classify]") {
    semvec::Matrix X(6, 2);
    X << 1, 0, 0.9f, 0.1f, 0.8f, 0.3f, 0, 1, 0.1f, 0.9f, -1, 0.2f;
    const std::vector<std::int32_t> y = {5, 5, 5, 9, 9, 7};
    semvec::KnnClassifierOptions o;
    o.k = 3;
    auto clf = semvec::fit_knn_classifier(view(X), y, o);
    REQUIRE(clf.ok());
    semvec::Matrix Q(3, 2);
    Q << 2, 0.1f, 0.05f, 3, 1, 0;  // the last one is a training row: distance 0 decides alone
    auto p = semvec::predict(*clf, view(Q));
    REQUIRE(p.ok());
    CHECK(*p == std::vector<std::int32_t>{5, 9, 5});
    o.metric = semvec::Metric::euclidean;
    auto eu = semvec::fit_knn_classifier(view(X), y, o);
    REQUIRE(eu.ok());
    CHECK(*semvec::predict(*eu, view(Q)) == std::vector<std::int32_t>{5, 9, 5});
}

TEST_CASE("kNN classification of digits by cross-validation", "[classify]") {
    auto folds = semvec::stratified_kfold(digit_labels(), 5);
    REQUIRE(folds.ok());
    auto cv = semvec::cross_validate(view(digits()), digit_labels(), *folds,
                                     [](const semvec::Matrix& a, const std::vector<std::int32_t>& b, const semvec::Matrix& c) {
                                         semvec::Result<std::vector<std::int32_t>> r = semvec::make_error("unfit");
                                         auto clf = semvec::fit_knn_classifier(view(a), b);
                                         if (!clf) return r = clf.error();
                                         return r = semvec::predict(*clf, view(c));
                                     });
    REQUIRE(cv.ok());
    CHECK(cv->accuracy.size() == 5);
    CHECK(cv->mean_accuracy > 0.93);
    CHECK(cv->mean_f1_macro > 0.93);
    CHECK(cv->predictions.size() == 1797);
}

TEST_CASE("classifiers reject a single class, NaN rows and bad sizes", "[classify]") {
    const semvec::Matrix X = digits().topRows(20);
    const std::vector<std::int32_t> same(20, 4);
    auto single = semvec::fit_logistic_regression(view(X), same);
    REQUIRE_FALSE(single.ok());
    CHECK(single.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(single.error().what().find("single class") != std::string::npos);
    CHECK_FALSE(semvec::fit_knn_classifier(view(X), same).ok());
    std::vector<std::int32_t> y(digit_labels().begin(), digit_labels().begin() + 20);
    semvec::Matrix nan = X;
    nan(11, 5) = std::numeric_limits<float>::quiet_NaN();
    auto n = semvec::fit_logistic_regression(view(nan), y);
    REQUIRE_FALSE(n.ok());
    CHECK(n.error().what().find("row 11") != std::string::npos);
    CHECK_FALSE(semvec::fit_knn_classifier(view(nan), y).ok());
    y.pop_back();
    CHECK_FALSE(semvec::fit_logistic_regression(view(X), y).ok());
    const semvec::Matrix empty(0, 64);
    CHECK_FALSE(semvec::fit_logistic_regression(view(empty), {}).ok());
    semvec::KnnClassifierOptions o;
    o.k = 21;
    y.push_back(3);
    auto big_k = semvec::fit_knn_classifier(view(X), y, o);
    REQUIRE_FALSE(big_k.ok());
    CHECK(big_k.error().what().find("k = 21") != std::string::npos);
    auto model = semvec::fit_logistic_regression(view(X), y);
    REQUIRE(model.ok());
    const semvec::Matrix narrow = digits().topRows(3).leftCols(10);
    CHECK_FALSE(semvec::predict(*model, view(narrow)).ok());
}
