// tools/cli/cmd_eval.cpp — `semvec eval`: MTEB-style task scores of a model file (STS, pair classification,
// classification, clustering, retrieval, reranking), as a table and a JSON report.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include <semvec/classify/cross_validation.hpp>
#include <semvec/classify/logistic_regression.hpp>
#include <semvec/cluster/kmeans.hpp>
#include <semvec/cluster/metrics.hpp>
#include <semvec/eval/metrics.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/model/model.hpp>
#include <semvec/search.hpp>
#include <semvec/util/numbers.hpp>
#include <semvec/util/file_io.hpp>

#include "apps_support.hpp"
#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {

namespace {

using Json = nlohmann::json;

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == '\t') out.emplace_back();
        else out.back() += c;
    }
    return out;
}

semvec::Result<double> parse_number(const std::string& s, const std::string& path, std::size_t line) {
    const auto v = semvec::detail::parse_double(s);  // the same in every C locale
    if (!v || !std::isfinite(*v))
        return semvec::make_error(semvec::ErrorCode::invalid_data, "'" + s + "' is not a number", path, "line " + std::to_string(line));
    return *v;
}

/// Cosine of matching rows of a and b.
std::vector<double> row_cosines(const semvec::Matrix& a, const semvec::Matrix& b) {
    std::vector<double> out(static_cast<std::size_t>(a.rows()));
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        const Eigen::VectorXd x = a.row(i).cast<double>(), y = b.row(i).cast<double>();
        const double d = x.norm() * y.norm();
        out[static_cast<std::size_t>(i)] = d > 0 ? x.dot(y) / d : 0.0;
    }
    return out;
}

struct Evaluator {
    const semvec::Model& model;
    semvec::EncodeOptions encode;
    std::string save_dir;
    unsigned threads = 0;

    semvec::Result<semvec::Matrix> embed(const std::vector<std::string>& texts, const std::string& source, const std::string& save_as) const {
        auto v = model.encode(texts, encode);
        if (!v) return v.error().with_source(source);
        semvec::Matrix m = *v;
        if (!save_dir.empty()) {
            auto st = semvec::write_npy(save_dir + "/" + save_as + ".npy", m);
            if (!st) return st.error();
        }
        return m;
    }
    semvec::Status save_ints(const std::string& name, const std::vector<std::int32_t>& v) const {
        return save_dir.empty() ? semvec::Status{} : write_int32_npy(save_dir + "/" + name + ".npy", v);
    }
};

/// Lines "score<TAB>a<TAB>b" or STS-B's "genre file year id score a b"; `labels` reads the first as 0/1.
semvec::Status read_pairs(const std::string& path, std::vector<double>& gold, std::vector<std::string>& a,
                          std::vector<std::string>& b) {
    auto lines = read_lines(path, "pairs");
    if (!lines) return lines.error();
    for (std::size_t i = 0; i < lines->size(); ++i) {
        const auto f = split_tabs((*lines)[i]);
        std::size_t s = 0;
        if (f.size() >= 7) s = 4;
        else if (f.size() != 3)
            return semvec::make_error(semvec::ErrorCode::invalid_data, "expected 3 tab-separated fields (score, text, text) or STS-B's 7, got " +
                                                                          std::to_string(f.size()), path, "line " + std::to_string(i + 1));
        auto v = parse_number(f[s], path, i + 1);
        if (!v) return v.error();
        gold.push_back(*v);
        a.push_back(f[s + 1]);
        b.push_back(f[s + 2]);
    }
    if (gold.size() < 2) return semvec::make_error(semvec::ErrorCode::invalid_data, "needs at least 2 pairs", path);
    return {};
}

/// Lines "label<TAB>text".
semvec::Status read_labelled(const std::string& path, std::vector<std::int32_t>& labels, std::vector<std::string>& texts) {
    auto lines = read_lines(path, "labelled texts");
    if (!lines) return lines.error();
    std::map<std::string, std::int32_t> ids;
    for (std::size_t i = 0; i < lines->size(); ++i) {
        const auto tab = (*lines)[i].find('\t');
        if (tab == std::string::npos)
            return semvec::make_error(semvec::ErrorCode::invalid_data, "expected label<TAB>text", path, "line " + std::to_string(i + 1));
        labels.push_back(ids.emplace((*lines)[i].substr(0, tab), static_cast<std::int32_t>(ids.size())).first->second);
        texts.push_back((*lines)[i].substr(tab + 1));
    }
    return {};
}

