// semvec/classify/logistic_regression.hpp — multinomial logistic regression on embeddings (a linear probe).
//
//   auto model = semvec::fit_logistic_regression(X_train, y_train);   // Result<LogisticRegression>
//   auto labels = semvec::predict(*model, X_test);                    // Result<std::vector<std::int32_t>>
//
// The objective is scikit-learn's LogisticRegression(multi_class="multinomial", penalty="l2"):
//   C · Σ_i −log softmax(W x_i + b)[y_i] + ½ ‖W‖²       (the intercept b is not penalized)
// minimized in double precision by L-BFGS (10 correction pairs, a strong Wolfe line search with cubic
// interpolation, Nocedal & Wright algorithms 3.5-3.6; columns centred when there is an intercept) until the
// largest gradient entry is ≤ tolerance or, as scipy's L-BFGS-B that scikit-learn runs, the objective's
// relative decrease is ≤ 64 ε. The weights are strictly convex in the objective, so both land near the same
// optimum; on poorly scaled features scikit-learn's ftol stop leaves intercepts a few hundredths from it (its
// predictions rarely change). Deterministic: the gradient is summed over fixed blocks of rows in order, so
// the model is bit-identical for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// Options of fit_logistic_regression(). Defaults are scikit-learn's, except max_iterations (sklearn: 100,
/// which often stops short of the optimum on embeddings).
struct LogisticRegressionOptions {
    /// Inverse regularization strength: larger C fits the training data more closely. Default 1.
    double C = 1.0;
    /// Fit an unpenalized intercept per class. Default true.
    bool fit_intercept = true;
    /// Most L-BFGS iterations. Default 1000.
    int max_iterations = 1000;
    /// Stop when every gradient entry is ≤ tolerance in absolute value (scipy's pgtol). Default 1e-4.
    double tolerance = 1e-4;
    /// Worker threads; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// A fitted multinomial logistic regression.
struct LogisticRegression {
    std::vector<std::int32_t> classes;  ///< the distinct training labels, ascending; row c of weights is classes[c]
    Eigen::MatrixXd weights;            ///< K×D
    Eigen::VectorXd intercepts;         ///< K
    int iterations = 0;                 ///< L-BFGS iterations run
    bool converged = false;             ///< the gradient reached the tolerance (or the objective stopped moving)
};

/// Fits the model to rows `X` with labels `y`. Errors (ErrorCode::invalid_argument): sizes differ, no rows,
/// zero columns, NaN or infinite values (named by row), fewer than 2 classes, C ≤ 0.
SEMVEC_API Result<LogisticRegression> fit_logistic_regression(const MatrixView& X, const std::vector<std::int32_t>& y,
                                                              const LogisticRegressionOptions& options = {});

/// Class probabilities of each row (N×K, columns in model.classes order). Errors: column count differs
/// from the model's, NaN or infinite values.
SEMVEC_API Result<Matrix> predict_proba(const LogisticRegression& model, const MatrixView& X, unsigned threads = 0);

/// The most probable class of each row (ties: the smaller label). Same errors as predict_proba().
SEMVEC_API Result<std::vector<std::int32_t>> predict(const LogisticRegression& model, const MatrixView& X,
                                                     unsigned threads = 0);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <string>

#include "../util/parallel.hpp"

namespace semvec {
namespace detail {

inline Status check_finite_rows(const MatrixView& X, const char* what) {
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            if (!std::isfinite(X(i, j)))
                return make_error(ErrorCode::invalid_argument, std::string(what) + ": NaN or infinite value at column " + std::to_string(j),
                                  "", "row " + std::to_string(i));
    return {};
}

/// Checks rows and labels of a classifier's training data; on success `classes` holds the sorted distinct
/// labels and `index` each row's class position.
inline Status classifier_training_data(const MatrixView& X, const std::vector<std::int32_t>& y, const char* what,
                                       std::vector<std::int32_t>& classes, std::vector<std::int32_t>& index) {
    const std::string w = what;
    if (X.rows() == 0) return make_error(ErrorCode::invalid_argument, w + ": no training rows");
    if (X.cols() == 0) return make_error(ErrorCode::invalid_argument, w + ": the training rows have zero columns");
    if (y.size() != static_cast<std::size_t>(X.rows()))
        return make_error(ErrorCode::invalid_argument,
                          w + ": " + std::to_string(y.size()) + " labels for " + std::to_string(X.rows()) + " rows");
    SEMVEC_TRY_STATUS(check_finite_rows(X, what));
    classes = y;
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    if (classes.size() < 2)
        return make_error(ErrorCode::invalid_argument, w + ": the labels hold a single class (" + std::to_string(classes[0]) +
                                                           "); a classifier needs at least 2");
    index.resize(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        index[i] = static_cast<std::int32_t>(std::lower_bound(classes.begin(), classes.end(), y[i]) - classes.begin());
    return {};
}

using RowsD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The multinomial objective and its gradient at `w` (K×(D+1) flattened row-major, last column = intercept).
/// Rows are processed in fixed blocks, their partial sums added in block order.
inline double logreg_objective(const RowsD& X, const std::vector<std::int32_t>& y, std::size_t K, const Eigen::VectorXd& w,
                               const LogisticRegressionOptions& o, Eigen::VectorXd& grad) {
    const std::size_t n = static_cast<std::size_t>(X.rows()), d = static_cast<std::size_t>(X.cols()), p = d + 1;
    const Eigen::Map<const RowsD> W(w.data(), static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(p));
    constexpr std::size_t kBlock = 512;
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    std::vector<RowsD> block_grad(blocks);
    std::vector<double> block_loss(blocks, 0.0);
    parallel_for(blocks, resolve_threads(o.threads, blocks), [&](std::size_t b0, std::size_t b1, unsigned) {
        RowsD logits, resid;
        for (std::size_t b = b0; b < b1; ++b) {
            const Eigen::Index r0 = static_cast<Eigen::Index>(b * kBlock), nr = static_cast<Eigen::Index>(std::min(n, (b + 1) * kBlock)) - r0;
            const auto Xb = X.middleRows(r0, nr);
            logits.noalias() = Xb * W.leftCols(static_cast<Eigen::Index>(d)).transpose();
            if (o.fit_intercept) logits.rowwise() += W.col(static_cast<Eigen::Index>(d)).transpose();
            resid.resize(nr, static_cast<Eigen::Index>(K));
            double loss = 0;
            for (Eigen::Index i = 0; i < nr; ++i) {
                const double m = logits.row(i).maxCoeff();
                double s = 0;
                for (std::size_t c = 0; c < K; ++c) s += std::exp(logits(i, static_cast<Eigen::Index>(c)) - m);
                const double lse = m + std::log(s);
                const std::int32_t yi = y[static_cast<std::size_t>(r0 + i)];
                loss += lse - logits(i, yi);
                for (std::size_t c = 0; c < K; ++c)
                    resid(i, static_cast<Eigen::Index>(c)) = std::exp(logits(i, static_cast<Eigen::Index>(c)) - lse) -
                                                             (static_cast<std::int32_t>(c) == yi ? 1.0 : 0.0);
            }
            RowsD& g = block_grad[b];
            g.resize(static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(p));
            g.leftCols(static_cast<Eigen::Index>(d)).noalias() = resid.transpose() * Xb;
            g.col(static_cast<Eigen::Index>(d)) = resid.colwise().sum().transpose();
            block_loss[b] = loss;
        }
    });
    double loss = 0;
    RowsD G = RowsD::Zero(static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(p));
    for (std::size_t b = 0; b < blocks; ++b) {
        loss += block_loss[b];
        G += block_grad[b];
    }
    G *= o.C;
    loss *= o.C;
    // ½‖W‖² on the weights, not on the intercepts.
    G.leftCols(static_cast<Eigen::Index>(d)) += W.leftCols(static_cast<Eigen::Index>(d));
    loss += 0.5 * W.leftCols(static_cast<Eigen::Index>(d)).squaredNorm();
    if (!o.fit_intercept) G.col(static_cast<Eigen::Index>(d)).setZero();
    grad = Eigen::Map<const Eigen::VectorXd>(G.data(), G.size());
    return loss;
}

/// The minimizer of the cubic through (a, fa, da) and (b, fb, db) (values and slopes), or NaN when it has
/// none (Nocedal & Wright, eq. 3.59).
inline double cubic_minimizer(double a, double fa, double da, double b, double fb, double db) {
    const double d1 = da + db - 3.0 * (fa - fb) / (a - b);
    const double disc = d1 * d1 - da * db;
    if (!(disc >= 0)) return std::numeric_limits<double>::quiet_NaN();
    const double d2 = std::copysign(std::sqrt(disc), b - a);
    return b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
}

/// A step along `dir` from (w, f, g) that satisfies the strong Wolfe conditions
///   f(w + t·dir) ≤ f + c1·t·slope   and   |∇f(w + t·dir)·dir| ≤ c2·|slope|   (c1 = 1e-4, c2 = 0.9),
/// found by bracketing from t = 1 (doubling) and zooming with safeguarded cubic interpolation (Nocedal &
/// Wright, algorithms 3.5 and 3.6). The curvature condition keeps s·y > 0, so every step updates L-BFGS's
/// Hessian approximation, which backtracking on the Armijo condition alone does not guarantee. On success
/// w_new, f_new and g_new hold the point; false when no step lowers f (the optimum at double precision).
template <class Objective>
bool wolfe_line_search(const Objective& objective, const Eigen::VectorXd& w, double f, double slope, const Eigen::VectorXd& dir,
                       Eigen::VectorXd& w_new, double& f_new, Eigen::VectorXd& g_new) {
    constexpr double c1 = 1e-4, c2 = 0.9;
    constexpr int kMaxEvaluations = 40;
    // The best point meeting the sufficient-decrease condition so far: the answer if the search runs out.
    double best_t = 0, best_f = f;
    Eigen::VectorXd best_w, best_g;
    int evaluations = 0;
    double last_f = f;  // f at w_new
    auto eval = [&](double t, double& ft, double& dt) {
        w_new = w + t * dir;
        ft = last_f = objective(w_new, g_new);
        dt = g_new.dot(dir);
        ++evaluations;
        if (std::isfinite(ft) && ft <= f + c1 * t * slope && ft < best_f) {
            best_t = t;
            best_f = ft;
            best_w = w_new;
            best_g = g_new;
        }
        return std::isfinite(ft) && std::isfinite(dt);
    };
    auto strong_curvature = [&](double dt) { return std::fabs(dt) <= -c2 * slope; };
    // zoom(lo, hi): lo meets sufficient decrease and has the lowest f seen in the bracket; the minimizer lies between.
    auto zoom = [&](double lo, double f_lo, double d_lo, double hi, double f_hi, double d_hi) {
        while (evaluations < kMaxEvaluations && std::fabs(hi - lo) > 1e-16 * std::max(std::fabs(lo), std::fabs(hi))) {
            double t = cubic_minimizer(lo, f_lo, d_lo, hi, f_hi, d_hi);
            const double a = std::min(lo, hi), b = std::max(lo, hi), margin = 0.1 * (b - a);
            if (!std::isfinite(t) || t < a + margin || t > b - margin) t = 0.5 * (lo + hi);  // safeguard: bisect
            double ft, dt;
            const bool finite = eval(t, ft, dt);
            if (!finite || ft > f + c1 * t * slope || ft >= f_lo) {
                hi = t;
                f_hi = finite ? ft : std::numeric_limits<double>::infinity();
                d_hi = finite ? dt : std::numeric_limits<double>::quiet_NaN();  // NaN: bisect next
            } else {
                if (strong_curvature(dt)) return true;
                if (dt * (hi - lo) >= 0) {
                    hi = lo;
                    f_hi = f_lo;
                    d_hi = d_lo;
                }
                lo = t;
                f_lo = ft;
                d_lo = dt;
            }
        }
        return false;
    };
    double t_prev = 0, f_prev = f, d_prev = slope, t = 1.0;
    bool done = false;
    for (int i = 0; !done && evaluations < kMaxEvaluations; ++i) {
        double ft, dt;
        const bool finite = eval(t, ft, dt);
        if (!finite || ft > f + c1 * t * slope || (i > 0 && ft >= f_prev)) {
            done = zoom(t_prev, f_prev, d_prev, t, finite ? ft : std::numeric_limits<double>::infinity(),
                        finite ? dt : std::numeric_limits<double>::quiet_NaN());
            break;
        }
        if (strong_curvature(dt)) { done = true; break; }
        if (dt >= 0) {
            done = zoom(t, ft, dt, t_prev, f_prev, d_prev);
            break;
        }
        t_prev = t;
        f_prev = ft;
        d_prev = dt;
        t *= 2.0;
    }
    if (done) {
        f_new = last_f;  // w_new, g_new: the last evaluation
        return true;
    }
    if (best_t == 0) return false;
    w_new = std::move(best_w);
    g_new = std::move(best_g);
    f_new = best_f;
    return true;
}

}  // namespace detail

SEMVEC_API Result<LogisticRegression> fit_logistic_regression(const MatrixView& X, const std::vector<std::int32_t>& y,
                                                              const LogisticRegressionOptions& options) {
    LogisticRegression model;
    std::vector<std::int32_t> yi;
    SEMVEC_TRY_STATUS(detail::classifier_training_data(X, y, "fit_logistic_regression", model.classes, yi));
    if (!(options.C > 0) || !std::isfinite(options.C))
        return make_error(ErrorCode::invalid_argument, "fit_logistic_regression: C must be > 0");
    if (options.max_iterations < 1)
        return make_error(ErrorCode::invalid_argument, "fit_logistic_regression: max_iterations must be at least 1");
    const std::size_t K = model.classes.size(), d = static_cast<std::size_t>(X.cols()), p = d + 1;
    // With an intercept, L-BFGS runs on centred columns x' = x − μ, with intercepts b' = b + W·μ: the same
    // objective and optimum, but the intercepts no longer pull against the weights, which on features far
    // from zero (pixels 0..16) cut the iterations 3-5x. (Scaling the columns too would not help: the penalty
    // then weighs low-variance columns by 1/σ², as badly conditioned as before.)
    detail::RowsD Xd = X.cast<double>();
    Eigen::VectorXd mu = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(d));
    if (options.fit_intercept)
        for (std::size_t j = 0; j < d; ++j) {
            auto col = Xd.col(static_cast<Eigen::Index>(j));
            mu[static_cast<Eigen::Index>(j)] = col.sum() / static_cast<double>(col.size());
            col.array() -= mu[static_cast<Eigen::Index>(j)];
        }
    // The largest entry of the gradient in the caller's coordinates (W, b): ∂/∂W_kj = ∂/∂W'_kj + μ_j ∂/∂b'_k.
    auto max_gradient = [&](const Eigen::VectorXd& grad) {
        const Eigen::Map<const detail::RowsD> G(grad.data(), static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(p));
        double m = G.col(static_cast<Eigen::Index>(d)).cwiseAbs().maxCoeff();
        for (std::size_t j = 0; j < d; ++j)
            m = std::max(m, (G.col(static_cast<Eigen::Index>(j)) + mu[static_cast<Eigen::Index>(j)] * G.col(static_cast<Eigen::Index>(d)))
                                .cwiseAbs()
                                .maxCoeff());
        return m;
    };
    auto objective = [&](const Eigen::VectorXd& at, Eigen::VectorXd& grad) {
        return detail::logreg_objective(Xd, yi, K, at, options, grad);
    };

