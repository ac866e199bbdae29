// semvec/vision/vision_model.hpp — an image model file (architecture "cnn"): preprocessing from the file,
// the CNN, labels; images (files, decoded Images, or a caller's pixel buffers) in, N×D vectors out.
//
//   auto m = semvec::load_model("mobilenet.safetensors");         // a Model; m->is_image_model()
//   auto v = m->encode_images(std::vector<std::string>{"a.jpg"});  // Result<Embeddings>, 1 × D
//
// Preprocessing (`semvec.config` field `preprocess`, docs/model-format.md "Image models"): resize (the
// shorter side to `size`, as torchvision's Resize(int); or to exactly [h, w]; or none) with PIL's
// antialiased filter, center crop, then per channel x = (pixel / divisor − mean) / std in float32, as
// torchvision's ToTensor + Normalize compute it.
// Batches: images run through the network a few at a time (CnnEncoder::max_batch: activations ≤ 20 MB per
// thread; larger batches measured slower per image, their activations no longer fit the cache: MobileNet V2 at
// batch 8, 52 MB, ran 1.5× slower per image than at batch 2 on Zen 5), one pass per layer, so a 1×1
// convolution is one GEMM over the pixels of all of them.
// Threads: with N ≥ threads images, each thread runs its own batches; with fewer, each layer's rows are split.
// Either way an image's vector is the same bits for any thread count and batch size.
// Workspaces (the activation arenas) are kept by the model between calls, so repeated calls allocate nothing.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../io/safetensors.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "cnn.hpp"
#include "decode.hpp"
#include "image.hpp"
#include "image_encode_options.hpp"
#include "resize.hpp"

namespace semvec {

/// How an image becomes the network's input (`semvec.config` field `preprocess`).
struct ImagePreprocess {
    enum class Resize { none, shorter, exact };
    Resize resize = Resize::none;            ///< none: the image must already have the input size
    std::size_t size_h = 0, size_w = 0;      ///< shorter: size_h is the shorter side; exact: the target
    std::size_t crop_h = 0, crop_w = 0;      ///< center crop after resizing (0 = none)
    ResizeFilter filter = ResizeFilter::bilinear;
    float divisor = 255.0f;                  ///< pixel / divisor before the mean is subtracted
    std::array<float, 3> mean{{0, 0, 0}};
    std::array<float, 3> std{{1, 1, 1}};
    bool bgr = false;                        ///< feed channels as B, G, R
};

/// encode_image_files' result: one row per image that was read (in input order), and the ones skipped.
struct ImageFileEmbeddings {
    Matrix vectors;                    ///< rows.size() × D
    std::vector<std::size_t> rows;     ///< input index of each row
    std::vector<Error> skipped;        ///< one per unreadable file (with skip_unreadable), in input order
};

/// A loaded image model. Immutable: a const VisionModel may be shared by threads.
class VisionModel {
public:
    /// Reads the CNN config, preprocessing, labels and weights of an "cnn" file.
    static Result<std::shared_ptr<const VisionModel>> load(const SafetensorsFile& file);

    std::size_t dim() const { return encoder_->embedding_dim(); }
    std::size_t num_classes() const { return encoder_->num_classes(); }
    /// Class names (may be empty; else num_classes() entries).
    const std::vector<std::string>& labels() const { return labels_; }
    /// "logits" or "probabilities": what classify() returns.
    const std::string& classifier_output() const { return encoder_->graph().logits_kind; }
    const std::string& family() const { return family_; }
    const ImagePreprocess& preprocess() const { return pre_; }
    const CnnEncoder& encoder() const { return *encoder_; }
    bool default_normalize() const { return normalize_; }

    /// The network input (in_h × in_w × in_c floats, NHWC) of one image.
    Result<std::vector<float>> make_input(const Image& image) const;