semvec::Result<std::vector<Json>> read_jsonl(const std::string& path) {
    auto lines = read_lines(path, "JSON lines");
    if (!lines) return lines.error();
    std::vector<Json> out;
    for (std::size_t i = 0; i < lines->size(); ++i) {
        if ((*lines)[i].empty()) continue;
        Json j = Json::parse((*lines)[i], nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return semvec::make_error(semvec::ErrorCode::invalid_data, "not a JSON object", path, "line " + std::to_string(i + 1));
        out.push_back(std::move(j));
    }
    return out;
}

std::string json_text(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

int cmd_eval(int argc, char** argv) {
    Args args("eval",
              "Score a model on MTEB-style tasks (MTEB's definitions): --sts (Spearman of cosine vs gold), --pairs (average\n"
              "precision of cosine), --classification (logistic regression, stratified 5-fold accuracy), --clustering\n"
              "(V-measure of k-means with k = the number of labels), --retrieval (nDCG@10, MRR@10, recall@100 on a BEIR\n"
              "folder: corpus.jsonl, queries.jsonl, qrels/test.tsv), --reranking (MAP and MRR@10 of JSON lines\n"
              "{\"query\", \"positive\": [...], \"negative\": [...]}). Prints a table; --json writes the report.\n"
              "Files: --sts 'score<TAB>a<TAB>b' or STS-B's csv; --pairs 'label<TAB>a<TAB>b' (label 0/1);\n"
              "--classification and --clustering 'label<TAB>text'.",
              {{"--model", "FILE", "semvec model file (.safetensors)", ""},
               {"--sts", "FILE", "STS pairs with gold scores", ""},
               {"--pairs", "FILE", "pair classification: 0/1 labelled pairs", ""},
               {"--classification", "FILE", "labelled texts", ""},
               {"--clustering", "FILE", "labelled texts", ""},
               {"--retrieval", "DIR", "BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)", ""},
               {"--reranking", "FILE", "JSON lines with query, positive, negative", ""},
               {"--json", "FILE", "write the report as JSON", ""},
               {"--save-vectors", "DIR", "write every task's vectors (.npy) and predictions, to recompute the scores elsewhere", ""},
               {"--seed", "N", "seed of the clustering task's k-means", "42"},
               {"--threads", "N", "worker threads (0: all cores)", "0"}});
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (!args.has("--model")) {
        args.usage_error("--model FILE is required", code);
        return code;
    }
    if (!args.has("--sts") && !args.has("--pairs") && !args.has("--classification") && !args.has("--clustering") &&
        !args.has("--retrieval") && !args.has("--reranking")) {
        args.usage_error("give at least one task: --sts, --pairs, --classification, --clustering, --retrieval, --reranking", code);
        return code;
    }
    const auto seed = args.get_int("--seed", 42), threads = args.get_int("--threads", 0);
    if (!seed || !threads) return kExitUsage;
    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec eval: %s\n", e.what().c_str());
        return kExitInputError;
    };
    const std::string model_path = args.get("--model");
    auto model = semvec::load_model(model_path);
    if (!model) return fail(model.error());
    Evaluator ev{*model, {}, args.get("--save-vectors"), static_cast<unsigned>(*threads)};
    ev.encode.threads = ev.threads;
    Json report;
    report["model"] = model_path;
    std::vector<std::array<std::string, 3>> rows;  // task, metric, value
    auto add = [&](const std::string& task, const std::string& metric, double v) {
        report["tasks"][task][metric] = v;
        rows.push_back({task, metric, semvec::detail::format_fixed(v, 4)});
    };

    if (args.has("--sts") || args.has("--pairs")) {
        for (const char* task : {"sts", "pairs"}) {
            if (!args.has(std::string("--") + task)) continue;
            const std::string path = args.get(std::string("--") + task);
            std::vector<double> gold;
            std::vector<std::string> a, b;
            if (auto st = read_pairs(path, gold, a, b); !st) return fail(st.error());
            auto ea = ev.embed(a, path, std::string(task) + "_a");
            if (!ea) return fail(ea.error());
            auto eb = ev.embed(b, path, std::string(task) + "_b");
            if (!eb) return fail(eb.error());
            const auto cos = row_cosines(*ea, *eb);
            if (std::string(task) == "sts") {
                auto s = semvec::spearman(cos, gold);
                if (!s) return fail(s.error().with_source(path));
                add("sts", "cosine_spearman", *s);
                auto p = semvec::pearson(cos, gold);
                if (p) add("sts", "cosine_pearson", *p);
            } else {
                std::vector<int> labels;
                for (double g : gold) labels.push_back(g != 0);
                auto ap = semvec::average_precision(labels, cos);
                if (!ap) return fail(ap.error().with_source(path));
                add("pairs", "cosine_ap", *ap);
            }
        }
    }
    if (args.has("--classification")) {
        const std::string path = args.get("--classification");
        std::vector<std::int32_t> y;
        std::vector<std::string> texts;
        if (auto st = read_labelled(path, y, texts); !st) return fail(st.error());
        auto X = ev.embed(texts, path, "classification");
        if (!X) return fail(X.error());
        auto folds = semvec::stratified_kfold(y, 5);
        if (!folds) return fail(folds.error().with_source(path));
        semvec::LogisticRegressionOptions lo;
        lo.threads = ev.threads;
        auto cv = semvec::cross_validate(view_of(*X), y, *folds,
                                         [&](const semvec::Matrix& a, const std::vector<std::int32_t>& b, const semvec::Matrix& c)
                                             -> semvec::Result<std::vector<std::int32_t>> {
                                             auto m = semvec::fit_logistic_regression(view_of(a), b, lo);
                                             if (!m) return m.error();
                                             return semvec::predict(*m, view_of(c), lo.threads);
                                         });
        if (!cv) return fail(cv.error().with_source(path));
        if (auto st = ev.save_ints("classification_labels", y); !st) return fail(st.error());
        if (auto st = ev.save_ints("classification_folds", *folds); !st) return fail(st.error());
        if (auto st = ev.save_ints("classification_predictions", cv->predictions); !st) return fail(st.error());
        add("classification", "accuracy", cv->mean_accuracy);
        add("classification", "f1_macro", cv->mean_f1_macro);
    }
    if (args.has("--clustering")) {
        const std::string path = args.get("--clustering");
        std::vector<std::int32_t> y;
        std::vector<std::string> texts;
        if (auto st = read_labelled(path, y, texts); !st) return fail(st.error());
        auto X = ev.embed(texts, path, "clustering");
        if (!X) return fail(X.error());
        const std::size_t k = std::set<std::int32_t>(y.begin(), y.end()).size();
        semvec::KMeansOptions ko;
        ko.seed = static_cast<std::uint64_t>(*seed);
        ko.threads = ev.threads;
        auto km = semvec::kmeans(view_of(*X), k, ko);
        if (!km) return fail(km.error().with_source(path));
        if (auto st = ev.save_ints("clustering_labels", y); !st) return fail(st.error());
        if (auto st = ev.save_ints("clustering_predictions", km->labels); !st) return fail(st.error());
        add("clustering", "v_measure", semvec::v_measure(y, km->labels)->v_measure);
    }
    if (args.has("--retrieval")) {
        const std::string dir = args.get("--retrieval");
        auto corpus = read_jsonl(dir + "/corpus.jsonl");
        if (!corpus) return fail(corpus.error());
        auto queries = read_jsonl(dir + "/queries.jsonl");
        if (!queries) return fail(queries.error());
        auto qrels = read_lines(dir + "/qrels/test.tsv", "qrels");
        if (!qrels) return fail(qrels.error());
        std::map<std::string, std::int64_t> doc_id;
        std::vector<std::string> docs;
        for (const auto& d : *corpus) {
            const std::string title = json_text(d, "title"), text = json_text(d, "text");
            doc_id.emplace(json_text(d, "_id"), static_cast<std::int64_t>(docs.size()));
            docs.push_back(title.empty() ? text : title + " " + text);
        }
        std::map<std::string, std::vector<std::pair<std::int64_t, double>>> judged;
        for (std::size_t i = 1; i < qrels->size(); ++i) {  // the first line is the header
            const auto f = split_tabs((*qrels)[i]);
            if (f.size() < 3)
                return fail(semvec::make_error(semvec::ErrorCode::invalid_data, "expected query-id, corpus-id, score",
                                               dir + "/qrels/test.tsv", "line " + std::to_string(i + 1)));
            auto score = parse_number(f[2], dir + "/qrels/test.tsv", i + 1);
            if (!score) return fail(score.error());
            const auto it = doc_id.find(f[1]);
            if (it != doc_id.end()) judged[f[0]].push_back({it->second, *score});
        }
        std::vector<std::string> qtexts, qids;
        for (const auto& q : *queries)
            if (judged.count(json_text(q, "_id"))) {
                qids.push_back(json_text(q, "_id"));
                qtexts.push_back(json_text(q, "text"));
            }
        if (qtexts.empty()) return fail(semvec::make_error(semvec::ErrorCode::invalid_data, "no query has a judged document", dir));
        auto D = ev.embed(docs, dir + "/corpus.jsonl", "retrieval_corpus");
        if (!D) return fail(D.error());
        auto Q = ev.embed(qtexts, dir + "/queries.jsonl", "retrieval_queries");
        if (!Q) return fail(Q.error());
        semvec::TopKOptions to;
        to.k = 100;
        to.threads = ev.threads;
        auto hits = semvec::top_k(*Q, *D, to);
        if (!hits) return fail(hits.error());
        double ndcg = 0, mrr = 0, recall = 0;
        for (std::size_t q = 0; q < qids.size(); ++q) {
            std::vector<std::int64_t> ranked;
            for (const auto& h : (*hits)[q]) ranked.push_back(static_cast<std::int64_t>(h.index));
            auto at10 = semvec::ranking_scores(ranked, judged[qids[q]], 10), at100 = semvec::ranking_scores(ranked, judged[qids[q]], 100);
            if (!at10 || !at100) continue;  // a query whose judged documents are all grade 0
            ndcg += at10->ndcg;
            mrr += at10->mrr;
            recall += at100->recall;
        }
        const double nq = static_cast<double>(qids.size());
        add("retrieval", "ndcg_at_10", ndcg / nq);
        add("retrieval", "mrr_at_10", mrr / nq);
        add("retrieval", "recall_at_100", recall / nq);
    }
    if (args.has("--reranking")) {
        const std::string path = args.get("--reranking");
        auto items = read_jsonl(path);
        if (!items) return fail(items.error());
        double map = 0, mrr = 0;
        std::size_t n = 0;
        Json saved = Json::array();
        for (std::size_t i = 0; i < items->size(); ++i) {
            const Json& it = (*items)[i];
            std::vector<std::string> cand;
            std::vector<int> rel;
            for (const char* key : {"positive", "negative"})
                if (it.contains(key) && it[key].is_array())
                    for (const auto& t : it[key])
                        if (t.is_string()) {
                            cand.push_back(t.get<std::string>());
                            rel.push_back(std::string(key) == "positive");
                        }
            if (std::find(rel.begin(), rel.end(), 1) == rel.end() || std::find(rel.begin(), rel.end(), 0) == rel.end()) continue;
            auto qv = model->encode({json_text(it, "query")}, ev.encode);
            auto cv = model->encode(cand, ev.encode);
            if (!qv || !cv) return fail((qv ? cv.error() : qv.error()).with_source(path));
            const semvec::Matrix qm = semvec::Matrix(*qv).replicate(cv->rows(), 1);
            const auto cos = row_cosines(qm, *cv);
            auto ap = semvec::average_precision(rel, cos);
            if (!ap) return fail(ap.error().with_source(path));
            std::vector<std::size_t> order(cos.size());
            for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
            std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return cos[x] > cos[y]; });
            double rr = 0;
            for (std::size_t r = 0; r < std::min<std::size_t>(10, order.size()); ++r)
                if (rel[order[r]]) { rr = 1.0 / static_cast<double>(r + 1); break; }
            map += *ap;
            mrr += rr;
            ++n;
            saved.push_back({{"relevant", rel}, {"cosine", cos}});
        }
        if (!n) return fail(semvec::make_error(semvec::ErrorCode::invalid_data, "no item has both positive and negative texts", path));
        if (!ev.save_dir.empty()) {
            auto st = semvec::detail::write_file_atomic(ev.save_dir + "/reranking_scores.json", saved.dump());
            if (!st) return fail(st.error());
        }
        add("reranking", "map", map / static_cast<double>(n));
        add("reranking", "mrr_at_10", mrr / static_cast<double>(n));
    }

    std::printf("%-16s %-18s %s\n", "task", "metric", "score");
    for (const auto& r : rows) std::printf("%-16s %-18s %s\n", r[0].c_str(), r[1].c_str(), r[2].c_str());
    if (args.has("--json")) {
        auto st = semvec::detail::write_file_atomic(args.get("--json"), report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
        if (!st) return fail(st.error());
    }
    return kExitOk;
}

}  // namespace semvec_cli
