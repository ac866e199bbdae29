// cluster_map.cpp — the main job as a library user writes it: embed a labelled corpus, reduce the vectors to
// 2-D with t-SNE, measure how well the groups separate, and write an SVG map.
//
// usage: cluster_map MODEL CORPUS LABELS OUT.svg
#include <semvec/semvec.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

static std::vector<std::string> read_lines(const char* path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

int main(int argc, char** argv) {
    if (argc != 5) return std::fprintf(stderr, "usage: cluster_map MODEL CORPUS LABELS OUT.svg\n"), 2;
    const auto texts = read_lines(argv[2]), labels = read_lines(argv[3]);
    if (texts.empty() || texts.size() != labels.size())
        return std::fprintf(stderr, "%s and %s must have the same number of lines\n", argv[2], argv[3]), 1;

    auto model = semvec::load_model(argv[1]);
    if (!model) return std::fprintf(stderr, "%s\n", model.error().what().c_str()), 1;
    auto vectors = model->encode(texts);  // N × D
    if (!vectors) return std::fprintf(stderr, "%s\n", vectors.error().what().c_str()), 1;

    semvec::TsneOptions tsne;
    tsne.metric = semvec::Metric::cosine;  // text vectors compare by angle
    tsne.perplexity = 20;
    auto points = semvec::tsne(*vectors, tsne);  // N × 2
    if (!points) return std::fprintf(stderr, "%s\n", points.error().what().c_str()), 1;

    // How well do the groups separate? The label of each point against its 10 nearest neighbours in 2-D.
    std::map<std::string, std::int64_t> ids;
    std::vector<std::int64_t> classes;
    for (const auto& l : labels) classes.push_back(ids.emplace(l, static_cast<std::int64_t>(ids.size())).first->second);
    const semvec::MatrixView map(points->data(), points->rows(), points->cols());
    auto accuracy = semvec::knn_label_accuracy(map, classes, 10);
    if (!accuracy) return std::fprintf(stderr, "%s\n", accuracy.error().what().c_str()), 1;

    semvec::PlotOptions plot;
    plot.labels = labels;
    plot.texts = texts;  // SVG tooltips
    plot.title = "semvec: " + std::to_string(texts.size()) + " texts, t-SNE";
    if (auto st = semvec::write_svg(argv[4], *points, plot); !st)
        return std::fprintf(stderr, "%s\n", st.error().what().c_str()), 1;
    std::printf("wrote %s: %zu texts in %zu groups, 10-NN label accuracy in 2-D %.3f\n", argv[4], texts.size(),
                ids.size(), *accuracy);
    return *accuracy >= 0.8 ? 0 : 3;
}