    /// Vectors of decoded images (N × D).
    Result<Matrix> encode(const std::vector<Image>& images, const ImageEncodeOptions& options = {}) const;
    /// Vectors of a caller's pixel buffers (RGBA from a game, …), no file I/O.
    Result<Matrix> encode(const std::vector<ImageView>& views, const ImageEncodeOptions& options = {}) const;
    /// Vectors of image files, decoded one at a time per thread.
    Result<ImageFileEmbeddings> encode_files(const std::vector<std::string>& paths, const ImageEncodeOptions& options = {}) const;
    /// Vectors of ready network inputs (each make_input()-shaped): for parity tests and benchmarks.
    Result<Matrix> encode_inputs(const std::vector<std::vector<float>>& inputs, const ImageEncodeOptions& options = {},
                                 Matrix* logits = nullptr) const;
    /// Classifier outputs (N × num_classes) of decoded images. Error when the model has no classifier.
    Result<Matrix> classify(const std::vector<Image>& images, const ImageEncodeOptions& options = {}) const;

private:
    template <class GetInput>
    Status run(std::size_t n, const ImageEncodeOptions& options, GetInput&& get, Matrix& out, Matrix* logits,
               std::vector<Error>* errors) const;

    std::vector<std::unique_ptr<CnnWorkspace>> lease_workspaces(std::size_t n) const;
    void return_workspaces(std::vector<std::unique_ptr<CnnWorkspace>>& ws) const;

