// few_shot_images — a classifier from a handful of photos, with no training: embed every image with an image
// model (e.g. Coral's MobileNet V1 embedding extractor, converted by scripts/convert.py), average the
// L2-normalized vectors of each class's training photos, and give each test photo the class of the nearest mean
// (cosine). This is Coral's "weight imprinting" done on the CPU.
//
//   few_shot_images MODEL.safetensors DIR      DIR holds CLASS_train_N.(png|jpg|bmp) and CLASS_test_N.(…)
// Prints one line per test photo and exits 1 when any is misclassified.
#include <semvec/semvec.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: few_shot_images MODEL.safetensors DIR\n");
        return 2;
    }
    auto model = semvec::load_model(argv[1]);
    if (!model) return std::fprintf(stderr, "%s\n", model.error().what().c_str()), 1;
    if (!model->is_image_model()) return std::fprintf(stderr, "%s is not an image model\n", argv[1]), 1;

    // CLASS_train_N / CLASS_test_N files, in sorted order.
    std::vector<std::string> paths, classes;
    std::vector<bool> is_train;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(argv[2])) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const std::string stem = f.stem().string();
        for (const char* kind : {"_train_", "_test_"}) {
            const auto at = stem.find(kind);
            if (at == std::string::npos) continue;
            paths.push_back(f.string());
            classes.push_back(stem.substr(0, at));
            is_train.push_back(std::string(kind) == "_train_");
        }
    }
    semvec::ImageEncodeOptions o;
    o.normalize = true;
    auto v = model->encode_images(paths, o);
    if (!v) return std::fprintf(stderr, "%s\n", v.error().what().c_str()), 1;

    std::map<std::string, Eigen::RowVectorXf> means;  // class → normalized mean of its training vectors
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (!is_train[i]) continue;
        auto it = means.emplace(classes[i], Eigen::RowVectorXf::Zero(v->cols())).first;
        it->second += v->row(static_cast<Eigen::Index>(i));
    }
    for (auto& m : means) m.second.normalize();

    int wrong = 0, tested = 0;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (is_train[i]) continue;
        std::string best;
        float best_cos = -2.0f;
        for (const auto& m : means) {
            const float c = m.second.dot(v->row(static_cast<Eigen::Index>(i)));
            if (c > best_cos) best_cos = c, best = m.first;
        }
        ++tested;
        wrong += best != classes[i];
        std::printf("%-40s -> %-8s (cosine %.3f)%s\n", std::filesystem::path(paths[i]).filename().string().c_str(), best.c_str(),
                    best_cos, best == classes[i] ? "" : "  WRONG");
    }
    std::printf("%d of %d test images right, %zu classes from %zu training images\n", tested - wrong, tested, means.size(),
                paths.size() - static_cast<std::size_t>(tested));
    return wrong == 0 && tested > 0 ? 0 : 1;
}