    // L-BFGS (Nocedal & Wright, algorithm 7.4) with a strong Wolfe line search.
    Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(K * p)), g, w_new, g_new, dir;
    double f = objective(w, g);
    std::deque<Eigen::VectorXd> S, Yv;
    std::deque<double> rho;
    constexpr std::size_t kMemory = 10;
    int it = 0;
    model.converged = max_gradient(g) <= options.tolerance;
    for (; it < options.max_iterations && !model.converged; ++it) {
        // Two-loop recursion: dir = −H g.
        dir = -g;
        std::vector<double> alpha(S.size());
        for (std::size_t m = S.size(); m-- > 0;) {
            alpha[m] = rho[m] * S[m].dot(dir);
            dir -= alpha[m] * Yv[m];
        }
        if (!S.empty()) dir *= S.back().dot(Yv.back()) / Yv.back().squaredNorm();
        else dir /= std::max(1.0, g.norm());
        for (std::size_t m = 0; m < S.size(); ++m) {
            const double beta = rho[m] * Yv[m].dot(dir);
            dir += (alpha[m] - beta) * S[m];
        }
        double slope = g.dot(dir);
        if (!(slope < 0)) {  // not a descent direction (rounding): restart from steepest descent
            S.clear();
            Yv.clear();
            rho.clear();
            dir = -g / std::max(1.0, g.norm());
            slope = g.dot(dir);
        }
        double f_new = 0;
        if (!detail::wolfe_line_search(objective, w, f, slope, dir, w_new, f_new, g_new)) {
            model.converged = true;  // no decrease possible at double precision: the optimum is reached
            break;
        }
        // scipy's L-BFGS-B (and so scikit-learn) also stops when the objective stops moving: relative
        // decrease ≤ 64 ε.
        const bool flat = (f - f_new) <= 64 * std::numeric_limits<double>::epsilon() * std::max({std::fabs(f), std::fabs(f_new), 1.0});
        Eigen::VectorXd s = w_new - w, yv = g_new - g;
        const double sy = s.dot(yv);
        if (sy > 1e-12 * yv.squaredNorm()) {
            if (S.size() == kMemory) {
                S.pop_front();
                Yv.pop_front();
                rho.pop_front();
            }
            S.push_back(std::move(s));
            Yv.push_back(std::move(yv));
            rho.push_back(1.0 / sy);
        }
        w.swap(w_new);
        g.swap(g_new);
        f = f_new;
        model.converged = flat || max_gradient(g) <= options.tolerance;
    }
    model.iterations = it;
    const Eigen::Map<const detail::RowsD> W(w.data(), static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(p));
    model.weights = W.leftCols(static_cast<Eigen::Index>(d));
    model.intercepts = W.col(static_cast<Eigen::Index>(d)) - model.weights * mu;
    return model;
}

SEMVEC_API Result<Matrix> predict_proba(const LogisticRegression& model, const MatrixView& X, unsigned threads) {
    if (X.cols() != model.weights.cols())
        return make_error(ErrorCode::invalid_argument, "predict_proba: the rows have " + std::to_string(X.cols()) +
                                                           " columns but the model was fitted on " + std::to_string(model.weights.cols()));
    SEMVEC_TRY_STATUS(detail::check_finite_rows(X, "predict_proba"));
    const std::size_t n = static_cast<std::size_t>(X.rows()), K = model.classes.size();
    Matrix out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(K));
    parallel_for(n, resolve_threads(threads, n), [&](std::size_t b, std::size_t e, unsigned) {
        Eigen::VectorXd z(static_cast<Eigen::Index>(K));
        for (std::size_t i = b; i < e; ++i) {
            const Eigen::VectorXd x = X.row(static_cast<Eigen::Index>(i)).cast<double>().transpose();
            z.noalias() = model.weights * x;
            z += model.intercepts;
            const double m = z.maxCoeff();
            const double s = (z.array() - m).exp().sum();
            for (std::size_t c = 0; c < K; ++c)
                out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = static_cast<float>(std::exp(z[static_cast<Eigen::Index>(c)] - m) / s);
        }
    });
    return out;
}

