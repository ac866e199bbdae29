// semvec/model/static_vectors.hpp — static word-vector models (GloVe, word2vec, Model2Vec).
//
// A text's vector is the mean of the vectors of its known words (or WordPiece tokens for Model2Vec); unknown
// words are skipped and counted, so a caller can tell "no known word" from a real vector. Vectors are used in
// place from the mapped file when they are aligned f32; f16/bf16 tables are widened to f32 once at load.
// A const StaticVectors is safe to share between threads: embed() reads only.
//
// Words come from a basic tokenizer that follows HF's BasicTokenizer (clean text, CJK characters as words,
// NFC, white-space split, special tokens kept whole, per-code-point lower-casing and accent stripping,
// punctuation as tokens of their own). It is private here until semvec/text/basic_tokenizer.hpp is in the tree.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
    // HF splits with Python's str.split(): Zs, and the line / paragraph separators (other ASCII white space
    // is a control character, deleted by clean_text first).
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
    const auto cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

inline bool static_is_control(std::int32_t c) {
    if (c == '\t' || c == '\n' || c == '\r') return false;
    const auto cat = utf8proc_category(c);  // every C* category, as HF's _is_control
    return cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
           cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_CO;
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

/// Code points of valid UTF-8 `s` (callers pass re-encoded text only).
inline std::vector<std::int32_t> static_code_points(std::string_view s) {
    std::vector<std::int32_t> out;
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    for (std::size_t i = 0; i < s.size();) {
        std::int32_t c = 0;
        auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &c);
        if (n <= 0) { c = 0xFFFD; n = 1; }
        i += static_cast<std::size_t>(n);
        out.push_back(c);
    }
    return out;
}