    std::shared_ptr<const CnnEncoder> encoder_;
    mutable std::mutex workspace_mutex_;                       // guards workspaces_
    mutable std::vector<std::unique_ptr<CnnWorkspace>> workspaces_;  // idle workspaces of finished calls
    ImagePreprocess pre_;
    std::vector<std::string> labels_;
    std::string family_, source_;
    bool normalize_ = false;
};

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "../nn/pooling.hpp"
#include "../util/parallel.hpp"

namespace semvec {

namespace detail {

inline Status parse_preprocess(const nlohmann::json& c, const std::string& source, ImagePreprocess& p) {
    const std::string K = "metadata 'semvec.config' field 'preprocess'";
    auto it = c.find("preprocess");
    if (it == c.end()) return {};
    if (!it->is_object()) return make_error(ErrorCode::invalid_data, "must be an object", source, K);
    const auto& j = *it;
    auto bad = [&](const std::string& m) { return make_error(ErrorCode::invalid_data, m, source, K); };
    const std::string resize = j.value("resize", std::string("none"));
    auto size_pair = [&](const char* key, std::size_t& h, std::size_t& w) -> bool {
        auto s = j.find(key);
        if (s == j.end()) return false;
        if (s->is_number_unsigned()) { h = w = s->get<std::size_t>(); }
        else if (s->is_array() && s->size() == 2 && (*s)[0].is_number_unsigned() && (*s)[1].is_number_unsigned()) {
            h = (*s)[0].get<std::size_t>();
            w = (*s)[1].get<std::size_t>();
        } else return false;
        return h >= 1 && w >= 1 && h <= cnn_limits::kMaxSide && w <= cnn_limits::kMaxSide;
    };
    if (resize == "none") p.resize = ImagePreprocess::Resize::none;
    else if (resize == "shorter" || resize == "exact") {
        p.resize = resize == "shorter" ? ImagePreprocess::Resize::shorter : ImagePreprocess::Resize::exact;
        if (!size_pair("size", p.size_h, p.size_w)) return bad("'size' must be a side or [height, width] in [1, 8192]");
    } else return bad("'resize' must be none, shorter or exact");
    if (j.contains("crop") && !j["crop"].is_null() && !size_pair("crop", p.crop_h, p.crop_w))
        return bad("'crop' must be a side or [height, width] in [1, 8192]");
    if (auto f = j.find("filter"); f != j.end() && (!f->is_string() || !parse_resize_filter(f->get<std::string>(), p.filter)))
        return bad("'filter' must be bilinear, bicubic or lanczos");
    if (auto d = j.find("divisor"); d != j.end()) {
        if (!d->is_number() || !(d->get<double>() > 0.0)) return bad("'divisor' must be a positive number");
        p.divisor = d->get<float>();
    }
    for (const char* key : {"mean", "std"}) {
        auto m = j.find(key);
        if (m == j.end()) continue;
        if (!m->is_array() || m->size() != 3) return bad(std::string("'") + key + "' must hold 3 numbers");
        for (std::size_t i = 0; i < 3; ++i) {
            if (!(*m)[i].is_number()) return bad(std::string("'") + key + "' must hold 3 numbers");
            const float v = (*m)[i].get<float>();
            if (!std::isfinite(v) || (key[0] == 's' && !(v > 0.0f))) return bad(std::string("'") + key + "' holds a bad value");
            (key[0] == 'm' ? p.mean : p.std)[i] = v;
        }
    }
    if (auto o = j.find("channel_order"); o != j.end()) {
        if (!o->is_string() || (o->get<std::string>() != "rgb" && o->get<std::string>() != "bgr")) return bad("'channel_order' must be rgb or bgr");
        p.bgr = o->get<std::string>() == "bgr";
    }
    return {};
}

}  // namespace detail

SEMVEC_API Result<std::shared_ptr<const VisionModel>> VisionModel::load(const SafetensorsFile& file) {
    const std::string* cfg = file.metadata_value("semvec.config");
    if (!cfg) return make_error(ErrorCode::invalid_data, "missing", file.source(), "metadata 'semvec.config'");
    auto graph = parse_cnn_graph(*cfg, file.source());
    if (!graph) return graph.error();
    if (graph->in_c != 3)
        return make_error(ErrorCode::unsupported, "image models take 3 input channels", file.source(), "metadata 'semvec.config' field 'input'");
    const nlohmann::json c = nlohmann::json::parse(cfg->begin(), cfg->end(), nullptr, false);
    auto m = std::make_shared<VisionModel>();
    SEMVEC_TRY_STATUS(detail::parse_preprocess(c, file.source(), m->pre_));
    m->family_ = c.value("family", std::string());
    if (auto n = c.find("normalize"); n != c.end()) {
        if (!n->is_boolean()) return make_error(ErrorCode::invalid_data, "must be true or false", file.source(), "metadata 'semvec.config' field 'normalize'");
        m->normalize_ = n->get<bool>();
    }
    const std::string* dt = file.metadata_value("semvec.dtype");
    CnnWeights w = CnnWeights::f32;
    if (!dt || *dt == "f32") w = CnnWeights::f32;
    else if (*dt == "f16") w = CnnWeights::f16;
    else if (*dt == "bf16") w = CnnWeights::bf16;
    else if (*dt == "int8") w = CnnWeights::int8;
    else return make_error(ErrorCode::invalid_data, "unknown dtype '" + *dt + "' (f32, f16, bf16, int8)", file.source(), "metadata 'semvec.dtype'");
    if (const std::string* lab = file.metadata_value("semvec.labels")) {
        nlohmann::json l = nlohmann::json::parse(lab->begin(), lab->end(), nullptr, false);
        if (!l.is_array()) return make_error(ErrorCode::invalid_data, "must be a JSON array of strings", file.source(), "metadata 'semvec.labels'");
        for (const auto& e : l) {
            if (!e.is_string()) return make_error(ErrorCode::invalid_data, "must be a JSON array of strings", file.source(), "metadata 'semvec.labels'");
            m->labels_.push_back(e.get<std::string>());
        }
    }
    auto enc = CnnEncoder::load(file, std::move(*graph), w);
    if (!enc) return enc.error();
    m->encoder_ = std::move(*enc);
    if (!m->labels_.empty() && m->labels_.size() != m->encoder_->num_classes())
        return make_error(ErrorCode::invalid_data,
                          "holds " + std::to_string(m->labels_.size()) + " labels for " + std::to_string(m->encoder_->num_classes()) + " classes",
                          file.source(), "metadata 'semvec.labels'");
    // The preprocessing must end at the network's input size (else every image would fail later).
    const auto& g = m->encoder_->graph();
    std::size_t eh = 0, ew = 0;
    if (m->pre_.crop_h) { eh = m->pre_.crop_h; ew = m->pre_.crop_w; }
    else if (m->pre_.resize == ImagePreprocess::Resize::exact) { eh = m->pre_.size_h; ew = m->pre_.size_w; }
    if (eh && (eh != g.in_h || ew != g.in_w))
        return make_error(ErrorCode::invalid_data,
                          "preprocessing gives " + std::to_string(eh) + "x" + std::to_string(ew) + " but the network takes " +
                              std::to_string(g.in_h) + "x" + std::to_string(g.in_w),
                          file.source(), "metadata 'semvec.config' field 'preprocess'");
    m->source_ = file.source();
    return std::shared_ptr<const VisionModel>(std::move(m));
}

SEMVEC_API Result<std::vector<float>> VisionModel::make_input(const Image& image) const {
    const auto& g = encoder_->graph();
    Image tmp;
    const Image* cur = &image;
    if (pre_.resize == ImagePreprocess::Resize::shorter) {
        auto r = resize_shorter(*cur, pre_.size_h, pre_.filter);
        if (!r) return r.error();
        tmp = std::move(*r);
        cur = &tmp;
    } else if (pre_.resize == ImagePreprocess::Resize::exact) {
        auto r = resize_image(*cur, pre_.size_w, pre_.size_h, pre_.filter);
        if (!r) return r.error();
        tmp = std::move(*r);
        cur = &tmp;
    }
    if (pre_.crop_h) {
        auto c = center_crop(*cur, pre_.crop_w, pre_.crop_h);
        if (!c) return c.error();
        tmp = std::move(*c);
        cur = &tmp;
    }
    if (cur->width != g.in_w || cur->height != g.in_h)
        return make_error(ErrorCode::invalid_argument, "image is " + std::to_string(cur->width) + "x" + std::to_string(cur->height) +
                                                           " after preprocessing; the network takes " + std::to_string(g.in_w) + "x" +
                                                           std::to_string(g.in_h));
    std::vector<float> x(g.in_h * g.in_w * 3);
    const std::size_t n = g.in_h * g.in_w;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t c = 0; c < 3; ++c) {
            const std::size_t src = pre_.bgr ? 2 - c : c;
            const float v = static_cast<float>(cur->pixels[i * 3 + src]) / pre_.divisor;
            x[i * 3 + c] = (v - pre_.mean[c]) / pre_.std[c];
        }
    return x;
}

SEMVEC_API std::vector<std::unique_ptr<CnnWorkspace>> VisionModel::lease_workspaces(std::size_t n) const {
    std::vector<std::unique_ptr<CnnWorkspace>> ws;
    {
        std::lock_guard<std::mutex> lock(workspace_mutex_);
        while (ws.size() < n && !workspaces_.empty()) {
            ws.push_back(std::move(workspaces_.back()));
            workspaces_.pop_back();
        }
    }
    while (ws.size() < n) ws.push_back(std::make_unique<CnnWorkspace>());
    return ws;
}

SEMVEC_API void VisionModel::return_workspaces(std::vector<std::unique_ptr<CnnWorkspace>>& ws) const {
    std::lock_guard<std::mutex> lock(workspace_mutex_);
    for (auto& w : ws) workspaces_.push_back(std::move(w));
    ws.clear();
}

template <class GetInput>
Status VisionModel::run(std::size_t n, const ImageEncodeOptions& o, GetInput&& get, Matrix& out, Matrix* logits,
                        std::vector<Error>* errors) const {
    const std::size_t D = dim(), L = num_classes();
    out.setZero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(D));
    if (logits) logits->setZero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(std::max<std::size_t>(L, 1)));
    const bool norm = o.normalize.value_or(normalize_);
    const unsigned threads = resolve_threads(o.threads);
    std::vector<Status> status(n);
    // Enough images: each thread runs its own batches. Few: one batch uses all threads inside its layers.
    const bool per_image = n >= threads;
    const unsigned outer = per_image ? threads : 1, inner = per_image ? 1 : threads;
    const std::size_t batch = encoder_->max_batch((std::size_t{20} << 20) / outer);
    const std::size_t step = std::size_t{outer} * batch;
    auto ws = lease_workspaces(outer);
    for (std::size_t b = 0; b < n; b += step) {
        const std::size_t e = std::min(n, b + step);
        parallel_for(e - b, outer, [&](std::size_t lo, std::size_t hi, unsigned w) {
            std::vector<std::vector<float>> xs;
            std::vector<const float*> in;
            std::vector<float*> emb, lg;
            xs.reserve(hi - lo);
            for (std::size_t i = b + lo; i < b + hi; ++i) {
                Result<std::vector<float>> x = get(i);
                if (!x) { status[i] = x.error(); continue; }
                xs.push_back(std::move(*x));
                in.push_back(xs.back().data());
                emb.push_back(out.row(static_cast<Eigen::Index>(i)).data());
                lg.push_back(logits && L ? logits->row(static_cast<Eigen::Index>(i)).data() : nullptr);
            }
            encoder_->forward(in.size(), in.data(), emb.data(), logits && L ? lg.data() : nullptr, *ws[w], inner);
            if (norm)
                for (float* row : emb) nn::l2_normalize(row, 1, D, D);
        });
        if (!errors)
            for (std::size_t i = b; i < e; ++i)
                if (!status[i]) {
                    return_workspaces(ws);
                    return status[i].error();
                }
        if (o.progress) o.progress(e, n);
    }
    return_workspaces(ws);
    if (errors)
        for (std::size_t i = 0; i < n; ++i) errors->push_back(status[i] ? Error{} : status[i].error());
    return {};
}