SEMVEC_API Result<std::vector<std::int32_t>> predict(const LogisticRegression& model, const MatrixView& X, unsigned threads) {
    if (X.cols() != model.weights.cols())
        return make_error(ErrorCode::invalid_argument, "predict: the rows have " + std::to_string(X.cols()) +
                                                           " columns but the model was fitted on " + std::to_string(model.weights.cols()));
    SEMVEC_TRY_STATUS(detail::check_finite_rows(X, "predict"));
    const std::size_t n = static_cast<std::size_t>(X.rows()), K = model.classes.size();
    std::vector<std::int32_t> out(n);
    parallel_for(n, resolve_threads(threads, n), [&](std::size_t b, std::size_t e, unsigned) {
        Eigen::VectorXd z(static_cast<Eigen::Index>(K));
        for (std::size_t i = b; i < e; ++i) {
            z.noalias() = model.weights * X.row(static_cast<Eigen::Index>(i)).cast<double>().transpose();
            z += model.intercepts;
            Eigen::Index arg = 0;
            for (Eigen::Index c = 1; c < z.size(); ++c)
                if (z[c] > z[arg]) arg = c;
            out[i] = model.classes[static_cast<std::size_t>(arg)];
        }
    });
    return out;
}

}  // namespace semvec
#endif
