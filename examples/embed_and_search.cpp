// embed_and_search.cpp — semvec's "hello world": turn texts into vectors and find the closest one to a query.
#include <semvec/semvec.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    auto model = semvec::load_model(argc > 1 ? argv[1] : "models/glove-6B-100d-top20k-f16.safetensors");
    if (!model) return std::fprintf(stderr, "%s\n", model.error().what().c_str()), 1;

    std::vector<std::string> docs = {"The cat sleeps on the warm sofa", "Stock prices fell sharply on Monday",
                                     "Add tomatoes and garlic to the soup", "The team won the football final"};
    auto vectors = model->encode(docs);                        // 4 × D, one row per text
    auto query = model->encode({"who won the soccer match?"});  // 1 × D
    if (!vectors || !query) return 1;

    // Cosine similarity: the dot product of unit-length rows.
    Eigen::VectorXf scores = vectors->rowwise().normalized() * query->row(0).normalized().transpose();
    for (std::size_t i = 0; i < docs.size(); ++i) std::printf("%.3f  %s\n", scores[i], docs[i].c_str());
    Eigen::Index best;
    scores.maxCoeff(&best);
    std::printf("closest: %s\n", docs[static_cast<std::size_t>(best)].c_str());
    return best == 3 ? 0 : 2;  // the smoke test expects the football text
}