SEMVEC_API Result<Matrix> VisionModel::encode(const std::vector<Image>& images, const ImageEncodeOptions& o) const {
    Matrix out;
    SEMVEC_TRY_STATUS(run(images.size(), o, [&](std::size_t i) { return make_input(images[i]); }, out, nullptr, nullptr));
    return out;
}

SEMVEC_API Result<Matrix> VisionModel::encode(const std::vector<ImageView>& views, const ImageEncodeOptions& o) const {
    Matrix out;
    SEMVEC_TRY_STATUS(run(views.size(), o,
                          [&](std::size_t i) -> Result<std::vector<float>> {
                              auto img = image_from_pixels(views[i], o.load.max_pixels);
                              if (!img) return img.error().with_source("<pixels " + std::to_string(i) + ">");
                              return make_input(*img);
                          },
                          out, nullptr, nullptr));
    return out;
}

SEMVEC_API Result<ImageFileEmbeddings> VisionModel::encode_files(const std::vector<std::string>& paths,
                                                                const ImageEncodeOptions& o) const {
    Matrix all;
    std::vector<Error> errors;
    SEMVEC_TRY_STATUS(run(paths.size(), o,
                          [&](std::size_t i) -> Result<std::vector<float>> {
                              auto img = read_image(paths[i], o.load);
                              if (!img) return img.error();
                              auto x = make_input(*img);
                              if (!x) return x.error().with_source(paths[i]);
                              return x;
                          },
                          all, nullptr, o.skip_unreadable ? &errors : nullptr));
    ImageFileEmbeddings r;
    if (!o.skip_unreadable) {
        r.vectors = std::move(all);
        for (std::size_t i = 0; i < paths.size(); ++i) r.rows.push_back(i);
        return r;
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (errors[i].message.empty()) r.rows.push_back(i);
        else r.skipped.push_back(errors[i]);
    }
    r.vectors.resize(static_cast<Eigen::Index>(r.rows.size()), all.cols());
    for (std::size_t k = 0; k < r.rows.size(); ++k) r.vectors.row(static_cast<Eigen::Index>(k)) = all.row(static_cast<Eigen::Index>(r.rows[k]));
    return r;
}

