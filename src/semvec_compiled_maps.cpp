// semvec::compiled, part 2 of 2: the definitions of the vector side (search, kNN, reducers, clustering,
// classification, topics, recommendations, evaluation, plots). See semvec_compiled_text.cpp.
#define SEMVEC_IMPLEMENTATION
#include <semvec/metric.hpp>
#include <semvec/search.hpp>
#include <semvec/index/quantize.hpp>
#include <semvec/index/index.hpp>
#include <semvec/knn.hpp>
#include <semvec/reduce/metrics.hpp>
#include <semvec/reduce/sne.hpp>
#include <semvec/reduce/tsne.hpp>
#include <semvec/reduce/umap.hpp>
#include <semvec/cluster/kmeans.hpp>
#include <semvec/cluster/hdbscan.hpp>
#include <semvec/cluster/metrics.hpp>
#include <semvec/classify/logistic_regression.hpp>
#include <semvec/classify/knn_classifier.hpp>
#include <semvec/classify/cross_validation.hpp>
#include <semvec/classify/metrics.hpp>
#include <semvec/topics/ctfidf.hpp>
#include <semvec/topics/topics.hpp>
#include <semvec/recommend.hpp>
#include <semvec/eval/metrics.hpp>
#include <semvec/plot/svg.hpp>
#include <semvec/plot/html.hpp>
