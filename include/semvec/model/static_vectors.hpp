// semvec/model/static_vectors.hpp — static word-vector models (GloVe, word2vec, Model2Vec).
//
// A text's vector is the mean of the vectors of its known words (or WordPiece tokens for Model2Vec); unknown
// words are skipped and counted, so a caller can tell "no known word" from a real vector. Vectors are used in
// place from the mapped file when they are aligned f32; f16/bf16 tables are widened to f32 once at load.
// A const StaticVectors is safe to share between threads: embed() reads only.
//
// Words come from a basic tokenizer that follows HF's BasicTokenizer (clean text, whitespace split,
// punctuation and CJK characters as their own tokens, optional per-code-point lower-casing and accent
// stripping). It is private here until semvec/text/basic_tokenizer.hpp is in the tree.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include "../io/safetensors.hpp"
#include "../result.hpp"
#include "model_file.hpp"

namespace semvec {

/// What embed() saw in one text.
struct StaticEmbedStats {
    std::size_t tokens = 0;     ///< words (or WordPiece tokens) looked up, after truncation
    std::size_t known = 0;      ///< of those, found in the vocab (the mean is over these)
    std::size_t unknown = 0;    ///< skipped: not in the vocab (or WordPiece's unk token)
    bool truncated = false;     ///< the text had more than max_length tokens; the rest was ignored
};

namespace detail {

/// Tokenizer flags of a static model, read from `semvec.tokenizer`.
struct StaticTokenizerFlags {
    bool wordpiece = false;
    bool lower = true;
    bool strip_accents = false;
    bool chinese = true;
    bool clean_text = true;
    std::size_t max_length = 0;  // 0 = unlimited
    std::size_t max_chars_per_word = 100;
    std::string prefix = "##";
    std::string unk_token;
};

inline bool static_is_punct(std::int32_t c) {
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
    const auto cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

inline bool static_is_space(std::int32_t c) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
    return utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

inline bool static_is_control(std::int32_t c) {
    if (c == '\t' || c == '\n' || c == '\r') return false;
    const auto cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF;
}

inline bool static_is_cjk(std::int32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

inline void static_append_utf8(std::string& s, std::int32_t c) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(c, buf);
    s.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

/// HF-style basic tokenization into words (invalid UTF-8 bytes become U+FFFD).
inline std::vector<std::string> static_basic_words(std::string_view text, const StaticTokenizerFlags& f) {
    std::vector<std::string> words;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) words.push_back(std::move(cur));
        cur.clear();
    };
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    std::size_t i = 0;
    while (i < text.size()) {
        std::int32_t c = 0;
        auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(text.size() - i), &c);
        if (n <= 0) { c = 0xFFFD; n = 1; }
        i += static_cast<std::size_t>(n);
        if (f.clean_text && (c == 0 || c == 0xFFFD || static_is_control(c))) continue;
        if (static_is_space(c)) { flush(); continue; }
        if (f.lower) c = utf8proc_tolower(c);
        std::int32_t cps[8] = {c};
        utf8proc_ssize_t m = 1;
        if (f.strip_accents) {  // NFD, then drop the combining marks (Mn)
            int last = 0;
            const auto k = utf8proc_decompose_char(c, cps, 8, UTF8PROC_DECOMPOSE, &last);
            if (k > 0 && k <= 8) m = k; else { cps[0] = c; m = 1; }
        }
        for (utf8proc_ssize_t k = 0; k < m; ++k) {
            const std::int32_t d = cps[k];
            if (f.strip_accents && utf8proc_category(d) == UTF8PROC_CATEGORY_MN) continue;
            if (static_is_punct(d) || (f.chinese && static_is_cjk(d))) {
                flush();
                static_append_utf8(cur, d);
                flush();
            } else {
                static_append_utf8(cur, d);
            }
        }
    }
    flush();
    return words;
}

}  // namespace detail

/// A static word-vector model. Cheap to copy (shares its tables).
class StaticVectors {
public:
    StaticVectors() = default;