/// HF BasicTokenizer (transformers 4.36): clean text (drop NUL, U+FFFD, control and format characters;
/// invalid UTF-8 counts as U+FFFD), CJK characters as words, NFC, split on white space, keep `never_split`
/// tokens whole, then per word: per-code-point lower-casing, accent stripping (NFD, drop Mn), and punctuation
/// as tokens of their own.
inline std::vector<std::string> static_basic_words(std::string_view text, const StaticTokenizerFlags& f,
                                                   const std::unordered_map<std::string_view, std::size_t>* never_split) {
    // 1. Clean, isolate CJK characters, and re-encode as valid UTF-8.
    std::string clean;
    clean.reserve(text.size() + 8);
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        std::int32_t c = 0;
        auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(text.size() - i), &c);
        if (n <= 0) { c = 0xFFFD; n = 1; }
        i += static_cast<std::size_t>(n);
        if (c == 0 || c == 0xFFFD || (f.clean_text && static_is_control(c))) continue;
        if (f.chinese && static_is_cjk(c)) {
            clean += ' ';
            static_append_utf8(clean, c);
            clean += ' ';
        } else {
            static_append_utf8(clean, c);
        }
    }
    // 2. NFC (clean is valid UTF-8, so utf8proc accepts it).
    std::string nfc;
    if (utf8proc_uint8_t* q = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(clean.c_str()))) {
        nfc = reinterpret_cast<const char*>(q);
        std::free(q);
    } else {
        nfc = clean;
    }
    // 3. White-space split, then each word.
    std::vector<std::string> words;
    const auto cps = static_code_points(nfc);
    std::size_t i = 0;
    while (i < cps.size()) {
        while (i < cps.size() && static_is_space(cps[i])) ++i;
        std::size_t j = i;
        while (j < cps.size() && !static_is_space(cps[j])) ++j;
        if (j == i) break;
        std::string raw;
        for (std::size_t k = i; k < j; ++k) static_append_utf8(raw, cps[k]);
        if (never_split && never_split->count(raw)) {
            words.push_back(std::move(raw));
            i = j;
            continue;
        }
        std::vector<std::int32_t> w;
        for (std::size_t k = i; k < j; ++k) {
            std::int32_t c = f.lower ? utf8proc_tolower(cps[k]) : cps[k];
            if (f.lower && cps[k] == 0x130) {  // Python's lower("İ") is "i" + U+0307, the one 1→2 lower mapping
                w.push_back('i');
                c = 0x307;
            }
            if (!f.strip_accents) { w.push_back(c); continue; }
            std::int32_t dec[8];
            int last = 0;
            const auto m = utf8proc_decompose_char(c, dec, 8, UTF8PROC_DECOMPOSE, &last);
            if (m <= 0 || m > 8) { w.push_back(c); continue; }
            for (utf8proc_ssize_t d = 0; d < m; ++d)
                if (utf8proc_category(dec[d]) != UTF8PROC_CATEGORY_MN) w.push_back(dec[d]);
        }
        std::string cur;
        for (std::int32_t c : w) {
            if (static_is_punct(c)) {
                if (!cur.empty()) words.push_back(std::move(cur));
                cur.clear();
                static_append_utf8(cur, c);
                words.push_back(std::move(cur));
                cur.clear();
            } else {
                static_append_utf8(cur, c);
            }
        }
        if (!cur.empty()) words.push_back(std::move(cur));
        i = j;
    }
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
        SEMVEC_TRY_STATUS(init_tokenizer(*impl, info, file.source()));
        impl->file = file;
        impl->dim = D;
        if (const float* p = t->data_as<float>()) {
            impl->vectors = p;  // in place from the mapping
        } else {
            auto wide = t->to_f32();
            if (!wide) return wide.error().with_source(file.source());
            impl->widened = std::move(*wide);
            impl->vectors = impl->widened.data();
        }
        StaticVectors s;
        s.impl_ = std::move(impl);
        return s;
    }

    /// The tokenizer alone (vocab and flags of `info`, any architecture with a wordpiece or words tokenizer):
    /// tokenize() and word_id() work, dim() is 0 and embed() only counts. Lets a transformer reuse this
    /// HF-compatible WordPiece without copying its embedding table.
    static Result<StaticVectors> load_tokenizer(const ModelFileInfo& info) {
        auto impl = std::make_shared<Impl>();
        SEMVEC_TRY_STATUS(init_tokenizer(*impl, info, {}));
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
        auto piece = [&](std::string_view part) {
            for (auto& w : detail::static_basic_words(part, impl_->flags, impl_->never_split.empty() ? nullptr : &impl_->never_split)) {
                if (!impl_->flags.wordpiece || impl_->never_split.count(w)) { out.push_back(std::move(w)); continue; }
                wordpiece(w, out);
            }
        };
        // Special and added tokens split the raw text first (HF's added-tokens trie): "hi[SEP]yo" → hi, [SEP], yo.
        std::size_t start = 0, pos = 0;
        while (pos < text.size() && !impl_->never_split.empty()) {
            std::size_t best = 0;
            for (const auto& kv : impl_->never_split)
                if (kv.first.size() > best && text.compare(pos, kv.first.size(), kv.first) == 0) best = kv.first.size();
            if (best == 0) { ++pos; continue; }
            piece(text.substr(start, pos - start));
            out.emplace_back(text.substr(pos, best));
            pos += best;
            start = pos;
        }
        piece(text.substr(start));
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
            if (D == 0) continue;  // tokenizer-only instance
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
    struct Impl;

    static Status init_tokenizer(Impl& im, const ModelFileInfo& info, const std::string& source) {
        im.vocab = info.vocab;
        const std::string& tj = info.tokenizer.json;
        nlohmann::json j = nlohmann::json::parse(tj.begin(), tj.end(), nullptr, false);
        if (j.is_discarded() || !j.is_object()) return make_error("is not a JSON object", source, "metadata 'semvec.tokenizer'");
        auto flag = [&j](const char* k, bool def) {
            auto it = j.find(k);
            return it != j.end() && it->is_boolean() ? it->get<bool>() : def;
        };
        auto& f = im.flags;
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
        im.index.reserve(im.vocab.size());
        for (std::size_t i = 0; i < im.vocab.size(); ++i) im.index.emplace(im.vocab[i], i);
        if (!f.unk_token.empty())
            if (auto it = im.index.find(f.unk_token); it != im.index.end()) im.unk_id = it->second;
        // Tokens that the basic tokenizer keeps whole: the special tokens and `added_tokens` of the vocab.
        std::vector<std::string> keep;
        for (const char* k : {"unk_token", "cls_token", "sep_token", "pad_token", "mask_token"})
            if (auto it = j.find(k); it != j.end() && it->is_string()) keep.push_back(it->get<std::string>());
        if (auto it = j.find("added_tokens"); it != j.end() && it->is_array())
            for (const auto& tok : *it)
                if (tok.is_string()) keep.push_back(tok.get<std::string>());
        for (const auto& k : keep)
            if (auto it = im.index.find(k); it != im.index.end()) im.never_split.emplace(it->first, it->second);
        return {};
    }

    struct Impl {
        SafetensorsFile file;            // keeps the mapping alive for in-place vectors
        std::vector<float> widened;      // f16/bf16 (or unaligned) tables, widened once
        const float* vectors = nullptr;
        std::size_t dim = 0;
        std::vector<std::string> vocab;
        std::unordered_map<std::string_view, std::size_t> index;  // views into `vocab`
        std::unordered_map<std::string_view, std::size_t> never_split;  // special and added tokens (views into `vocab`)
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
