// semvec/reduce/umap_curve.hpp — UMAP's low-dimensional kernel 1 / (1 + a·d^(2b)), fitted to min_dist and spread.
//
// umap-learn fits a and b with scipy's curve_fit (Levenberg–Marquardt, start (1, 1)) to 300 points of the
// target curve: 1 for d < min_dist, exp(-(d - min_dist) / spread) beyond, on d in [0, 3·spread]. We run the
// same least-squares problem with our own LM in double, so a and b agree with umap-learn to ~1e-4
// (min_dist 0.1, spread 1 → a ≈ 1.577, b ≈ 0.895).
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>

namespace semvec::detail {

/// (a, b) of UMAP's output kernel for the given min_dist and spread (both already validated: spread > 0).
inline std::pair<double, double> umap_find_ab(double spread, double min_dist) {
    constexpr int kPoints = 300;
    double xs[kPoints], ys[kPoints];
    for (int i = 0; i < kPoints; ++i) {
        xs[i] = spread * 3.0 * i / (kPoints - 1);
        ys[i] = xs[i] < min_dist ? 1.0 : std::exp(-(xs[i] - min_dist) / spread);
    }
    // Residuals and the 2×2 normal equations of r_i = f(x_i; a, b) - y_i.
    auto cost = [&](double a, double b) {
        double s = 0;
        for (int i = 0; i < kPoints; ++i) {
            const double p = xs[i] > 0 ? std::pow(xs[i], 2 * b) : 0.0;
            const double r = 1.0 / (1.0 + a * p) - ys[i];
            s += r * r;
        }
        return s;
    };
    double a = 1.0, b = 1.0, lambda = 1e-3;
    double c = cost(a, b);
    for (int iter = 0; iter < 200; ++iter) {
        double jtj00 = 0, jtj01 = 0, jtj11 = 0, g0 = 0, g1 = 0;
        for (int i = 0; i < kPoints; ++i) {
            if (xs[i] <= 0) {  // f = 1 at x = 0 for every (a, b): no gradient, constant residual
                continue;
            }
            const double lx = std::log(xs[i]);
            const double p = std::exp(2 * b * lx);
            const double den = 1.0 + a * p;
            const double f = 1.0 / den;
            const double r = f - ys[i];
            const double da = -p / (den * den);
            const double db = -a * p * 2 * lx / (den * den);
            jtj00 += da * da;
            jtj01 += da * db;
            jtj11 += db * db;
            g0 += da * r;
            g1 += db * r;
        }
        bool improved = false;
        for (int tries = 0; tries < 30 && !improved; ++tries) {
            const double m00 = jtj00 * (1 + lambda), m11 = jtj11 * (1 + lambda), m01 = jtj01;
            const double det = m00 * m11 - m01 * m01;
            if (!(std::fabs(det) > 0)) {
                lambda *= 10;
                continue;
            }
            const double step_a = -(m11 * g0 - m01 * g1) / det;
            const double step_b = -(m00 * g1 - m01 * g0) / det;
            const double na = a + step_a, nb = b + step_b;
            const double nc = cost(na, nb);
            if (std::isfinite(nc) && nc < c) {
                const bool tiny = std::fabs(c - nc) <= 1e-15 * (c + 1e-300) ||
                                  (std::fabs(step_a) < 1e-12 * (std::fabs(a) + 1e-12) &&
                                   std::fabs(step_b) < 1e-12 * (std::fabs(b) + 1e-12));
                a = na;
                b = nb;
                c = nc;
                lambda = std::max(lambda / 10, 1e-12);
                improved = true;
                if (tiny) return {a, b};
            } else {
                lambda *= 10;
            }
        }
        if (!improved) break;
    }
    return {a, b};
}

}  // namespace semvec::detail