    /// Builds the model from a file that read_model_info accepted with architecture Static.
    static Result<StaticVectors> load(const SafetensorsFile& file, const ModelFileInfo& info) {
        if (info.architecture != Architecture::Static)
            return make_error(std::string("architecture is ") + architecture_name(info.architecture) + ", not static",
                              file.source(), "metadata 'semvec.architecture'");
        const TensorView* t = file.find(tensor_names::kWordEmbeddings);
        const std::size_t V = info.static_config.vocab_size, D = info.static_config.dim;
        if (!t || t->shape != std::vector<std::int64_t>{static_cast<std::int64_t>(V), static_cast<std::int64_t>(D)})
            return make_error("missing or misshapen (run read_model_info first)", file.source(),
                              std::string("tensor '") + tensor_names::kWordEmbeddings + "'");
        auto impl = std::make_shared<Impl>();
        impl->file = file;
        impl->dim = D;
        impl->vocab = info.vocab;
        if (const float* p = t->data_as<float>()) {
            impl->vectors = p;  // in place from the mapping
        } else {
            auto wide = t->to_f32();
            if (!wide) return wide.error().with_source(file.source());
            impl->widened = std::move(*wide);
            impl->vectors = impl->widened.data();
        }
        // Tokenizer flags.
        const std::string& tj = info.tokenizer.json;
        nlohmann::json j = nlohmann::json::parse(tj.begin(), tj.end(), nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return make_error("is not a JSON object", file.source(), "metadata 'semvec.tokenizer'");
        auto flag = [&j](const char* k, bool def) {
            auto it = j.find(k);
            return it != j.end() && it->is_boolean() ? it->get<bool>() : def;
        };
        auto& f = impl->flags;
        f.wordpiece = info.tokenizer.type == "wordpiece";
        f.lower = flag("do_lower_case", true);
        auto sa = j.find("strip_accents");
        f.strip_accents = (sa == j.end() || sa->is_null()) ? (f.wordpiece && f.lower) : (sa->is_boolean() && sa->get<bool>());
        f.chinese = flag("tokenize_chinese_chars", true);
        f.clean_text = flag("clean_text", true);
        f.max_length = info.tokenizer.max_length;
        if (auto it = j.find("max_input_chars_per_word"); it != j.end() && it->is_number_unsigned())
            f.max_chars_per_word = it->get<std::size_t>();
        if (auto it = j.find("continuing_subword_prefix"); it != j.end() && it->is_string()) f.prefix = it->get<std::string>();
        f.unk_token = info.tokenizer.unk_token;
        impl->index.reserve(impl->vocab.size());
        for (std::size_t i = 0; i < impl->vocab.size(); ++i) impl->index.emplace(impl->vocab[i], i);
        if (!f.unk_token.empty())
            if (auto it = impl->index.find(f.unk_token); it != impl->index.end()) impl->unk_id = it->second;
        StaticVectors s;
        s.impl_ = std::move(impl);
        return s;
    }

    std::size_t dim() const { return impl_ ? impl_->dim : 0; }
    std::size_t vocab_size() const { return impl_ ? impl_->vocab.size() : 0; }
    const std::vector<std::string>& vocab() const { return impl_->vocab; }

    /// The id of `word` as stored (no lower-casing here), or nullopt.
    std::optional<std::size_t> word_id(std::string_view word) const {
        auto it = impl_->index.find(word);
        if (it == impl_->index.end()) return std::nullopt;
        return it->second;
    }
    /// Row `id` of the table (dim() floats).
    const float* vector(std::size_t id) const { return impl_->vectors + id * impl_->dim; }

    /// The tokens embed() looks up for `text` (words, or WordPiece pieces with unknowns as the unk token).
    std::vector<std::string> tokenize(std::string_view text) const {
        std::vector<std::string> out;
        for (auto& w : detail::static_basic_words(text, impl_->flags)) {
            if (!impl_->flags.wordpiece) { out.push_back(std::move(w)); continue; }
            wordpiece(w, out);
        }
        return out;
    }

    /// Mean of the known tokens' vectors of `text` into out[dim()] (zeros when none is known), optionally
    /// L2-normalized. Deterministic: a fixed order of float64 sums.
    StaticEmbedStats embed(std::string_view text, float* out, bool normalize) const {
        StaticEmbedStats st;
        const std::size_t D = impl_->dim;
        std::vector<double> acc(D, 0.0);
        auto tokens = tokenize(text);
        if (impl_->flags.max_length && tokens.size() > impl_->flags.max_length) {
            tokens.resize(impl_->flags.max_length);
            st.truncated = true;
        }
        for (const auto& tok : tokens) {
            ++st.tokens;
            auto it = impl_->index.find(tok);
            if (it == impl_->index.end() || (impl_->unk_id && it->second == *impl_->unk_id)) {
                ++st.unknown;
                continue;
            }
            ++st.known;
            const float* v = vector(it->second);
            for (std::size_t d = 0; d < D; ++d) acc[d] += v[d];
        }
        double norm2 = 0.0;
        const double inv = st.known ? 1.0 / static_cast<double>(st.known) : 0.0;
        for (std::size_t d = 0; d < D; ++d) {
            acc[d] *= inv;
            norm2 += acc[d] * acc[d];
        }
        const double scale = (normalize && norm2 > 0.0) ? 1.0 / std::sqrt(norm2) : 1.0;
        for (std::size_t d = 0; d < D; ++d) out[d] = static_cast<float>(acc[d] * scale);
        return st;
    }

private:
    struct Impl {
        SafetensorsFile file;            // keeps the mapping alive for in-place vectors
        std::vector<float> widened;      // f16/bf16 (or unaligned) tables, widened once
        const float* vectors = nullptr;
        std::size_t dim = 0;
        std::vector<std::string> vocab;
        std::unordered_map<std::string_view, std::size_t> index;  // views into `vocab`
        std::optional<std::size_t> unk_id;
        detail::StaticTokenizerFlags flags;
    };

    /// Greedy longest-match-first WordPiece, as HF's WordpieceTokenizer.
    void wordpiece(const std::string& word, std::vector<std::string>& out) const {
        const auto& f = impl_->flags;
        std::size_t chars = 0;
        for (unsigned char c : word) chars += (c & 0xC0) != 0x80;
        if (chars > f.max_chars_per_word) { out.push_back(f.unk_token); return; }
        std::vector<std::string> pieces;
        std::size_t start = 0;
        while (start < word.size()) {
            std::size_t end = word.size();
            bool found = false;
            while (start < end) {
                std::string sub = (start > 0 ? f.prefix : std::string()) + word.substr(start, end - start);
                if (impl_->index.count(sub)) {
                    pieces.push_back(std::move(sub));
                    found = true;
                    break;
                }
                do { --end; } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
            }
            if (!found) { out.push_back(f.unk_token); return; }
            start = end;
        }
        for (auto& p : pieces) out.push_back(std::move(p));
    }

    std::shared_ptr<const Impl> impl_;
};

}  // namespace semvec
