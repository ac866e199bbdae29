// semvec/index/index.hpp — approximate nearest-neighbour search over embeddings, saved in one file.
//
//   semvec::IndexOptions o;  o.model = "all-MiniLM-L6-v2";           // recorded in the file, checked on load
//   auto index = semvec::Index::build(vectors, o);                    // Result<Index>
//   auto hits = index->search(queries, {});                           // 10 best per query (semvec::Hit)
//   index->save("corpus.svx");  auto again = semvec::Index::load("corpus.svx", {"all-MiniLM-L6-v2", 384});
//
// Three precisions (IndexOptions::precision, see quantize.hpp):
// - float32: an HNSW graph (hnsw.hpp) over the float vectors;
// - int8: the same graph over int8 codes (4× less vector memory); a float query is scored against the
//   decoded codes (asymmetric distance), so queries are never quantized;
// - binary: sentence-transformers' "search binary, rescore with int8": every stored vector's sign bits are
//   scanned by Hamming distance (no graph: 1 bit per dimension is 32× less than float32), the
//   k · rescore nearest are rescored by the float query against their int8 codes, and the k best returned.
//   After load() the int8 codes stay in the file's memory mapping: only the pages of rescored rows are read.
// Scores are cosine similarity (rows are normalized on the way in) or dot products, higher is better, as
// top_k() gives them (search.hpp); ties go to the lower id. Ids are row numbers in insertion order.
// Determinism: the graph and every result are the same bits for any thread count (hnsw.hpp says how).
// Thread safety: search() on a const Index from many threads at once; add() needs exclusive access.
//
// File: "SEMVECIX", u32 version (1), u32 0, u64 header length, a JSON header (model, dim, precision, metric,
// count, m, ef_construction, seed, max_level, entry, sections: name → [offset, bytes]), then the sections,
// each 64-byte aligned: float32: vectors, levels, links0, upper; int8: codes, int8_start, int8_step, levels,
// links0, upper; binary: bits, codes, int8_start, int8_step. All little-endian. The reader checks every size,
// id and count before it uses one (malformed files are ErrorCode::invalid_data, never a crash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../matrix.hpp"
#include "../metric.hpp"
#include "../result.hpp"
#include "../search.hpp"
#include "quantize.hpp"

namespace semvec {

/// Options of Index::build().
struct IndexOptions {
    /// The embedding model's name, stored in the file; load() refuses another model's name. Default "" (none).
    std::string model;
    /// Score: cosine (rows normalized on the way in) or dot. Default cosine.
    Metric metric = Metric::cosine;
    /// How vectors are stored: float32, int8 (graph over int8 codes) or binary (Hamming scan + int8 rescoring).
    /// Default float32.
    Precision precision = Precision::float32;
    /// Graph links per node on the upper layers (2m on layer 0), 2 to 256. Default 16 (hnswlib's).
    std::size_t m = 16;
    /// Candidates kept while inserting a node. Default 200 (hnswlib's).
    std::size_t ef_construction = 200;
    /// Seed of the node levels. Default 42.
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all cores. Default 0. The index does not depend on it.
    unsigned threads = 0;
    /// int8 and binary: the int8 ranges (int8_ranges()). Default: calibrated on the vectors given to build().
    std::optional<Int8Ranges> int8_ranges;
};

/// Options of Index::search().
struct IndexSearchOptions {
    /// Hits per query (fewer when the index holds fewer). Default 10.
    std::size_t k = 10;
    /// Graph search breadth (float32, int8): candidates kept on layer 0, at least k. Higher is slower and more
    /// exact. Default 64.
    std::size_t ef = 64;
    /// binary: candidates per hit taken from the Hamming scan and rescored with int8 (k · rescore); 0 = by the
    /// bit count, max(10, 6000 / dim): fewer sign bits tell neighbours apart less well, so they need a deeper
    /// rescore (384-d: 15, 100-d: 60, 600-d and more: 10). Default 0.
    std::size_t rescore = 0;
    /// Ids never returned (filtered search); each must be < size(). Default none.
    std::vector<std::size_t> exclude;
    /// Worker threads over the queries; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// What load() expects of the file: a mismatch is ErrorCode::invalid_argument naming both sides.
struct IndexLoadOptions {
    /// The model the queries come from; "" accepts any. Default "".
    std::string model;
    /// The query dimension; 0 accepts any. Default 0.
    std::size_t dim = 0;
};

/// An ANN index over embeddings (float32, int8 or binary). Move-only.
class Index {
public:
    /// Builds an index over `vectors` (N×D, N ≥ 1; no NaN/Inf).
    SEMVEC_API static Result<Index> build(Eigen::Ref<const Matrix> vectors, const IndexOptions& options = {});
    /// Reads an index file, checking it against `expect`.
    SEMVEC_API static Result<Index> load(const std::string& path, const IndexLoadOptions& expect = {});
    /// An index from a file's bytes in memory (copied; `name` is used in messages).
    SEMVEC_API static Result<Index> parse(const unsigned char* bytes, std::size_t size, const std::string& name = "<buffer>",
                                          const IndexLoadOptions& expect = {});

