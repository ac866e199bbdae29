// python/src/bindings.cpp — the `semvec._semvec` extension: pybind11 over the header-only library.
//
// Conventions: float32 C-contiguous arrays go in without a copy (other float arrays are converted once,
// non-float dtypes raise TypeError); matrices come out as numpy arrays that own the library's Matrix (no
// copy); the GIL is released around every call into the library, so Python threads sharing one Model run in
// parallel; a semvec::Error becomes the exception class of its ErrorCode (semvec/_errors.py) with the
// library's message.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <semvec/index/index.hpp>
#include <semvec/index/quantize.hpp>
#include <semvec/knn.hpp>
#include <semvec/model/model.hpp>
#include <semvec/plot/html.hpp>
#include <semvec/reduce/tsne.hpp>
#include <semvec/reduce/umap.hpp>
#include <semvec/search.hpp>
#include <semvec/simd/dispatch.hpp>
#include <semvec/version.hpp>

namespace py = pybind11;

namespace {

/// Raises the Python exception of e.code (classes in semvec/_errors.py) with e.what(). GIL held.
[[noreturn]] void raise(const semvec::Error& e) {
    py::object errors = py::module_::import("semvec._errors");
    py::object cls = errors.attr("class_for_code")(semvec::to_string(e.code));
    py::object exc = cls(e.what());
    exc.attr("code") = semvec::to_string(e.code);
    PyErr_SetObject(cls.ptr(), exc.ptr());
    throw py::error_already_set();
}

template <class T>
T take(semvec::Result<T>&& r) {
    if (!r) raise(r.error());
    return std::move(*r);
}

void check(const semvec::Status& s) {
    if (!s) raise(s.error());
}

/// A float32 C-contiguous 2-D view of `obj` (no copy when it already is one). TypeError for non-float dtypes,
/// ValueError for another number of dimensions. `keep` holds the converted array alive.
semvec::MatrixView as_matrix(const py::handle& obj, const char* what, py::object& keep) {
    if (obj.is_none()) throw py::type_error(std::string(what) + " is None; expected a 2-D float array");
    py::array arr = py::array::ensure(obj);
    if (!arr) throw py::type_error(std::string(what) + ": expected a 2-D float array");
    const char kind = arr.dtype().kind();
    if (kind != 'f') {
        throw py::type_error(std::string(what) + ": expected a float array (float32 or float64), got dtype " +
                             std::string(py::str(arr.dtype())));
    }
    if (arr.ndim() != 2)
        throw py::value_error(std::string(what) + ": expected a 2-D array (rows, dimensions), got " +
                              std::to_string(arr.ndim()) + " dimensions");
    auto f32 = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(arr);
    if (!f32) throw py::type_error(std::string(what) + ": cannot convert to float32");
    keep = f32;
    return semvec::MatrixView(f32.data(), f32.shape(0), f32.shape(1));
}

/// A numpy array that owns `m` (moved, not copied).
py::array_t<float> to_numpy(semvec::Matrix&& m) {
    auto* owned = new semvec::Matrix(std::move(m));
    py::capsule base(owned, [](void* p) { delete static_cast<semvec::Matrix*>(p); });
    return py::array_t<float>({owned->rows(), owned->cols()},
                              {static_cast<py::ssize_t>(sizeof(float)) * owned->cols(), static_cast<py::ssize_t>(sizeof(float))},
                              owned->data(), base);
}

template <class T>
py::array_t<T> vector_to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
    auto* owned = new std::vector<T>(std::move(v));
    py::capsule base(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
    return py::array_t<T>(shape, owned->data(), base);
}

/// Texts from a list (or other sequence) of str / UTF-8 bytes; TypeError for None or other types, ValueError
/// (UnicodeDecodeError) for bytes that are not UTF-8.
std::vector<std::string> as_texts(const py::handle& obj) {
    if (obj.is_none()) throw py::type_error("texts is None; expected a list of str");
    if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj))
        throw py::type_error("expected a list of texts, got a single text (wrap it in a list)");
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    if (!PySequence_Check(obj.ptr())) throw py::type_error("texts must be a list of str");
    std::vector<std::string> out;
    out.reserve(py::len(seq));
    std::size_t i = 0;
    for (py::handle item : seq) {
        if (py::isinstance<py::str>(item)) {
            Py_ssize_t n = 0;
            const char* s = PyUnicode_AsUTF8AndSize(item.ptr(), &n);
            if (!s) throw py::error_already_set();  // lone surrogates
            out.emplace_back(s, static_cast<std::size_t>(n));
        } else if (py::isinstance<py::bytes>(item)) {
            std::string b = item.cast<std::string>();
            py::object decoded = py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(b.data(), static_cast<Py_ssize_t>(b.size()), "strict"));
            if (!decoded) throw py::error_already_set();  // UnicodeDecodeError names the byte
            out.push_back(std::move(b));
        } else {
            throw py::type_error("texts[" + std::to_string(i) + "] is " + std::string(py::str(py::type::of(item).attr("__name__"))) +
                                 ", expected str");
        }
        ++i;
    }
    return out;
}

