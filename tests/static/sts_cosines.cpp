// sts_cosines MODEL STS.csv — per STS pair, the gold score and the cosine of (a) the static model's mean
// vectors and (b) a bag-of-words baseline over the same tokens (term counts, every token kept). Prints
// "gold<TAB>cos_model<TAB>cos_bow" per pair, then the Spearman correlations on stderr.
// scripts/eval_sts.py drives it and cross-checks the correlations with scipy.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <semvec/model/static_vectors.hpp>

namespace {

std::vector<double> ranks(const std::vector<double>& x) {
    std::vector<std::size_t> idx(x.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> r(x.size());
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
        for (std::size_t k = i; k <= j; ++k) r[idx[k]] = 0.5 * static_cast<double>(i + j) + 1.0;  // average rank of ties
        i = j + 1;
    }
    return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) { return pearson(ranks(a), ranks(b)); }

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        d += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    return (na > 0 && nb > 0) ? d / std::sqrt(na * nb) : 0.0;
}

double bow_cosine(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::map<std::string, double> ca, cb;
    for (const auto& t : a) ca[t] += 1;
    for (const auto& t : b) cb[t] += 1;
    double d = 0, na = 0, nb = 0;
    for (const auto& [t, c] : ca) {
        na += c * c;
        if (auto it = cb.find(t); it != cb.end()) d += c * it->second;
    }
    for (const auto& [t, c] : cb) nb += c * c;
    return (na > 0 && nb > 0) ? d / std::sqrt(na * nb) : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: sts_cosines MODEL.safetensors sts-test.csv\n");
        return 2;
    }
    auto file = semvec::SafetensorsFile::open(argv[1]);
    if (!file) { std::fprintf(stderr, "%s\n", file.error().what().c_str()); return 1; }
    auto info = semvec::read_model_info(*file);
    if (!info) { std::fprintf(stderr, "%s\n", info.error().what().c_str()); return 1; }
    auto model = semvec::StaticVectors::load(*file, *info);
    if (!model) { std::fprintf(stderr, "%s\n", model.error().what().c_str()); return 1; }
    std::ifstream in(argv[2]);
    if (!in) { std::fprintf(stderr, "%s: cannot open\n", argv[2]); return 1; }
    std::vector<double> gold, cm, cb;
    std::size_t tokens = 0, unknown = 0, lineno = 0;
    std::string line;
    std::vector<float> va(model->dim()), vb(model->dim());
    while (std::getline(in, line)) {
        ++lineno;
        std::vector<std::string> f;
        std::size_t s = 0;
        for (std::size_t e; (e = line.find('\t', s)) != std::string::npos; s = e + 1) f.push_back(line.substr(s, e - s));
        f.push_back(line.substr(s));
        if (f.size() < 7) { std::fprintf(stderr, "%s:%zu: expected 7 tab-separated fields\n", argv[2], lineno); return 1; }
        const auto sa = model->embed(f[5], va.data(), false);
        const auto sb = model->embed(f[6], vb.data(), false);
        tokens += sa.tokens + sb.tokens;
        unknown += sa.unknown + sb.unknown;
        gold.push_back(std::stod(f[4]));
        cm.push_back(cosine(va, vb));
        cb.push_back(bow_cosine(model->tokenize(f[5]), model->tokenize(f[6])));
        std::printf("%.3f\t%.9f\t%.9f\n", gold.back(), cm.back(), cb.back());
    }
    std::fprintf(stderr, "pairs %zu  tokens %zu  unknown %zu (%.1f%%)\n", gold.size(), tokens, unknown,
                 100.0 * double(unknown) / double(tokens));
    std::fprintf(stderr, "spearman model %.4f  bag-of-words %.4f\n", spearman(gold, cm), spearman(gold, cb));
    return 0;
}
