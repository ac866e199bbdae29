// tools/cli/cmd_classify.cpp — `semvec classify`: logistic regression or kNN on vectors, either predicting new
// rows or scoring itself by stratified k-fold cross-validation.
#include <cstdio>
#include <string>

#include <semvec/classify/cross_validation.hpp>
#include <semvec/classify/knn_classifier.hpp>
#include <semvec/classify/logistic_regression.hpp>
#include <semvec/classify/metrics.hpp>

#include "apps_support.hpp"
#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_classify(int argc, char** argv) {
    Args args("classify",
              "Train a classifier on labelled vectors and label new ones (--predict), or measure it by stratified\n"
              "k-fold cross-validation (--cv N: accuracy, macro-F1 and the confusion matrix). OUT.npy, when given,\n"
              "receives int32 labels: the predictions for --predict, the out-of-fold predictions for --cv.",
              {{"--train", "X.npy", "training vectors (N x D .npy, or CSV/TSV)", ""},
               {"--labels", "y.npy", "their integer labels (1-D .npy, or one per line)", ""},
               {"--predict", "Z.npy", "vectors to label", ""},
               {"--cv", "N", "cross-validate with N stratified folds instead", ""},
               {"--method", "NAME", "logreg (multinomial logistic regression, L2) or knn", "logreg"},
               {"--C", "X", "logreg: inverse regularization strength", "1"},
               {"--max-iterations", "N", "logreg: most L-BFGS iterations", "1000"},
               {"--neighbors", "K", "knn: neighbours that vote (weighted by 1 / distance)", "5"},
               {"--metric", "NAME", "knn: cosine or euclidean", "cosine"},
               {"--shuffle", "", "cv: shuffle each class before dealing folds (default: scikit-learn's order)", ""},
               {"--seed", "S", "cv: seed of --shuffle", "42"},
               {"--save-folds", "FILE", "cv: write the test fold of each row as int32 .npy", ""},
               {"--threads", "N", "worker threads (0: all cores); results do not depend on it", "0"}},
              "[OUT.npy]");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (!args.has("--train") || !args.has("--labels")) {
        args.usage_error("--train X.npy and --labels y.npy are required", code);
        return code;
    }
    if (args.has("--predict") == args.has("--cv")) {
        args.usage_error("give exactly one of --predict Z.npy and --cv N", code);
        return code;
    }
    if (args.positional().size() > 1 || (!args.positional().empty() && extension_of(args.positional()[0]) != ".npy")) {
        args.usage_error("expected at most one OUT.npy", code);
        return code;
    }
    const std::string method = args.get("--method", "logreg"), metric_name = args.get("--metric", "cosine");
    if (method != "logreg" && method != "knn") {
        args.usage_error("--method must be logreg or knn, got '" + method + "'", code);
        return code;
    }
    if (metric_name != "cosine" && metric_name != "euclidean") {
        args.usage_error("--metric must be cosine or euclidean, got '" + metric_name + "'", code);
        return code;
    }
    const auto C = args.get_double("--C", 1.0);
    const auto iters = args.get_int("--max-iterations", 1000), neighbors = args.get_int("--neighbors", 5),
               folds = args.get_int("--cv", 5), seed = args.get_int("--seed", 42), threads = args.get_int("--threads", 0);
    if (!C || !iters || !neighbors || !folds || !seed || !threads) return kExitUsage;
    if (*C <= 0 || *iters < 1 || *neighbors < 1 || *folds < 2 || *threads < 0) {
        args.usage_error("--C must be > 0, --max-iterations and --neighbors >= 1, --cv >= 2, --threads >= 0", code);
        return code;
    }
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec classify: %s\n", e.what().c_str());
        return kExitInputError;
    };
    const std::string train_path = args.get("--train");
    auto X = read_matrix(train_path);
    if (!X) return fail(X.error());
    auto y = read_int_labels(args.get("--labels"), static_cast<std::size_t>(X->rows()));
    if (!y) return fail(y.error());

    semvec::LogisticRegressionOptions lo;
    lo.C = *C;
    lo.max_iterations = static_cast<int>(*iters);
    lo.threads = static_cast<unsigned>(*threads);
    semvec::KnnClassifierOptions ko;
    ko.k = static_cast<std::size_t>(*neighbors);
    ko.metric = metric_name == "cosine" ? semvec::Metric::cosine : semvec::Metric::euclidean;
    ko.threads = static_cast<unsigned>(*threads);
    const semvec::FitPredict fit_predict = [&](const semvec::Matrix& a, const std::vector<std::int32_t>& b,
                                               const semvec::Matrix& c) -> semvec::Result<std::vector<std::int32_t>> {
        if (method == "logreg") {
            auto m = semvec::fit_logistic_regression(view_of(a), b, lo);
            if (!m) return m.error();
            if (!m->converged)
                std::fprintf(stderr, "semvec classify: warning: L-BFGS stopped at --max-iterations %d before converging\n",
                             m->iterations);
            return semvec::predict(*m, view_of(c), lo.threads);
        }
        auto m = semvec::fit_knn_classifier(view_of(a), b, ko);
        if (!m) return m.error();
        return semvec::predict(*m, view_of(c));
    };

    std::vector<std::int32_t> out_labels;
    const auto t0 = std::chrono::steady_clock::now();
    if (args.has("--predict")) {
        auto Z = read_matrix(args.get("--predict"));
        if (!Z) return fail(Z.error());
        auto pred = fit_predict(*X, *y, *Z);
        if (!pred) return fail(pred.error().with_source(train_path));
        out_labels = std::move(*pred);
        if (args.positional().empty())
            for (auto l : out_labels) std::printf("%d\n", l);
        std::fprintf(stderr, "semvec classify: %s, %zu rows labelled in %.3f s\n", method.c_str(), out_labels.size(),
                     seconds_since(t0));
    } else {
        semvec::StratifiedKFoldOptions so;
        so.shuffle = args.has("--shuffle");
        so.seed = static_cast<std::uint64_t>(*seed);
        auto f = semvec::stratified_kfold(*y, static_cast<std::size_t>(*folds), so);
        if (!f) return fail(f.error().with_source(args.get("--labels")));
        if (args.has("--save-folds")) {
            auto st = write_int32_npy(args.get("--save-folds"), *f);
            if (!st) return fail(st.error());
        }
        auto cv = semvec::cross_validate(view_of(*X), *y, *f, fit_predict);
        if (!cv) return fail(cv.error().with_source(train_path));
        std::printf("%s, %lld-fold stratified cross-validation of %zu rows\n", method.c_str(), *folds, y->size());
        std::printf("fold  accuracy  macro-F1\n");
        for (std::size_t i = 0; i < cv->accuracy.size(); ++i)
            std::printf("%4zu  %8.4f  %8.4f\n", i, cv->accuracy[i], cv->f1_macro[i]);
        std::printf("mean  %8.4f  %8.4f\n", cv->mean_accuracy, cv->mean_f1_macro);
        auto cm = semvec::confusion_matrix(*y, cv->predictions);
        std::printf("\nconfusion matrix (rows: true label, columns: predicted)\n%8s", "");
        for (auto l : cm->labels) std::printf(" %7d", l);
        std::printf("\n");
        for (std::size_t t = 0; t < cm->labels.size(); ++t) {
            std::printf("%8d", cm->labels[t]);
            for (std::size_t p = 0; p < cm->labels.size(); ++p) std::printf(" %7zu", cm->counts[t][p]);
            std::printf("\n");
        }
        out_labels = std::move(cv->predictions);
        std::fprintf(stderr, "semvec classify: %s cross-validation in %.3f s\n", method.c_str(), seconds_since(t0));
    }
    if (!args.positional().empty()) {
        auto st = write_int32_npy(args.positional()[0], out_labels);
        if (!st) return fail(st.error());
    }
    return kExitOk;
}

}  // namespace semvec_cli