semvec::Metric metric_of(const std::string& s) { return take(semvec::parse_metric(s)); }

/// A loaded model (shared: Python threads may use one object at once).
struct PyModel {
    PyModel(semvec::Model m, std::string p) : model(std::move(m)), path(std::move(p)) {}
    semvec::Model model;  // made only by load_model(): no default constructor
    std::string path;
    std::string name;
};

py::array_t<float> encode(const PyModel& m, py::handle texts, std::size_t batch_size, py::object normalize_embeddings,
                          py::object prompt_name, py::object prompt, bool show_progress_bar, unsigned threads,
                          std::size_t max_length, bool chunk) {
    std::vector<std::string> t = as_texts(texts);
    semvec::EncodeOptions o;
    if (batch_size == 0) throw py::value_error("batch_size must be at least 1");
    o.batch_size = batch_size;
    o.threads = threads;
    o.max_length = max_length;
    o.chunk = chunk;
    if (!normalize_embeddings.is_none()) o.normalize = normalize_embeddings.cast<bool>();
    if (!prompt.is_none()) o.prefix = prompt.cast<std::string>();
    if (!prompt_name.is_none()) {
        if (!prompt.is_none()) throw py::value_error("give prompt or prompt_name, not both");
        raise(semvec::make_error(semvec::ErrorCode::unsupported,
                                 "prompt_name needs named prompts in the model file, which this semvec build does not read "
                                 "yet (issue 14); pass prompt='query: ' instead",
                                 m.path));
    }
    if (show_progress_bar)
        o.progress = [](std::size_t done, std::size_t total) {
            std::fprintf(stderr, "\rBatches: %zu/%zu texts", done, total);
            if (done == total) std::fputc('\n', stderr);
            std::fflush(stderr);
        };
    semvec::Result<semvec::Embeddings> r = semvec::make_error("not run");
    {
        py::gil_scoped_release nogil;
        r = m.model.encode(t, o);
    }
    if (!r) raise(r.error());
    return to_numpy(std::move(static_cast<semvec::Matrix&>(*r)));
}

py::dict tokenize(const PyModel& m, py::handle texts) {
    std::vector<std::string> t = as_texts(texts);
    py::dict out;
    if (!m.model.is_transformer()) {
        py::list tokens;
        for (const auto& s : t) tokens.append(py::cast(m.model.tokenize(s)));
        out["tokens"] = tokens;
        return out;
    }
    std::vector<semvec::TokenizedText> enc(t.size());
    std::size_t longest = 0;
    {
        py::gil_scoped_release nogil;
        for (std::size_t i = 0; i < t.size(); ++i) {
            auto r = m.model.tokenize_for_encoder(t[i]);
            if (!r) {
                py::gil_scoped_acquire gil;
                take(std::move(r));  // raises the error as a Python exception
            }
            enc[i] = std::move(*r);
            longest = std::max(longest, enc[i].ids.size());
        }
    }
    const auto n = static_cast<py::ssize_t>(t.size()), L = static_cast<py::ssize_t>(longest);
    std::vector<std::int64_t> ids(t.size() * longest, 0), types(t.size() * longest, 0), mask(t.size() * longest, 0);
    for (std::size_t i = 0; i < t.size(); ++i)
        for (std::size_t j = 0; j < enc[i].ids.size(); ++j) {
            ids[i * longest + j] = enc[i].ids[j];
            types[i * longest + j] = enc[i].type_ids[j];
            mask[i * longest + j] = 1;
        }
    out["input_ids"] = vector_to_numpy(std::move(ids), {n, L});
    out["token_type_ids"] = vector_to_numpy(std::move(types), {n, L});
    out["attention_mask"] = vector_to_numpy(std::move(mask), {n, L});
    return out;
}