    /// Appends vectors (ids continue from size()); int8/binary use the stored int8 ranges.
    SEMVEC_API Status add(Eigen::Ref<const Matrix> vectors, unsigned threads = 0);
    /// The best `options.k` stored vectors for each query row, best first.
    SEMVEC_API Result<std::vector<std::vector<Hit>>> search(Eigen::Ref<const Matrix> queries, const IndexSearchOptions& options = {}) const;
    /// Writes the index to one file (a temporary beside it, then renamed).
    SEMVEC_API Status save(const std::string& path) const;

    SEMVEC_API std::size_t size() const;
    SEMVEC_API std::size_t dim() const;
    SEMVEC_API const std::string& model() const;
    SEMVEC_API Precision precision() const;
    SEMVEC_API Metric metric() const;
    SEMVEC_API std::size_t m() const;
    SEMVEC_API std::size_t ef_construction() const;
    /// Highest graph layer (−1 for binary, which has no graph).
    SEMVEC_API int max_level() const;
    /// Bytes held in memory: vectors or codes, graph, ranges (mapped int8 codes of a loaded binary index not).
    SEMVEC_API std::size_t memory_bytes() const;

    SEMVEC_API Index(Index&&) noexcept;
    SEMVEC_API Index& operator=(Index&&) noexcept;
    SEMVEC_API ~Index();

private:
    struct Impl;
    SEMVEC_API explicit Index(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// The name a model is recorded under in an index: its `semvec.source` note up to " (" (the converted
/// folder's name, e.g. "all-MiniLM-L6-v2"), else the file name without its extension.
SEMVEC_API std::string index_model_name(std::string_view source_note, std::string_view model_path);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "../io/safetensors.hpp"
#include "../util/file_io.hpp"
#include "../util/parallel.hpp"
#include "hnsw.hpp"

namespace semvec {

namespace detail {

SEMVEC_SIMD_NAMESPACE_BEGIN  // the spaces inline the per-level kernels of hnsw.hpp

/// Distances over float vectors stored `stride` bytes apart: 1 − dot (cosine on normalized rows).
struct FloatSpace {
    const unsigned char* base;
    std::size_t stride;
    std::size_t dim;
    struct Query {
        const float* v;
    };
    const float* vec(std::uint32_t id) const { return reinterpret_cast<const float*>(base + std::size_t{id} * stride); }
    Query prepare(const float* x) const { return {x}; }
    float dist(const Query& q, std::uint32_t id) const { return 1.0f - dot_f32(q.v, vec(id), dim); }
    float node_dist(std::uint32_t a, std::uint32_t b) const { return 1.0f - dot_f32(vec(a), vec(b), dim); }
};

/// Distances over int8 codes stored `stride` bytes apart: 1 − q·decode(c), with q·decode(c) = c0 + Σ q[d]·step[d]·c[d].
struct Int8Space {
    const unsigned char* base;
    std::size_t stride;
    const float* start;
    const float* step;
    std::size_t dim;
    struct Query {
        std::vector<float> w;
        float c0 = 0.0f;
    };
    const std::int8_t* code(std::uint32_t id) const {
        return reinterpret_cast<const std::int8_t*>(base + std::size_t{id} * stride);
    }
    Query prepare(const float* x) const {
        Query q;
        q.w.resize(dim);
        double c0 = 0.0;
        for (std::size_t d = 0; d < dim; ++d) {
            q.w[d] = x[d] * step[d];
            c0 += static_cast<double>(x[d]) * (static_cast<double>(start[d]) + 128.0 * step[d]);
        }
        q.c0 = static_cast<float>(c0);
        return q;
    }
    float score(const Query& q, std::uint32_t id) const { return q.c0 + dot_f32_i8(q.w.data(), code(id), dim); }
    float dist(const Query& q, std::uint32_t id) const { return 1.0f - score(q, id); }
    float node_dist(std::uint32_t a, std::uint32_t b) const {
        const std::int8_t* ca = code(a);
        const std::int8_t* cb = code(b);
        float acc[16] = {};
        std::size_t i = 0;
        for (; i + 16 <= dim; i += 16)
            for (int l = 0; l < 16; ++l) {
                const std::size_t d = i + static_cast<std::size_t>(l);
                const float va = start[d] + (static_cast<float>(ca[d]) + 128.0f) * step[d];
                const float vb = start[d] + (static_cast<float>(cb[d]) + 128.0f) * step[d];
                acc[l] += va * vb;
            }
        float s = 0.0f;
        for (int l = 0; l < 16; ++l) s += acc[l];
        for (; i < dim; ++i)
            s += (start[i] + (static_cast<float>(ca[i]) + 128.0f) * step[i]) * (start[i] + (static_cast<float>(cb[i]) + 128.0f) * step[i]);
        return 1.0f - s;
    }
};

SEMVEC_SIMD_NAMESPACE_END

inline constexpr char kIndexMagic[8] = {'S', 'E', 'M', 'V', 'E', 'C', 'I', 'X'};
inline constexpr std::uint32_t kIndexVersion = 1;
inline constexpr std::uint64_t kIndexMaxHeader = 1u << 20;

/// Deepest nesting of brackets in a JSON text (outside strings), to refuse hostile headers before parsing.
inline std::size_t json_depth(const char* s, std::size_t n) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

template <class T>
std::vector<unsigned char> as_bytes(const T* p, std::size_t n) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return std::vector<unsigned char>(b, b + n * sizeof(T));
}

}  // namespace detail

struct Index::Impl {
    std::string model;
    Metric metric = Metric::cosine;
    Precision precision = Precision::float32;
    std::size_t dim = 0;
    std::size_t count = 0;
    Int8Ranges ranges;                   // int8, binary
    std::vector<std::int8_t> codes;      // binary (rescoring); empty while mapped
    const std::int8_t* mapped_codes = nullptr;
    std::shared_ptr<detail::FileBytes> mapping;
    std::vector<std::uint8_t> bits;      // binary
    std::size_t bytes_per_row = 0;       // binary
    std::uint64_t codes_offset = 0;      // parse(): where the codes lie in the file
    detail::HnswGraph graph;             // float32, int8: the graph, whose node blocks hold the vectors or codes

    const std::int8_t* code_data() const { return mapped_codes ? mapped_codes : codes.data(); }
    detail::FloatSpace float_space() const { return {graph.nodes.data(), graph.nodes.stride(), dim}; }
    detail::Int8Space int8_space() const {
        if (precision == Precision::int8)
            return {graph.nodes.data(), graph.nodes.stride(), ranges.start.data(), ranges.step.data(), dim};
        return {reinterpret_cast<const unsigned char*>(code_data()), dim, ranges.start.data(), ranges.step.data(), dim};
    }
    /// The stored vectors (float32) or codes (int8) of the graph's nodes, row after row, as the file holds them.
    std::vector<unsigned char> node_payloads() const {
        const std::size_t b = graph.nodes.payload_bytes();
        std::vector<unsigned char> out(count * b);
        for (std::size_t i = 0; i < count; ++i)
            std::memcpy(out.data() + i * b, graph.nodes.payload(static_cast<std::uint32_t>(i)), b);
        return out;
    }
    /// Copies mapped codes into memory (before add() appends to them; binary).
    void own_codes() {
        if (!mapped_codes) return;
        codes.assign(mapped_codes, mapped_codes + count * dim);
        mapped_codes = nullptr;
        mapping.reset();
    }
};

SEMVEC_API Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SEMVEC_API Index::Index(Index&&) noexcept = default;
SEMVEC_API Index& Index::operator=(Index&&) noexcept = default;
SEMVEC_API Index::~Index() = default;

SEMVEC_API std::size_t Index::size() const { return impl_->count; }
SEMVEC_API std::size_t Index::dim() const { return impl_->dim; }
SEMVEC_API const std::string& Index::model() const { return impl_->model; }
SEMVEC_API Precision Index::precision() const { return impl_->precision; }
SEMVEC_API Metric Index::metric() const { return impl_->metric; }
SEMVEC_API std::size_t Index::m() const { return impl_->graph.m; }
SEMVEC_API std::size_t Index::ef_construction() const { return impl_->graph.ef_construction; }
SEMVEC_API int Index::max_level() const { return impl_->precision == Precision::binary ? -1 : impl_->graph.max_level; }

SEMVEC_API std::size_t Index::memory_bytes() const {
    const Impl& im = *impl_;
    std::size_t b = im.codes.capacity() + im.bits.capacity() +
                    (im.ranges.start.capacity() + im.ranges.step.capacity()) * sizeof(float);
    if (im.precision != Precision::binary) b += im.graph.memory_bytes();
    return b;
}

SEMVEC_API std::string index_model_name(std::string_view source_note, std::string_view model_path) {
    if (const auto cut = source_note.find(" ("); cut != std::string_view::npos && cut > 0)
        return std::string(source_note.substr(0, cut));
    if (!source_note.empty()) return std::string(source_note);
    std::string_view name = model_path;
    if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name = name.substr(slash + 1);
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
    return std::string(name);
}

SEMVEC_API Result<Index> Index::build(Eigen::Ref<const Matrix> vectors, const IndexOptions& options) {
    if (vectors.rows() == 0 || vectors.cols() == 0)
        return make_error(ErrorCode::invalid_argument, "an index needs at least one vector of at least one dimension");
    if (options.metric == Metric::euclidean)
        return make_error(ErrorCode::invalid_argument, "an index ranks by cosine or dot, not euclidean");
    if (options.m < 2 || options.m > 256)
        return make_error(ErrorCode::invalid_argument, "index m must be in [2, 256], got " + std::to_string(options.m));
    if (options.ef_construction < 1 || options.ef_construction > 100000)
        return make_error(ErrorCode::invalid_argument, "index ef_construction must be in [1, 100000], got " +
                                                           std::to_string(options.ef_construction));
    auto impl = std::make_unique<Impl>();
    impl->model = options.model;
    impl->metric = options.metric;
    impl->precision = options.precision;
    impl->dim = static_cast<std::size_t>(vectors.cols());
    impl->graph.m = options.m;
    impl->graph.m0 = 2 * options.m;
    impl->graph.ef_construction = options.ef_construction;
    impl->graph.seed = options.seed;
    impl->bytes_per_row = (impl->dim + 7) / 8;
    impl->graph.nodes.configure(impl->dim * (options.precision == Precision::float32 ? sizeof(float) : 1), impl->graph.m0);
    if (options.precision != Precision::float32) {
        if (options.int8_ranges) {
            if (options.int8_ranges->start.size() != impl->dim || options.int8_ranges->step.size() != impl->dim)
                return make_error(ErrorCode::invalid_argument, "int8 ranges have " +
                                                                   std::to_string(options.int8_ranges->start.size()) +
                                                                   " dimensions but the vectors " + std::to_string(impl->dim));
            impl->ranges = *options.int8_ranges;
        } else {
            SEMVEC_TRY_STATUS(detail::require_finite(vectors, "index vectors"));
            const Matrix x = options.metric == Metric::cosine ? detail::unit_rows(Matrix(vectors)) : Matrix(vectors);
            auto r = int8_ranges(x);
            if (!r) return r.error();
            impl->ranges = std::move(*r);
        }
    }
    Index index(std::move(impl));
    SEMVEC_TRY_STATUS(index.add(vectors, options.threads));
    return index;
}

SEMVEC_API Status Index::add(Eigen::Ref<const Matrix> vectors, unsigned threads) {
    Impl& im = *impl_;
    const std::size_t n = static_cast<std::size_t>(vectors.rows());
    if (n == 0) return {};
    if (static_cast<std::size_t>(vectors.cols()) != im.dim)
        return make_error(ErrorCode::invalid_argument, "vectors have " + std::to_string(vectors.cols()) +
                                                           " dimensions but the index " + std::to_string(im.dim));
    if (im.count + n >= std::numeric_limits<std::uint32_t>::max())
        return make_error(ErrorCode::resource_limit, "an index holds fewer than 2^32 − 1 vectors");
    SEMVEC_TRY_STATUS(detail::require_finite(vectors, "index vectors"));
    const Matrix x = im.metric == Metric::cosine ? detail::unit_rows(Matrix(vectors)) : Matrix(vectors);
    const std::size_t D = im.dim;
    auto row_of = [&](std::size_t i) { return x.row(static_cast<Eigen::Index>(i)).data(); };
    switch (im.precision) {
        case Precision::float32:
            im.graph.nodes.resize(im.count + n);
            for (std::size_t i = 0; i < n; ++i)
                std::memcpy(im.graph.nodes.payload(static_cast<std::uint32_t>(im.count + i)), row_of(i), D * sizeof(float));
            im.graph.insert(im.float_space(), n, row_of, threads);
            break;
        case Precision::int8: {
            auto q = quantize_int8(x, im.ranges);
            if (!q) return q.error();
            im.graph.nodes.resize(im.count + n);
            for (std::size_t i = 0; i < n; ++i)
                std::memcpy(im.graph.nodes.payload(static_cast<std::uint32_t>(im.count + i)), q->row(i), D);
            im.graph.insert(im.int8_space(), n, row_of, threads);
            break;
        }
        case Precision::binary: {
            auto q = quantize_int8(x, im.ranges);
            if (!q) return q.error();
            auto b = quantize_binary(x);
            if (!b) return b.error();
            im.own_codes();
            im.codes.insert(im.codes.end(), q->codes.begin(), q->codes.end());
            im.bits.insert(im.bits.end(), b->bits.begin(), b->bits.end());
            break;
        }
    }
    im.count += n;
    return {};
}

SEMVEC_API Result<std::vector<std::vector<Hit>>> Index::search(Eigen::Ref<const Matrix> queries, const IndexSearchOptions& options) const {
    const Impl& im = *impl_;
    if (static_cast<std::size_t>(queries.cols()) != im.dim)
        return make_error(ErrorCode::invalid_argument, "queries have " + std::to_string(queries.cols()) +
                                                           " dimensions but the index " + std::to_string(im.dim));
    SEMVEC_TRY_STATUS(detail::require_finite(queries, "index queries"));
    std::vector<std::uint8_t> excluded;
    if (!options.exclude.empty()) {
        excluded.assign(im.count, 0);
        for (std::size_t id : options.exclude) {
            if (id >= im.count)
                return make_error(ErrorCode::invalid_argument, "excluded id " + std::to_string(id) +
                                                                   " is not in the index of " + std::to_string(im.count) + " vectors");
            excluded[id] = 1;
        }
    }
    const std::size_t Q = static_cast<std::size_t>(queries.rows());
    const std::size_t k = std::min(options.k, im.count);
    std::vector<std::vector<Hit>> out(Q);
    if (Q == 0 || k == 0) return out;
    const Matrix x = im.metric == Metric::cosine ? detail::unit_rows(Matrix(queries)) : Matrix(queries);
    auto skip = [&](std::uint32_t id) { return !excluded.empty() && excluded[id] != 0; };
    const unsigned threads = resolve_threads(options.threads, Q);
    std::vector<detail::SearchScratch> scratch(threads);
    // Without a filter the search loop is compiled without the check.
    auto graph_search = [&](const auto& sp, const float* qv, detail::SearchScratch& s) {
        if (excluded.empty()) im.graph.search(sp, sp.prepare(qv), k, options.ef, s, [](std::uint32_t) { return false; });
        else im.graph.search(sp, sp.prepare(qv), k, options.ef, s, skip);
    };
    parallel_for(Q, threads, [&](std::size_t lo, std::size_t hi, unsigned w) {
        for (std::size_t qi = lo; qi < hi; ++qi) {
            const float* qv = x.row(static_cast<Eigen::Index>(qi)).data();
            auto& hits = out[qi];
            if (im.precision == Precision::float32 || im.precision == Precision::int8) {
                if (im.precision == Precision::float32) graph_search(im.float_space(), qv, scratch[w]);
                else graph_search(im.int8_space(), qv, scratch[w]);
                hits.reserve(scratch[w].found.size());
                for (const auto& f : scratch[w].found) hits.push_back({f.second, 1.0f - f.first});
                continue;
            }
            // binary: Hamming scan for k · rescore candidates, then int8 rescoring.
            auto qb = quantize_binary(x.middleRows(static_cast<Eigen::Index>(qi), 1));
            const std::size_t per_hit = options.rescore > 0 ? options.rescore : std::max<std::size_t>(10, 6000 / im.dim);
            const std::size_t C = std::min(im.count, k * per_hit);
            std::vector<std::pair<std::uint32_t, std::uint32_t>> heap;  // (hamming, id), worst on top
            heap.reserve(C + 1);
            const std::uint8_t* qbits = qb->bits.data();
            for (std::size_t i = 0; i < im.count; ++i) {
                if (!excluded.empty() && excluded[i]) continue;
                const auto h = static_cast<std::uint32_t>(hamming_distance(qbits, im.bits.data() + i * im.bytes_per_row, im.bytes_per_row));
                if (heap.size() < C) {
                    heap.push_back({h, static_cast<std::uint32_t>(i)});
                    std::push_heap(heap.begin(), heap.end());
                } else if (h < heap.front().first) {
                    std::pop_heap(heap.begin(), heap.end());
                    heap.back() = {h, static_cast<std::uint32_t>(i)};
                    std::push_heap(heap.begin(), heap.end());
                }
            }
            const auto sp = im.int8_space();
            const auto q8 = sp.prepare(qv);
            for (const auto& c : heap) hits.push_back({c.second, sp.score(q8, c.second)});
            std::sort(hits.begin(), hits.end(), detail::hit_before);
            if (hits.size() > k) hits.resize(k);
        }
    });
    return out;
}

SEMVEC_API Status Index::save(const std::string& path) const {
    const Impl& im = *impl_;
    std::vector<std::pair<std::string, std::vector<unsigned char>>> sections;
    auto add_ranges = [&] {
        sections.push_back({"int8_start", detail::as_bytes(im.ranges.start.data(), im.dim)});
        sections.push_back({"int8_step", detail::as_bytes(im.ranges.step.data(), im.dim)});
    };
    auto add_graph = [&] {
        sections.push_back({"levels", detail::as_bytes(im.graph.levels.data(), im.graph.levels.size())});
        std::vector<std::uint32_t> links0(im.count * (im.graph.m0 + 1));
        for (std::size_t i = 0; i < im.count; ++i)
            std::memcpy(links0.data() + i * (im.graph.m0 + 1), im.graph.nodes.links(static_cast<std::uint32_t>(i)),
                        (im.graph.m0 + 1) * 4);
        sections.push_back({"links0", detail::as_bytes(links0.data(), links0.size())});
        sections.push_back({"upper", detail::as_bytes(im.graph.upper.data(), im.graph.upper.size())});
    };
    switch (im.precision) {
        case Precision::float32:
            sections.push_back({"vectors", im.node_payloads()});
            add_graph();
            break;
        case Precision::int8:
            sections.push_back({"codes", im.node_payloads()});
            add_ranges();
            add_graph();
            break;
        case Precision::binary:
            sections.push_back({"bits", detail::as_bytes(im.bits.data(), im.bits.size())});
            sections.push_back({"codes", detail::as_bytes(im.code_data(), im.count * im.dim)});
            add_ranges();
            break;
    }
    nlohmann::json h;
    h["model"] = im.model;
    h["dim"] = im.dim;
    h["precision"] = to_string(im.precision);
    h["metric"] = to_string(im.metric);
    h["count"] = im.count;
    h["m"] = im.graph.m;
    h["ef_construction"] = im.graph.ef_construction;
    h["seed"] = im.graph.seed;
    h["max_level"] = im.precision == Precision::binary ? -1 : im.graph.max_level;
    h["entry"] = im.graph.entry;
    // Offsets depend on the header's length: reserve a length, lay out, and grow the reserve until the text
    // fits (it is padded with spaces to the reserve; JSON allows them).
    std::uint64_t header_len = 256;
    std::vector<std::uint64_t> offsets(sections.size());
    std::string text;
    for (;;) {
        std::uint64_t pos = 24 + header_len;
        nlohmann::json sec = nlohmann::json::object();
        for (std::size_t i = 0; i < sections.size(); ++i) {
            pos = (pos + 63) / 64 * 64;
            offsets[i] = pos;
            sec[sections[i].first] = {pos, sections[i].second.size()};
            pos += sections[i].second.size();
        }
        h["sections"] = sec;
        text = h.dump();
        if (text.size() <= header_len) break;
        header_len = (text.size() + 64) / 64 * 64;
    }
    text.resize(header_len, ' ');
    std::vector<std::vector<unsigned char>> parts;
    std::vector<unsigned char> head(24, 0);
    std::memcpy(head.data(), detail::kIndexMagic, 8);
    const std::uint32_t version = detail::kIndexVersion;
    std::memcpy(head.data() + 8, &version, 4);
    std::memcpy(head.data() + 16, &header_len, 8);
    head.insert(head.end(), text.begin(), text.end());
    std::uint64_t pos = head.size();
    parts.push_back(std::move(head));
    for (std::size_t i = 0; i < sections.size(); ++i) {
        parts.push_back(std::vector<unsigned char>(offsets[i] - pos, 0));
        pos = offsets[i] + sections[i].second.size();
        parts.push_back(std::move(sections[i].second));
    }
    return detail::write_file_atomic(path, [&](std::FILE* f) -> Status {
        for (const auto& p : parts)
            if (!p.empty()) std::fwrite(p.data(), 1, p.size(), f);
        return {};
    });
}

namespace detail {

inline Result<Index> index_bad(const std::string& name, const std::string& what) {
    return make_error(ErrorCode::invalid_data, what, name);
}

}  // namespace detail

SEMVEC_API Result<Index> Index::load(const std::string& path, const IndexLoadOptions& expect) {
    auto fb = detail::FileBytes::map_file(path);
    if (!fb) return fb.error();
    auto idx = parse((*fb)->data(), (*fb)->size(), path, expect);
    if (!idx) return idx;
    Impl& im = *idx->impl_;
    // A loaded binary index rescores from the mapping: only the pages of rescored rows are ever read.
    if (im.precision == Precision::binary && im.count > 0) {
        im.mapped_codes = reinterpret_cast<const std::int8_t*>((*fb)->data() + im.codes_offset);
        im.mapping = *fb;
        std::vector<std::int8_t>().swap(im.codes);
    }
    return idx;
}

SEMVEC_API Result<Index> Index::parse(const unsigned char* bytes, std::size_t size, const std::string& name,
                                      const IndexLoadOptions& expect) {
    using detail::index_bad;
    if (size < 24 || std::memcmp(bytes, detail::kIndexMagic, 8) != 0)
        return index_bad(name, "not a semvec index (no SEMVECIX magic)");
    std::uint32_t version;
    std::uint64_t header_len;
    std::memcpy(&version, bytes + 8, 4);
    std::memcpy(&header_len, bytes + 16, 8);
    if (version != detail::kIndexVersion)
        return make_error(ErrorCode::unsupported, "index format version " + std::to_string(version) +
                                                      " (this semvec reads version 1)", name);
    if (header_len == 0 || header_len > detail::kIndexMaxHeader || header_len > size - 24)
        return index_bad(name, "header length " + std::to_string(header_len) + " does not fit the file");
    const char* htext = reinterpret_cast<const char*>(bytes + 24);
    if (detail::json_depth(htext, header_len) > 4) return index_bad(name, "header nests too deeply");
    const nlohmann::json h = nlohmann::json::parse(htext, htext + header_len, nullptr, false);
    if (h.is_discarded() || !h.is_object()) return index_bad(name, "header is not a JSON object");

    auto get_uint = [&](const char* key, std::uint64_t& out) -> bool {
        auto it = h.find(key);
        if (it == h.end() || !it->is_number_unsigned()) return false;
        out = it->get<std::uint64_t>();
        return true;
    };
    auto get_str = [&](const char* key, std::string& out) -> bool {
        auto it = h.find(key);
        if (it == h.end() || !it->is_string()) return false;
        out = it->get<std::string>();
        return true;
    };
    std::string model, precision_s, metric_s;
    std::uint64_t dim = 0, count = 0, m = 0, efc = 0, seed = 0, entry = 0;
    if (!get_str("model", model) || !get_str("precision", precision_s) || !get_str("metric", metric_s) ||
        !get_uint("dim", dim) || !get_uint("count", count) || !get_uint("m", m) || !get_uint("ef_construction", efc) ||
        !get_uint("seed", seed) || !get_uint("entry", entry))
        return index_bad(name, "header lacks a field (model, dim, precision, metric, count, m, ef_construction, seed, entry)");
    auto ml = h.find("max_level");
    if (ml == h.end() || !ml->is_number_integer()) return index_bad(name, "header lacks max_level");
    const std::int64_t max_level = ml->get<std::int64_t>();
    auto precision = parse_precision(precision_s);
    if (!precision) return make_error(ErrorCode::unsupported, precision.error().message, name);
    auto metric = parse_metric(metric_s);
    if (!metric || *metric == Metric::euclidean) return make_error(ErrorCode::unsupported, "index metric '" + metric_s + "'", name);
    if (dim == 0 || dim > (1u << 20)) return index_bad(name, "dim " + std::to_string(dim) + " out of range");
    if (count >= std::numeric_limits<std::uint32_t>::max()) return index_bad(name, "count out of range");
    if (m < 2 || m > 256 || efc < 1 || efc > 100000) return index_bad(name, "m or ef_construction out of range");
    if (!expect.model.empty() && !model.empty() && expect.model != model)
        return make_error(ErrorCode::invalid_argument, "index was built with vectors of model '" + model +
                                                           "' but the queries come from model '" + expect.model + "'", name);
    if (expect.dim != 0 && expect.dim != dim)
        return make_error(ErrorCode::invalid_argument, "index holds " + std::to_string(dim) + "-dimensional vectors "
                                                       "but the queries have " + std::to_string(expect.dim), name);

    auto secs = h.find("sections");
    if (secs == h.end() || !secs->is_object()) return index_bad(name, "header lacks sections");
    // The bytes of section `key`, which must hold exactly `expected` bytes and lie inside the file.
    auto section = [&](const char* key, std::uint64_t expected, const unsigned char*& out) -> Status {
        auto it = secs->find(key);
        if (it == secs->end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number_unsigned() ||
            !(*it)[1].is_number_unsigned())
            return make_error(ErrorCode::invalid_data, "section '" + std::string(key) + "' missing or malformed", name);
        const std::uint64_t off = (*it)[0].get<std::uint64_t>(), len = (*it)[1].get<std::uint64_t>();
        if (len != expected)
            return make_error(ErrorCode::invalid_data, "section '" + std::string(key) + "' holds " + std::to_string(len) +
                                                           " bytes, expected " + std::to_string(expected), name);
        if (off < 24 + header_len || off > size || len > size - off)
            return make_error(ErrorCode::invalid_data, "section '" + std::string(key) + "' lies outside the file", name);
        out = bytes + off;
        return {};
    };
    auto impl = std::make_unique<Impl>();
    Impl& im = *impl;
    im.model = model;
    im.metric = *metric;
    im.precision = *precision;
    im.dim = dim;
    im.count = count;
    im.bytes_per_row = (dim + 7) / 8;
    im.graph.m = m;
    im.graph.m0 = 2 * m;
    im.graph.ef_construction = efc;
    im.graph.seed = seed;
    const auto nd = detail::checked_mul(count, dim);
    if (!nd || *nd > size) return index_bad(name, "count × dim exceeds the file");
    const unsigned char* p = nullptr;
    auto read_floats = [&](const char* key, std::size_t n, std::vector<float>& out) -> Status {
        SEMVEC_TRY_STATUS(section(key, n * 4, p));
        out.resize(n);
        if (n) std::memcpy(out.data(), p, n * 4);
        for (std::size_t i = 0; i < n; ++i)
            if (!std::isfinite(out[i]))
                return make_error(ErrorCode::invalid_data, "section '" + std::string(key) + "' holds NaN or Inf at " +
                                                               std::to_string(i), name);
        return {};
    };
    const unsigned char* payloads = nullptr;  // float32: the vectors; int8: the codes (copied into the node blocks)
    if (im.precision == Precision::float32) {
        if (*nd > size / 4) return index_bad(name, "count × dim exceeds the file");
        SEMVEC_TRY_STATUS(section("vectors", *nd * 4, payloads));
        for (std::size_t i = 0; i < *nd; ++i) {
            float v;
            std::memcpy(&v, payloads + 4 * i, 4);
            if (!std::isfinite(v))
                return index_bad(name, "section 'vectors' holds NaN or Inf at " + std::to_string(i));
        }
    } else {
        SEMVEC_TRY_STATUS(section("codes", *nd, p));
        im.codes_offset = static_cast<std::uint64_t>(p - bytes);
        if (im.precision == Precision::int8) payloads = p;
        else im.codes.assign(reinterpret_cast<const std::int8_t*>(p), reinterpret_cast<const std::int8_t*>(p) + *nd);
        SEMVEC_TRY_STATUS(read_floats("int8_start", dim, im.ranges.start));
        SEMVEC_TRY_STATUS(read_floats("int8_step", dim, im.ranges.step));
        for (float s : im.ranges.step)
            if (!(s > 0.0f)) return index_bad(name, "int8_step holds a step that is not positive");
    }
    if (im.precision == Precision::binary) {
        const auto nb = detail::checked_mul(count, im.bytes_per_row);
        if (!nb) return index_bad(name, "count out of range");
        SEMVEC_TRY_STATUS(section("bits", *nb, p));
        im.bits.assign(p, p + *nb);
        if (max_level != -1) return index_bad(name, "a binary index has no graph (max_level must be -1)");
        return Index(std::move(impl));
    }

    // The graph: levels, layer-0 lists, upper lists; every count and id checked.
    auto& g = im.graph;
    SEMVEC_TRY_STATUS(section("levels", count, p));
    g.levels.assign(p, p + count);
    const auto n0 = detail::checked_mul(count, (g.m0 + 1) * 4);
    if (!n0) return index_bad(name, "count out of range");
    SEMVEC_TRY_STATUS(section("links0", *n0, p));
    const std::size_t payload_bytes = dim * (im.precision == Precision::float32 ? 4 : 1);
    g.nodes.configure(payload_bytes, g.m0);
    g.nodes.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto id = static_cast<std::uint32_t>(i);
        std::memcpy(g.nodes.payload(id), payloads + i * payload_bytes, payload_bytes);
        std::memcpy(g.nodes.links(id), p + i * (g.m0 + 1) * 4, (g.m0 + 1) * 4);
    }
    g.upper_begin.resize(count);
    std::uint64_t words = 0;
    int top = -1;
    for (std::size_t i = 0; i < count; ++i) {
        if (g.levels[i] > 30) return index_bad(name, "node " + std::to_string(i) + " has level " + std::to_string(g.levels[i]));
        g.upper_begin[i] = words;
        words += std::uint64_t{g.levels[i]} * (g.m + 1);
        top = std::max(top, static_cast<int>(g.levels[i]));
    }
    if (words > size / 4) return index_bad(name, "upper layers exceed the file");
    SEMVEC_TRY_STATUS(section("upper", words * 4, p));
    g.upper.resize(words);
    if (words) std::memcpy(g.upper.data(), p, words * 4);
    if (max_level != top) return index_bad(name, "max_level " + std::to_string(max_level) + " but the highest node level is " + std::to_string(top));
    if (count > 0 && (entry >= count || g.levels[entry] != top))
        return index_bad(name, "entry point " + std::to_string(entry) + " is not a node of the top level");
    g.max_level = static_cast<int>(max_level);
    g.entry = static_cast<std::uint32_t>(entry);
    for (std::size_t i = 0; i < count; ++i)
        for (int l = 0; l <= g.levels[i]; ++l) {
            const std::uint32_t* lst = g.list(static_cast<std::uint32_t>(i), l);
            if (lst[0] > g.capacity(l))
                return index_bad(name, "node " + std::to_string(i) + " has " + std::to_string(lst[0]) + " links on layer " +
                                           std::to_string(l) + " (at most " + std::to_string(g.capacity(l)) + ")");
            for (std::uint32_t j = 1; j <= lst[0]; ++j)
                if (lst[j] >= count || lst[j] == i || g.levels[lst[j]] < l)
                    return index_bad(name, "node " + std::to_string(i) + " links to " + std::to_string(lst[j]) +
                                               " on layer " + std::to_string(l) + ", which is not a node there");
        }
    return Index(std::move(impl));
}

}  // namespace semvec
#endif