SEMVEC_API Result<Matrix> VisionModel::encode_inputs(const std::vector<std::vector<float>>& inputs, const ImageEncodeOptions& o,
                                                     Matrix* logits) const {
    const auto& s = encoder_->graph().shapes[0];
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].size() != s[0] * s[1] * s[2])
            return make_error(ErrorCode::invalid_argument, "input " + std::to_string(i) + " has " + std::to_string(inputs[i].size()) +
                                                               " values; the network takes " + std::to_string(s[0] * s[1] * s[2]));
    Matrix out;
    SEMVEC_TRY_STATUS(run(inputs.size(), o, [&](std::size_t i) -> Result<std::vector<float>> { return inputs[i]; }, out, logits, nullptr));
    return out;
}

SEMVEC_API Result<Matrix> VisionModel::classify(const std::vector<Image>& images, const ImageEncodeOptions& o) const {
    if (!num_classes()) return make_error(ErrorCode::unsupported, "this image model has no classifier output", source_);
    Matrix out, logits;
    ImageEncodeOptions oo = o;
    oo.normalize = false;
    SEMVEC_TRY_STATUS(run(images.size(), oo, [&](std::size_t i) { return make_input(images[i]); }, out, &logits, nullptr));
    return logits;
}

}  // namespace semvec
#endif