/// (ids int64 Q×k, scores float32 Q×k) from hit lists; −1 / NaN where a query has fewer than k hits.
py::tuple hits_to_numpy(const std::vector<std::vector<semvec::Hit>>& hits, std::size_t k) {
    std::vector<std::int64_t> ids(hits.size() * k, -1);
    std::vector<float> scores(hits.size() * k, std::numeric_limits<float>::quiet_NaN());
    for (std::size_t q = 0; q < hits.size(); ++q)
        for (std::size_t i = 0; i < hits[q].size() && i < k; ++i) {
            ids[q * k + i] = static_cast<std::int64_t>(hits[q][i].index);
            scores[q * k + i] = hits[q][i].score;
        }
    const auto Q = static_cast<py::ssize_t>(hits.size()), K = static_cast<py::ssize_t>(k);
    return py::make_tuple(vector_to_numpy(std::move(ids), {Q, K}), vector_to_numpy(std::move(scores), {Q, K}));
}

}  // namespace

PYBIND11_MODULE(_semvec, mod) {
    mod.doc() = "semvec: text embeddings, search, ANN indexes and 2-D maps on the CPU (C++ core).";
    mod.attr("__version__") = semvec::version();
    mod.def("simd_level", [] { return std::string(semvec::simd_level_name()); }, "The SIMD level the extension was built for.");

    py::class_<PyModel, std::shared_ptr<PyModel>>(mod, "Model", "A loaded semvec model file (see semvec.load_model).")
        .def_property_readonly("path", [](const PyModel& m) { return m.path; }, "The model file.")
        .def_property_readonly("name", [](const PyModel& m) { return m.name; },
                               "The model's name (recorded in index files): the converted folder's name, else the file stem.")
        .def_property_readonly("dim", [](const PyModel& m) { return m.model.dim(); }, "Output vector size.")
        .def("get_sentence_embedding_dimension", [](const PyModel& m) { return m.model.dim(); },
             "Output vector size (sentence-transformers' name).")
        .def_property_readonly("max_seq_length", [](const PyModel& m) { return m.model.max_length(); },
                               "Longest input in tokens, special tokens included.")
        .def_property_readonly("is_transformer", [](const PyModel& m) { return m.model.is_transformer(); })
        .def("_encode", &encode, py::arg("texts"), py::arg("batch_size") = 32, py::arg("normalize_embeddings") = py::none(),
             py::arg("prompt_name") = py::none(), py::arg("prompt") = py::none(), py::arg("show_progress_bar") = false,
             py::arg("threads") = 0u, py::arg("max_length") = 0, py::arg("chunk") = false)
        .def("tokenize", &tokenize, py::arg("texts"),
             "Token ids of each text as the encoder takes them ([CLS] … [SEP], cut to max_seq_length), padded to the\n"
             "longest: {'input_ids', 'token_type_ids', 'attention_mask'} int64 arrays. Static models: {'tokens': [[str]]}.")
        .def("tokens", [](const PyModel& m, const std::string& text) { return m.model.tokenize(text); }, py::arg("text"),
             "The tokens of one text (WordPiece pieces, or the words a static model looks up), no special tokens.");

    mod.def(
        "_load_model",
        [](const std::string& path, bool allow_non_finite) {
            semvec::LoadOptions o;
            o.allow_non_finite = allow_non_finite;
            semvec::Result<semvec::Model> r = semvec::make_error("not run");
            {
                py::gil_scoped_release nogil;
                r = semvec::load_model(path, o);
            }
            auto m = std::make_shared<PyModel>(take(std::move(r)), path);
            m->name = semvec::index_model_name(m->model.info().source_note, path);
            return m;
        },
        py::arg("path"), py::arg("allow_non_finite") = false);

    mod.def(
        "_tsne",
        [](py::handle X, int dims, double perplexity, int iterations, double early_exaggeration, double learning_rate,
           const std::string& metric, const std::string& init, std::uint64_t seed, unsigned threads) {
            py::object keep;
            auto x = as_matrix(X, "X", keep);
            semvec::TsneOptions o;
            o.dims = dims;
            o.perplexity = perplexity;
            o.iterations = iterations;
            o.early_exaggeration = early_exaggeration;
            o.learning_rate = learning_rate;
            o.metric = metric_of(metric);
            if (init == "pca") o.init = semvec::TsneInit::pca;
            else if (init == "random") o.init = semvec::TsneInit::random;
            else throw py::value_error("init must be 'pca' or 'random', got '" + init + "'");
            o.seed = seed;
            o.threads = threads;
            semvec::Result<semvec::Matrix> r = semvec::make_error("not run");
            {
                py::gil_scoped_release nogil;
                r = semvec::tsne(x, o);
            }
            return to_numpy(take(std::move(r)));
        },
        py::arg("X"), py::arg("n_components"), py::arg("perplexity"), py::arg("n_iter"), py::arg("early_exaggeration"),
        py::arg("learning_rate"), py::arg("metric"), py::arg("init"), py::arg("seed"), py::arg("threads"));

    py::class_<semvec::UmapModel, std::shared_ptr<semvec::UmapModel>>(mod, "_UmapModel")
        .def_property_readonly("embedding", [](const semvec::UmapModel& m) { return to_numpy(semvec::Matrix(m.embedding)); })
        .def_property_readonly("a", [](const semvec::UmapModel& m) { return m.a; })
        .def_property_readonly("b", [](const semvec::UmapModel& m) { return m.b; })
        .def_property_readonly("init_used", [](const semvec::UmapModel& m) { return m.init_used; });
    mod.def(
        "_umap_fit",
        [](py::handle X, int n_neighbors, float min_dist, float spread, int dims, int epochs, const std::string& init,
           const std::string& metric, float learning_rate, int negative_sample_rate, float repulsion_strength,
           std::uint64_t seed, unsigned threads) {
            py::object keep;
            auto x = as_matrix(X, "X", keep);
            semvec::UmapOptions o;
            o.n_neighbors = n_neighbors;
            o.min_dist = min_dist;
            o.spread = spread;
            o.dims = dims;
            o.epochs = epochs;
            if (init == "spectral") o.init = semvec::UmapInit::spectral;
            else if (init == "pca") o.init = semvec::UmapInit::pca;
            else if (init == "random") o.init = semvec::UmapInit::random;
            else throw py::value_error("init must be 'spectral', 'pca' or 'random', got '" + init + "'");
            o.metric = metric_of(metric);
            o.learning_rate = learning_rate;
            o.negative_sample_rate = negative_sample_rate;
            o.repulsion_strength = repulsion_strength;
            o.seed = seed;
            o.threads = threads;
            semvec::Result<semvec::UmapModel> r = semvec::make_error("not run");
            {
                py::gil_scoped_release nogil;
                r = semvec::umap_fit(x, o);
            }
            return std::make_shared<semvec::UmapModel>(take(std::move(r)));
        },
        py::arg("X"), py::arg("n_neighbors"), py::arg("min_dist"), py::arg("spread"), py::arg("n_components"),
        py::arg("n_epochs"), py::arg("init"), py::arg("metric"), py::arg("learning_rate"), py::arg("negative_sample_rate"),
        py::arg("repulsion_strength"), py::arg("seed"), py::arg("threads"));
    mod.def(
        "_umap_transform",
        [](const semvec::UmapModel& model, py::handle X, int epochs, std::uint64_t seed, unsigned threads) {
            py::object keep;
            auto x = as_matrix(X, "X", keep);
            semvec::UmapTransformOptions o;
            o.epochs = epochs;
            o.seed = seed;
            o.threads = threads;
            semvec::Result<semvec::Matrix> r = semvec::make_error("not run");
            {
                py::gil_scoped_release nogil;
                r = semvec::umap_transform(model, x, o);
            }
            return to_numpy(take(std::move(r)));
        },
        py::arg("model"), py::arg("X"), py::arg("n_epochs"), py::arg("seed"), py::arg("threads"));

    mod.def(
        "knn",
        [](py::handle X, int k, const std::string& metric, const std::string& method, std::uint64_t seed, unsigned threads) {
            py::object keep;
            auto x = as_matrix(X, "X", keep);
            semvec::KnnOptions o;
            o.k = k;
            o.metric = metric_of(metric);
            if (method == "automatic") o.method = semvec::KnnMethod::automatic;
            else if (method == "exact") o.method = semvec::KnnMethod::exact;
            else if (method == "approximate") o.method = semvec::KnnMethod::approximate;
            else throw py::value_error("method must be 'automatic', 'exact' or 'approximate', got '" + method + "'");
            o.seed = seed;
            o.threads = threads;
            semvec::Result<semvec::KnnGraph> r = semvec::make_error("not run");
            {
                py::gil_scoped_release nogil;
                r = semvec::knn(x, o);
            }
            auto g = take(std::move(r));
            const auto n = static_cast<py::ssize_t>(g.n), kk = static_cast<py::ssize_t>(g.k);
            return py::make_tuple(vector_to_numpy(std::move(g.indices), {n, kk}), vector_to_numpy(std::move(g.distances), {n, kk}));
        },
        py::arg("X"), py::arg("k") = 15, py::arg("metric") = "euclidean", py::arg("method") = "automatic", py::arg("seed") = 42,
        py::arg("threads") = 0u,
        "The k nearest neighbours of every row of X (the row itself excluded): (indices int32 N×k, distances float32\n"
        "N×k), nearest first. metric 'euclidean' or 'cosine' (1 − cos); method 'automatic', 'exact' or 'approximate'.");

    mod.def(
        "top_k",
        [](py::handle queries, py::handle corpus, std::size_t k, const std::string& metric, unsigned threads) {
            py::object kq, kc;
            auto q = as_matrix(queries, "queries", kq);
            auto c = as_matrix(corpus, "corpus", kc);
            semvec::TopKOptions o;
            o.k = k;
            o.metric = metric_of(metric);
            o.threads = threads;
            semvec::Result<std::vector<std::vector<semvec::Hit>>> r = semvec::make_error("not run");
            {
                py::gil_scoped_release nogil;
                r = semvec::top_k(semvec::Matrix(q), semvec::Matrix(c), o);
            }
            return hits_to_numpy(take(std::move(r)), std::min<std::size_t>(k, static_cast<std::size_t>(c.rows())));
        },
        py::arg("queries"), py::arg("corpus"), py::arg("k") = 10, py::arg("metric") = "cosine", py::arg("threads") = 0u,
        "Exact search: the k corpus rows most similar to each query, best first: (ids int64 Q×k, scores float32 Q×k).\n"
        "metric 'cosine' or 'dot'. Ties go to the lower id; the result does not depend on threads.");

    mod.def(
        "write_html",
        [](const std::string& path, py::handle points, std::vector<std::string> texts, std::vector<std::string> labels,
           const std::string& title, double point_size, double opacity) {
            py::object keep;
            auto p = as_matrix(points, "points", keep);
            semvec::PlotOptions o;
            o.texts = std::move(texts);
            o.labels = std::move(labels);
            o.title = title;
            o.point_size = point_size;
            o.opacity = opacity;
            semvec::Status st;
            {
                py::gil_scoped_release nogil;
                st = semvec::write_html(path, p, o);
            }
            check(st);
        },
        py::arg("path"), py::arg("points"), py::arg("texts") = std::vector<std::string>(), py::arg("labels") = std::vector<std::string>(),
        py::arg("title") = "", py::arg("point_size") = 0.0, py::arg("opacity") = 0.0,
        "Writes a self-contained interactive HTML page of 2-D points (N×2), with hover texts and label colours.");

    // Compressed embeddings.
    mod.def(
        "_quantize_int8",
        [](py::handle X, py::handle bounds) {
            py::object kx, kb;
            auto x = as_matrix(X, "embeddings", kx);
            semvec::Int8Ranges r = bounds.is_none() ? take(semvec::int8_ranges(x))
                                                    : take(semvec::int8_ranges_from_bounds(as_matrix(bounds, "ranges", kb)));
            auto q = take(semvec::quantize_int8(x, r));
            const auto n = static_cast<py::ssize_t>(q.rows), d = static_cast<py::ssize_t>(q.cols);
            return vector_to_numpy(std::move(q.codes), {n, d});
        },
        py::arg("embeddings"), py::arg("ranges") = py::none());
    mod.def(
        "_quantize_binary",
        [](py::handle X) {
            py::object kx;
            auto b = take(semvec::quantize_binary(as_matrix(X, "embeddings", kx)));
            const auto n = static_cast<py::ssize_t>(b.rows), d = static_cast<py::ssize_t>(b.bytes_per_row);
            return vector_to_numpy(std::move(b.bits), {n, d});
        },
        py::arg("embeddings"));

    mod.def(
        "_truncate_dims",
        [](py::handle X, std::size_t dim, bool normalize) {
            py::object kx;
            return to_numpy(take(semvec::truncate_dims(as_matrix(X, "embeddings", kx), dim, normalize)));
        },
        py::arg("embeddings"), py::arg("dim"), py::arg("normalize") = true);

    // The ANN index.
    py::class_<semvec::Index, std::shared_ptr<semvec::Index>>(mod, "Index",
        "An ANN index over embeddings, saved in one file (HNSW over float32 or int8, or a binary Hamming scan with int8\n"
        "rescoring). Build with Index.build(vectors, ...), open with Index.load(path, ...).")
        .def_static(
            "build",
            [](py::handle vectors, const std::string& model, const std::string& metric, const std::string& precision, std::size_t m,
               std::size_t ef_construction, std::uint64_t seed, unsigned threads) {
                py::object keep;
                auto x = as_matrix(vectors, "vectors", keep);
                semvec::IndexOptions o;
                o.model = model;
                o.metric = metric_of(metric);
                o.precision = take(semvec::parse_precision(precision));
                o.m = m;
                o.ef_construction = ef_construction;
                o.seed = seed;
                o.threads = threads;
                semvec::Result<semvec::Index> r = semvec::make_error("not run");
                {
                    py::gil_scoped_release nogil;
                    r = semvec::Index::build(x, o);
                }
                return std::make_shared<semvec::Index>(take(std::move(r)));
            },
            py::arg("vectors"), py::arg("model") = "", py::arg("metric") = "cosine", py::arg("precision") = "float32",
            py::arg("m") = 16, py::arg("ef_construction") = 200, py::arg("seed") = 42, py::arg("threads") = 0u,
            "Builds an index over vectors (N×D). model: the embedding model's name, recorded in the file and checked by\n"
            "load(); precision 'float32', 'int8' or 'binary'; metric 'cosine' or 'dot'. Same index for any thread count.")
        .def_static(
            "load",
            [](const std::string& path, const std::string& model, std::size_t dim) {
                semvec::Result<semvec::Index> r = semvec::make_error("not run");
                {
                    py::gil_scoped_release nogil;
                    r = semvec::Index::load(path, {model, dim});
                }
                return std::make_shared<semvec::Index>(take(std::move(r)));
            },
            py::arg("path"), py::arg("model") = "", py::arg("dim") = 0,
            "Opens an index file; a model name or dimension other than the file's raises ValueError (\"\" / 0: any).")
        .def(
            "add",
            [](semvec::Index& ix, py::handle vectors, unsigned threads) {
                py::object keep;
                auto x = as_matrix(vectors, "vectors", keep);
                semvec::Status st;
                {
                    py::gil_scoped_release nogil;
                    st = ix.add(x, threads);
                }
                check(st);
            },
            py::arg("vectors"), py::arg("threads") = 0u, "Appends vectors; their ids continue from len(index).")
        .def(
            "search",
            [](const semvec::Index& ix, py::handle queries, std::size_t k, std::size_t ef, std::size_t rescore,
               std::vector<std::size_t> exclude, unsigned threads) {
                py::object keep;
                auto q = as_matrix(queries, "queries", keep);
                semvec::IndexSearchOptions o;
                o.k = k;
                o.ef = ef;
                o.rescore = rescore;
                o.exclude = std::move(exclude);
                o.threads = threads;
                semvec::Result<std::vector<std::vector<semvec::Hit>>> r = semvec::make_error("not run");
                {
                    py::gil_scoped_release nogil;
                    r = ix.search(q, o);
                }
                return hits_to_numpy(take(std::move(r)), k);
            },
            py::arg("queries"), py::arg("k") = 10, py::arg("ef") = 64, py::arg("rescore") = 0,
            py::arg("exclude") = std::vector<std::size_t>(), py::arg("threads") = 0u,
            "The k best stored vectors per query row: (ids int64 Q×k, scores float32 Q×k), best first; −1 / NaN where\n"
            "fewer exist. ef: graph search breadth; rescore: binary candidates per hit (0: max(10, 6000 / dim)); exclude: ids never returned.")
        .def(
            "save",
            [](const semvec::Index& ix, const std::string& path) {
                semvec::Status st;
                {
                    py::gil_scoped_release nogil;
                    st = ix.save(path);
                }
                check(st);
            },
            py::arg("path"), "Writes the index to one file (atomically).")
        .def("__len__", &semvec::Index::size)
        .def_property_readonly("dim", &semvec::Index::dim)
        .def_property_readonly("model", &semvec::Index::model)
        .def_property_readonly("precision", [](const semvec::Index& ix) { return std::string(semvec::to_string(ix.precision())); })
        .def_property_readonly("metric", [](const semvec::Index& ix) { return std::string(semvec::to_string(ix.metric())); })
        .def_property_readonly("memory_bytes", &semvec::Index::memory_bytes,
                               "Bytes held in memory (a loaded binary index's int8 codes stay in the file mapping).");
}
