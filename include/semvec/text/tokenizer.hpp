// semvec/text/tokenizer.hpp — text → ids as HF's BertTokenizer (transformers 4.36) does it: added/special
// tokens split out first, then BasicTokenizer, then WordPiece; [CLS] A [SEP] (B [SEP]); HF's truncation
// strategies; padding for batches; byte offsets of every token.
//
// Loaders: vocab.txt plus options, a HF tokenizer.json (BertNormalizer + BertPreTokenizer + WordPiece
// only; anything else is refused, naming the component), and the semvec model file metadata.
// Note: tokenizer.json is read with the slow tokenizer's semantics (which the goldens encode), e.g. NFC.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../result.hpp"
#include "../util/parallel.hpp"
#include "basic_tokenizer.hpp"
#include "pipeline.hpp"
#include "tokenizer_json.hpp"
#include "truncation.hpp"
#include "unicode.hpp"
#include "wordpiece.hpp"

namespace semvec {

/// How a batch is padded.
enum class Padding { none, longest, max_length };
/// Which side padding goes to (Qwen3-Embedding pads on the left).
enum class PaddingSide { right, left };
/// "wordpiece": BERT WordPiece. "words": basic tokenizer only, whole words looked up (static word vectors).
enum class TokenizerType { wordpiece, words };

/// Everything that defines a tokenizer besides its vocabulary.
struct TokenizerOptions {
    /// wordpiece (default) or words.
    TokenizerType type = TokenizerType::wordpiece;
    /// The basic tokenizer's flags (default: lower-case, accents follow lower-casing, CJK split, clean).
    BasicTokenizerOptions basic;
    /// Special tokens (defaults: BERT's). An empty cls/sep means none is added (for "words").
    std::string unk_token = "[UNK]", cls_token = "[CLS]", sep_token = "[SEP]", pad_token = "[PAD]",
                mask_token = "[MASK]";
    /// Further tokens that are never split (default: none).
    std::vector<std::string> added_tokens;
    /// Longest encoding in tokens, special tokens included; 0 = no truncation (default: 512).
    std::size_t max_length = 512;
    /// Words longer than this many code points become [UNK] (default: 100).
    std::size_t max_input_chars_per_word = 100;
    /// WordPiece continuation prefix (default: "##").
    std::string continuing_subword_prefix = "##";
    /// Default truncation strategy for pairs (default: longest_first).
    TruncationStrategy truncation = TruncationStrategy::longest_first;
    /// Padding recorded from tokenizer.json (informational: encode_batch follows BatchOptions). Default none.
    Padding padding = Padding::none;
    /// Text the model prepends to every input (e.g. "query: "); the Tokenizer itself never adds it. Default "".
    std::string prefix;
};

/// Options of Tokenizer::encode_batch.
struct BatchOptions {
    /// Worker threads; 0 = all cores (default: 1). Results never depend on it.
    unsigned threads = 1;
    /// Padding (default: longest in the batch).
    Padding padding = Padding::longest;
    /// Truncation length; 0 = the tokenizer's max_length (default: 0).
    std::size_t max_length = 0;
};

/// One encoded text (or pair).
struct Encoding {
    std::vector<std::int32_t> ids, type_ids, attention_mask;
    /// Byte span [begin, end) of each token in its text (for pairs: in its own text); (0, 0) for special
    /// and padding tokens.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offsets;
    bool truncated = false;
};

namespace detail {
struct TokenScratch {
    BasicScratch basic;
    WordPieceScratch wp;
    std::vector<std::int32_t> ids_b;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs_b;
};
inline TokenScratch& token_scratch() {
    static thread_local TokenScratch s;
    return s;
}
}  // namespace detail

/// A BERT tokenizer. Immutable after loading; usable const from many threads at once.
class Tokenizer {
public:
    Tokenizer() = default;

    /// From tokens in id order plus options. Fails when a needed special token is missing.
    static Result<Tokenizer> from_tokens(std::vector<std::string> tokens, TokenizerOptions opts = {},
                                         const std::string& source = "<vocab>") {
        if (tokens.empty()) return make_error(ErrorCode::invalid_data, "the vocabulary is empty", source);
        if (tokens.size() > 0x7FFFFFFF) return make_error(ErrorCode::resource_limit, "the vocabulary is too large", source);
        Tokenizer t;
        t.opts_ = std::move(opts);
        t.tokens_ = std::move(tokens);
        for (std::size_t i = 0; i < t.tokens_.size(); ++i)
            if (!detail::is_valid_utf8(t.tokens_[i]))
                return make_error(ErrorCode::invalid_data, "token is not valid UTF-8", source, "line " + std::to_string(i + 1));
        t.full_.reserve(t.tokens_.size());
        for (std::size_t i = 0; i < t.tokens_.size(); ++i) t.full_.insert(t.tokens_[i], static_cast<std::int32_t>(i));
        auto need = [&](const std::string& tok, const char* what, bool required, std::int32_t& id) -> Status {
            id = -1;
            if (tok.empty()) {
                if (required) return make_error(ErrorCode::invalid_data, std::string(what) + " is empty", source);
                return {};
            }
            id = t.full_.find(tok);
            if (id < 0 && required)
                return make_error(ErrorCode::invalid_data, std::string("the vocabulary has no ") + what + " '" + tok + "'", source);
            return {};
        };
        const bool wp = t.opts_.type == TokenizerType::wordpiece;
        SEMVEC_TRY_STATUS(need(t.opts_.unk_token, "unk_token", wp, t.unk_));
        SEMVEC_TRY_STATUS(need(t.opts_.cls_token, "cls_token", wp, t.cls_));
        SEMVEC_TRY_STATUS(need(t.opts_.sep_token, "sep_token", wp, t.sep_));
        SEMVEC_TRY_STATUS(need(t.opts_.pad_token, "pad_token", false, t.pad_));
        std::int32_t mask = -1;
        SEMVEC_TRY_STATUS(need(t.opts_.mask_token, "mask_token", false, mask));
        if (t.pad_ < 0) t.pad_ = 0;
        // Tokens split out before the basic tokenizer: the specials present in the vocab, then added tokens.
        auto add_special = [&](const std::string& s) {
            if (s.empty()) return;
            const std::int32_t id = t.full_.find(s);
            if (id < 0) return;
            for (const auto& e : t.specials_)
                if (e.first == s) return;
            t.specials_.emplace_back(s, id);
        };
        if (wp) {
            add_special(t.opts_.unk_token); add_special(t.opts_.sep_token); add_special(t.opts_.pad_token);
            add_special(t.opts_.cls_token); add_special(t.opts_.mask_token);
        }
        for (const auto& a : t.opts_.added_tokens) {
            if (!detail::is_valid_utf8(a)) return make_error(ErrorCode::invalid_data, "added token is not valid UTF-8", source);
            if (t.full_.find(a) < 0) {  // a new token gets the next id
                t.full_.insert(a, static_cast<std::int32_t>(t.tokens_.size()));
                t.tokens_.push_back(a);
            }
            add_special(a);
        }
        std::sort(t.specials_.begin(), t.specials_.end(),
                  [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
        for (const auto& e : t.specials_) t.first_byte_[static_cast<unsigned char>(e.first[0])] = true;
        t.basic_ = BasicTokenizer(t.opts_.basic);
        if (wp) t.wp_ = WordPiece(t.tokens_, t.unk_, t.opts_.continuing_subword_prefix, t.opts_.max_input_chars_per_word);
        return t;
    }

    /// vocab.txt: one token per line, id = line number (from 0), as HF's load_vocab reads it.
    static Result<Tokenizer> from_vocab_file(const std::string& path, TokenizerOptions opts = {}) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return make_error(ErrorCode::io, "cannot open the vocabulary file", path);
        std::ostringstream ss;
        ss << in.rdbuf();
        return from_vocab_text(ss.str(), std::move(opts), path);
    }

    /// vocab.txt contents already in memory (`path` names them in errors).
    static Result<Tokenizer> from_vocab_text(const std::string& data, TokenizerOptions opts = {},
                                             const std::string& path = "<buffer>") {
        if (data.empty()) return make_error(ErrorCode::invalid_data, "the vocabulary file is empty", path);
        std::vector<std::string> tokens;
        std::size_t pos = 0;
        while (pos < data.size()) {
            std::size_t nl = data.find('\n', pos);
            if (nl == std::string::npos) nl = data.size();
            tokens.emplace_back(data.substr(pos, nl - pos));
            pos = nl + 1;
        }
        if (!tokens.empty() && !tokens[0].empty() && tokens[0].back() == '\r')
            return make_error(ErrorCode::invalid_data, "CRLF line endings: HF would keep the '\\r' in every token; convert the file to LF", path,
                              "line 1");
        return from_tokens(std::move(tokens), std::move(opts), path);
    }

    /// A Hugging Face tokenizer.json with a WordPiece model.
    static Result<Tokenizer> from_tokenizer_json(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return make_error(ErrorCode::io, "cannot open the tokenizer file", path);
        std::ostringstream ss;
        ss << in.rdbuf();
        return from_tokenizer_json_text(ss.str(), path);
    }

    static Result<Tokenizer> from_tokenizer_json_text(const std::string& text, const std::string& source = "<buffer>") {
        using nlohmann::json;
        const json j = json::parse(text.begin(), text.end(), nullptr, false);
        if (j.is_discarded()) return make_error(ErrorCode::invalid_data, "not valid JSON", source);
        if (!j.is_object()) return make_error(ErrorCode::invalid_data, "the top level is not a JSON object", source);
        TokenizerOptions o;
        o.max_length = 0;
        // model
        auto mit = j.find("model");
        if (mit == j.end() || !mit->is_object()) return make_error(ErrorCode::invalid_data, "no 'model' object", source, "model");
        const json& m = *mit;
        if (auto t = m.find("type"); t != m.end()) {
            if (!t->is_string()) return make_error(ErrorCode::invalid_data, "'type' is not a string", source, "model");
            if (t->get<std::string>() != "WordPiece") return from_hf_pipeline(j, source);
        } else if (m.find("merges") != m.end() || (m.find("vocab") != m.end() && m.find("vocab")->is_array())) {
            return from_hf_pipeline(j, source);
        }
        auto vit = m.find("vocab");
        if (vit == m.end() || !vit->is_object())
            return make_error(ErrorCode::invalid_data, "no 'vocab' object (a WordPiece vocab maps tokens to ids)", source, "model.vocab");
        if (vit->empty()) return make_error(ErrorCode::invalid_data, "the vocabulary is empty", source, "model.vocab");
        if (vit->size() > 50'000'000) return make_error(ErrorCode::resource_limit, "the vocabulary is absurdly large", source, "model.vocab");
        std::vector<std::string> tokens(vit->size());
        std::vector<char> seen(vit->size(), 0);
        for (auto it = vit->begin(); it != vit->end(); ++it) {
            if (!it->is_number_integer()) return make_error(ErrorCode::invalid_data, "id of '" + it.key() + "' is not an integer", source, "model.vocab");
            const auto id = it->get<long long>();
            if (id < 0 || static_cast<unsigned long long>(id) >= tokens.size())
                return make_error(ErrorCode::invalid_data, "id " + std::to_string(id) + " of '" + it.key() + "' is outside [0, " +
                                      std::to_string(tokens.size()) + ")", source, "model.vocab");
            if (seen[static_cast<std::size_t>(id)])
                return make_error(ErrorCode::invalid_data, "id " + std::to_string(id) + " is used twice", source, "model.vocab");
            seen[static_cast<std::size_t>(id)] = 1;
            tokens[static_cast<std::size_t>(id)] = it.key();
        }
        auto str_field = [&](const json& obj, const char* key, std::string& out, const char* where) -> Status {
            auto f = obj.find(key);
            if (f == obj.end() || f->is_null()) return {};
            if (!f->is_string()) return make_error(ErrorCode::invalid_data, std::string("'") + key + "' is not a string", source, where);
            out = f->get<std::string>();
            return {};
        };
        SEMVEC_TRY_STATUS(str_field(m, "unk_token", o.unk_token, "model"));
        SEMVEC_TRY_STATUS(str_field(m, "continuing_subword_prefix", o.continuing_subword_prefix, "model"));
        if (auto f = m.find("max_input_chars_per_word"); f != m.end() && !f->is_null()) {
            if (!f->is_number_unsigned()) return make_error(ErrorCode::invalid_data, "'max_input_chars_per_word' is not a non-negative integer", source, "model");
            o.max_input_chars_per_word = f->get<std::size_t>();
        }
        // normalizer
        auto nit = j.find("normalizer");
        if (nit == j.end() || nit->is_null()) {
            o.basic.do_lower_case = false;
            o.basic.strip_accents = false;
            o.basic.tokenize_chinese_chars = false;
            o.basic.clean_text = false;
        } else {
            if (!nit->is_object()) return make_error(ErrorCode::invalid_data, "'normalizer' is not an object", source, "normalizer");
            auto t = nit->find("type");
            const std::string type = (t != nit->end() && t->is_string()) ? t->get<std::string>() : std::string("?");
            if (type != "BertNormalizer")
                return make_error(ErrorCode::unsupported, "unsupported normalizer '" + type + "' (only BertNormalizer)", source, "normalizer");
            auto flag = [&](const char* key, bool& out) -> Status {
                auto f = nit->find(key);
                if (f == nit->end() || f->is_null()) return {};
                if (!f->is_boolean()) return make_error(ErrorCode::invalid_data, std::string("'") + key + "' is not a boolean", source, "normalizer");
                out = f->get<bool>();
                return {};
            };
            SEMVEC_TRY_STATUS(flag("clean_text", o.basic.clean_text));
            SEMVEC_TRY_STATUS(flag("handle_chinese_chars", o.basic.tokenize_chinese_chars));
            SEMVEC_TRY_STATUS(flag("lowercase", o.basic.do_lower_case));
            if (auto f = nit->find("strip_accents"); f != nit->end() && !f->is_null()) {
                if (!f->is_boolean()) return make_error(ErrorCode::invalid_data, "'strip_accents' is not a boolean or null", source, "normalizer");
                o.basic.strip_accents = f->get<bool>();
            }
        }
        // pre-tokenizer
        if (auto p = j.find("pre_tokenizer"); p != j.end() && !p->is_null()) {
            if (!p->is_object()) return make_error(ErrorCode::invalid_data, "'pre_tokenizer' is not an object", source, "pre_tokenizer");
            auto t = p->find("type");
            const std::string type = (t != p->end() && t->is_string()) ? t->get<std::string>() : std::string("?");
            if (type != "BertPreTokenizer")
                return make_error(ErrorCode::unsupported, "unsupported pre_tokenizer '" + type + "' (only BertPreTokenizer)", source, "pre_tokenizer");
        }
        // post-processor: [CLS] A [SEP] (B [SEP])
        o.cls_token.clear();
        o.sep_token.clear();
        if (auto p = j.find("post_processor"); p != j.end() && !p->is_null()) {
            if (!p->is_object()) return make_error(ErrorCode::invalid_data, "'post_processor' is not an object", source, "post_processor");
            auto t = p->find("type");
            const std::string type = (t != p->end() && t->is_string()) ? t->get<std::string>() : std::string("?");
            if (type == "BertProcessing") {
                for (const char* key : {"cls", "sep"}) {
                    auto f = p->find(key);
                    if (f == p->end() || !f->is_array() || f->size() != 2 || !(*f)[0].is_string())
                        return make_error(ErrorCode::invalid_data, std::string("'") + key + "' is not [token, id]", source, "post_processor");
                    (std::string(key) == "cls" ? o.cls_token : o.sep_token) = (*f)[0].get<std::string>();
                }
            } else if (type == "TemplateProcessing") {
                auto s = p->find("single");
                auto special_of = [](const json& piece) -> std::optional<std::string> {
                    if (!piece.is_object()) return std::nullopt;
                    auto st = piece.find("SpecialToken");
                    if (st == piece.end() || !st->is_object()) return std::nullopt;
                    auto id = st->find("id");
                    if (id == st->end() || !id->is_string()) return std::nullopt;
                    return id->get<std::string>();
                };
                if (s == p->end() || !s->is_array() || s->size() != 3 || !special_of((*s)[0]) || !special_of((*s)[2]))
                    return make_error(ErrorCode::unsupported, "unsupported TemplateProcessing 'single' (only [CLS] $A [SEP])", source, "post_processor");
                o.cls_token = *special_of((*s)[0]);
                o.sep_token = *special_of((*s)[2]);
            } else {
                return make_error(ErrorCode::unsupported, "unsupported post_processor '" + type + "' (TemplateProcessing or BertProcessing)", source,
                                  "post_processor");
            }
        }
        // truncation and padding
        SEMVEC_TRY_STATUS(read_truncation(j, o, source));
        if (auto pd = j.find("padding"); pd != j.end() && !pd->is_null()) {
            if (!pd->is_object()) return make_error(ErrorCode::invalid_data, "'padding' is not an object", source, "padding");
            if (auto f = pd->find("strategy"); f != pd->end()) {
                if (f->is_string() && f->get<std::string>() == "BatchLongest") o.padding = Padding::longest;
                else if (f->is_object() && f->find("Fixed") != f->end()) o.padding = Padding::max_length;
            }
            SEMVEC_TRY_STATUS(str_field(*pd, "pad_token", o.pad_token, "padding"));
        }
        // added tokens
        if (auto at = j.find("added_tokens"); at != j.end() && !at->is_null()) {
            if (!at->is_array()) return make_error(ErrorCode::invalid_data, "'added_tokens' is not an array", source, "added_tokens");
            for (const auto& a : *at) {
                if (!a.is_object()) return make_error(ErrorCode::invalid_data, "an added token is not an object", source, "added_tokens");
                auto c = a.find("content");
                if (c == a.end() || !c->is_string()) return make_error(ErrorCode::invalid_data, "an added token has no 'content'", source, "added_tokens");
                const std::string content = c->get<std::string>();
                if (content.empty()) return make_error(ErrorCode::invalid_data, "an added token is empty", source, "added_tokens");
                if (auto id = a.find("id"); id != a.end() && id->is_number_integer()) {
                    const auto v = id->get<long long>();
                    if (v >= 0 && static_cast<unsigned long long>(v) < tokens.size() && tokens[static_cast<std::size_t>(v)] != content)
                        return make_error(ErrorCode::invalid_data, "added token '" + content + "' has id " + std::to_string(v) +
                                              " which the vocab gives to '" + tokens[static_cast<std::size_t>(v)] + "'",
                                          source, "added_tokens");
                }
                o.added_tokens.push_back(content);
            }
        }
        if (o.pad_token.empty()) o.pad_token = "[PAD]";
        return from_tokens(std::move(tokens), std::move(o), source);
    }

    /// tokenizer.json's "truncation" (max_length, strategy) into `o`.
    static Status read_truncation(const nlohmann::json& j, TokenizerOptions& o, const std::string& source) {
        if (auto tr = j.find("truncation"); tr != j.end() && !tr->is_null()) {
            if (!tr->is_object()) return make_error(ErrorCode::invalid_data, "'truncation' is not an object", source, "truncation");
            if (auto f = tr->find("max_length"); f != tr->end()) {
                if (!f->is_number_unsigned()) return make_error(ErrorCode::invalid_data, "'max_length' is not a non-negative integer", source, "truncation");
                o.max_length = f->get<std::size_t>();
            }
            if (auto f = tr->find("strategy"); f != tr->end() && f->is_string()) {
                const std::string st = f->get<std::string>();
                if (st == "LongestFirst") o.truncation = TruncationStrategy::longest_first;
                else if (st == "OnlyFirst") o.truncation = TruncationStrategy::only_first;
                else if (st == "OnlySecond") o.truncation = TruncationStrategy::only_second;
                else return make_error(ErrorCode::invalid_data, "unknown truncation strategy '" + st + "'", source, "truncation");
            }
        }
        return {};
    }

    /// A BPE or Unigram tokenizer.json (already parsed); see semvec/text/tokenizer_json.hpp for what is read.
    static Result<Tokenizer> from_hf_pipeline(const nlohmann::json& j, const std::string& source) {
        auto p = detail::pipeline_from_tokenizer_json(j, source);
        if (!p) return p.error();
        TokenizerOptions o;
        o.max_length = 0;
        SEMVEC_TRY_STATUS(read_truncation(j, o, source));
        PaddingSide side = PaddingSide::right;
        std::int32_t pad_id = -1;
        if (auto pd = j.find("padding"); pd != j.end() && !pd->is_null()) {
            if (!pd->is_object()) return make_error(ErrorCode::invalid_data, "'padding' is not an object", source, "padding");
            if (auto f = pd->find("direction"); f != pd->end() && f->is_string() && f->get<std::string>() == "Left") side = PaddingSide::left;
            if (auto f = pd->find("pad_id"); f != pd->end() && f->is_number_integer()) pad_id = f->get<std::int32_t>();
            if (auto f = pd->find("strategy"); f != pd->end()) {
                if (f->is_string() && f->get<std::string>() == "BatchLongest") o.padding = Padding::longest;
                else if (f->is_object() && f->find("Fixed") != f->end()) o.padding = Padding::max_length;
            }
        }
        return from_pipeline(std::move(*p), std::move(o), side, pad_id);
    }

    /// A tokenizer around a finished pipeline (the loaders of BPE and Unigram files use it). `pad_id` -1: the
    /// pipeline's "<pad>"-like token if any, else 0.
    static Result<Tokenizer> from_pipeline(std::shared_ptr<detail::Pipeline> pipeline, TokenizerOptions opts = {},
                                           PaddingSide side = PaddingSide::right, std::int32_t pad_id = -1) {
        Tokenizer t;
        t.opts_ = std::move(opts);
        t.side_ = side;
        const auto& pp = pipeline->post;
        // cls/sep: the special tokens around $A in the single template (-1 when absent).
        t.cls_ = t.sep_ = -1;
        for (std::size_t k = 0; k < pp.single.size(); ++k) {
            const auto& piece = pp.single[k];
            if (!piece.special || piece.ids.empty()) continue;
            bool before_a = true;
            for (std::size_t q = 0; q < k; ++q) before_a &= pp.single[q].special;
            if (before_a && t.cls_ < 0) t.cls_ = piece.ids.front();
            else t.sep_ = piece.ids.front();
        }
        if (pipeline->model_kind == detail::Pipeline::ModelKind::unigram) t.unk_ = pipeline->unigram.options().unk_id;
        else t.unk_ = pipeline->bpe.unk_id();
        if (pad_id < 0) {
            for (const char* name : {"<pad>", "[PAD]", "<|endoftext|>", "<|pad|>"}) {
                pad_id = pipeline->index.find(name);
                if (pad_id >= 0) break;
            }
        }
        t.pad_ = pad_id < 0 ? 0 : pad_id;
        t.pipe_ = std::move(pipeline);
        return t;
    }

    /// `semvec.tokenizer` of type "bpe" or "unigram" (docs/model-format.md): a tokenizer.json object under
    /// "tokenizer_json" (its BPE vocab, or the pieces of its Unigram vocab, from `semvec.vocab`), with
    /// "reference", "max_length", "padding_side" and "prefix".
    static Result<Tokenizer> from_pipeline_metadata(const nlohmann::json& t, const std::vector<std::string>& vocab,
                                                    const std::string& src) {
        const std::string item = "semvec.tokenizer";
        auto tj = t.find("tokenizer_json");
        if (tj == t.end() || !tj->is_object())
            return make_error(ErrorCode::invalid_data, "field 'tokenizer_json' is missing or not an object", src, item);
        TokenizerReference ref = TokenizerReference::hf_tokenizers;
        if (auto f = t.find("reference"); f != t.end()) {
            if (!f->is_string()) return make_error(ErrorCode::invalid_data, "field 'reference' is not a string", src, item);
            const std::string r = f->get<std::string>();
            if (r == "transformers_slow") ref = TokenizerReference::transformers_slow;
            else if (r != "hf_tokenizers")
                return make_error(ErrorCode::unsupported, "unknown reference '" + r + "' (hf_tokenizers, transformers_slow)", src, item);
        }
        auto p = detail::pipeline_from_tokenizer_json(*tj, src, &vocab, ref);
        if (!p) return p.error();
        TokenizerOptions o;
        o.max_length = 0;
        if (auto f = t.find("max_length"); f != t.end()) {
            if (!f->is_number_unsigned()) return make_error(ErrorCode::invalid_data, "field 'max_length' is not a non-negative integer", src, item);
            o.max_length = f->get<std::size_t>();
        }
        if (auto f = t.find("prefix"); f != t.end() && !f->is_null()) {
            if (!f->is_string()) return make_error(ErrorCode::invalid_data, "field 'prefix' is not a string", src, item);
            o.prefix = f->get<std::string>();
        }
        PaddingSide side = PaddingSide::right;
        if (auto f = t.find("padding_side"); f != t.end() && !f->is_null()) {
            if (!f->is_string() || (f->get<std::string>() != "left" && f->get<std::string>() != "right"))
                return make_error(ErrorCode::invalid_data, "field 'padding_side' is not \"left\" or \"right\"", src, item);
            if (f->get<std::string>() == "left") side = PaddingSide::left;
        }
        std::int32_t pad = -1;
        if (auto f = t.find("pad_token"); f != t.end() && f->is_string()) pad = (*p)->index.find(f->get<std::string>());
        return from_pipeline(std::move(*p), std::move(o), side, pad);
    }

    /// The flat `semvec.tokenizer` fields of "wordpiece" and "words" files with the defaults that
    /// docs/model-format.md documents (strip_accents unset or null: follows do_lower_case, as in HF). The one
    /// reader of these fields: Tokenizer::from_model_metadata, read_model_info and StaticVectors all use it.
    static Result<TokenizerOptions> options_from_metadata(const nlohmann::json& t, const std::string& src = "<model metadata>") {
        if (!t.is_object()) return make_error(ErrorCode::invalid_data, "not a JSON object", src, "semvec.tokenizer");
        TokenizerOptions o;
        const std::string item = "semvec.tokenizer";
        auto str = [&](const char* key, std::string& out) -> Status {
            auto f = t.find(key);
            if (f == t.end()) return {};
            if (f->is_null()) { out.clear(); return {}; }
            if (!f->is_string()) return make_error(ErrorCode::invalid_data, std::string("'") + key + "' is not a string", src, item);
            out = f->get<std::string>();
            return {};
        };
        auto flag = [&](const char* key, bool& out) -> Status {
            auto f = t.find(key);
            if (f == t.end()) return {};
            if (!f->is_boolean()) return make_error(ErrorCode::invalid_data, std::string("'") + key + "' is not a boolean", src, item);
            out = f->get<bool>();
            return {};
        };
        auto num = [&](const char* key, std::size_t& out) -> Status {
            auto f = t.find(key);
            if (f == t.end()) return {};
            if (!f->is_number_unsigned()) return make_error(ErrorCode::invalid_data, std::string("'") + key + "' is not a non-negative integer", src, item);
            out = f->get<std::size_t>();
            return {};
        };
        std::string type = "wordpiece";
        SEMVEC_TRY_STATUS(str("type", type));
        if (type == "wordpiece") o.type = TokenizerType::wordpiece;
        else if (type == "words") {
            o.type = TokenizerType::words;
            o.cls_token.clear(); o.sep_token.clear(); o.mask_token.clear(); o.unk_token.clear();
        } else return make_error(ErrorCode::unsupported, "unsupported tokenizer type '" + type + "' (wordpiece, words, bpe, unigram)", src, item);
        SEMVEC_TRY_STATUS(flag("do_lower_case", o.basic.do_lower_case));
        SEMVEC_TRY_STATUS(flag("tokenize_chinese_chars", o.basic.tokenize_chinese_chars));
        SEMVEC_TRY_STATUS(flag("clean_text", o.basic.clean_text));
        if (auto f = t.find("strip_accents"); f != t.end() && !f->is_null()) {
            if (!f->is_boolean()) return make_error(ErrorCode::invalid_data, "'strip_accents' is not a boolean or null", src, item);
            o.basic.strip_accents = f->get<bool>();
        }
        SEMVEC_TRY_STATUS(str("unk_token", o.unk_token));
        SEMVEC_TRY_STATUS(str("cls_token", o.cls_token));
        SEMVEC_TRY_STATUS(str("sep_token", o.sep_token));
        SEMVEC_TRY_STATUS(str("pad_token", o.pad_token));
        SEMVEC_TRY_STATUS(str("mask_token", o.mask_token));
        SEMVEC_TRY_STATUS(str("continuing_subword_prefix", o.continuing_subword_prefix));
        SEMVEC_TRY_STATUS(str("prefix", o.prefix));
        SEMVEC_TRY_STATUS(num("max_length", o.max_length));
        SEMVEC_TRY_STATUS(num("max_input_chars_per_word", o.max_input_chars_per_word));
        if (auto f = t.find("added_tokens"); f != t.end() && !f->is_null()) {
            if (!f->is_array()) return make_error(ErrorCode::invalid_data, "'added_tokens' is not an array", src, item);
            for (const auto& a : *f) {
                if (!a.is_string() || a.get<std::string>().empty())
                    return make_error(ErrorCode::invalid_data, "'added_tokens' holds a non-string or empty entry", src, item);
                o.added_tokens.push_back(a.get<std::string>());
            }
        }
        return o;
    }

    /// The semvec model file: `semvec.tokenizer` (JSON object) and `semvec.vocab` (JSON array of strings).
    static Result<Tokenizer> from_model_metadata(const std::map<std::string, std::string>& metadata) {
        using nlohmann::json;
        const std::string src = "<model metadata>";
        auto ti = metadata.find("semvec.tokenizer");
        if (ti == metadata.end()) return make_error(ErrorCode::not_found, "missing key", src, "semvec.tokenizer");
        auto vi = metadata.find("semvec.vocab");
        if (vi == metadata.end()) return make_error(ErrorCode::not_found, "missing key", src, "semvec.vocab");
        const json t = json::parse(ti->second.begin(), ti->second.end(), nullptr, false);
        if (t.is_discarded() || !t.is_object()) return make_error(ErrorCode::invalid_data, "not a JSON object", src, "semvec.tokenizer");
        const json v = json::parse(vi->second.begin(), vi->second.end(), nullptr, false);
        if (v.is_discarded() || !v.is_array()) return make_error(ErrorCode::invalid_data, "not a JSON array", src, "semvec.vocab");
        std::vector<std::string> tokens;
        tokens.reserve(v.size());
        for (const auto& e : v) {
            if (!e.is_string()) return make_error(ErrorCode::invalid_data, "entry " + std::to_string(tokens.size()) + " is not a string", src, "semvec.vocab");
            tokens.push_back(e.get<std::string>());
        }
        if (auto ty = t.find("type"); ty != t.end() && ty->is_string() &&
            (ty->get<std::string>() == "bpe" || ty->get<std::string>() == "unigram"))
            return from_pipeline_metadata(t, tokens, src);
        auto o = options_from_metadata(t, src);
        if (!o) return o.error();
        return from_tokens(std::move(tokens), std::move(*o), src);
    }

    /// [CLS] text [SEP], truncated to max_length (0: the options' max_length; that 0 too: no truncation).
    Encoding encode(std::string_view text, std::size_t max_length = 0) const {
        if (pipe_) return pipe_encode(text, nullptr, max_length, opts_.truncation);
        Encoding e;
        const std::size_t ml = max_length ? max_length : opts_.max_length;
        const bool specials = cls_ >= 0 && sep_ >= 0;
        if (specials) push_special(e, cls_, 0);
        // Enough tokens to know the text is cut (HF keeps an uncuttable text whole when ml <= 2: no early stop).
        const bool stop_early = (specials ? ml > 2 : ml > 0) && ml < (std::size_t(-1) >> 1);
        tokenize_into(text, e.ids, e.offsets, stop_early ? ml + 1 : 0);
        if (specials) {
            const std::size_t n = e.ids.size() - 1;
            if (ml > 0 && n + 2 > ml) {
                const std::size_t remove = n + 2 - ml;
                if (n > remove) {  // HF leaves the text whole when it cannot remove enough
                    e.ids.resize(1 + n - remove);
                    e.offsets.resize(1 + n - remove);
                    e.truncated = true;
                }
            }
            push_special(e, sep_, 0);
        } else if (ml > 0 && e.ids.size() > ml) {
            e.ids.resize(ml);
            e.offsets.resize(ml);
            e.truncated = true;
        }
        e.type_ids.assign(e.ids.size(), 0);
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }

    /// [CLS] a [SEP] b [SEP] with token types 0…0 1…1, truncated as HF's `truncate_sequences` does.
    Encoding encode_pair(std::string_view a, std::string_view b, std::size_t max_length = 0,
                         TruncationStrategy strategy = TruncationStrategy::longest_first) const {
        if (pipe_) return pipe_encode(a, &b, max_length, strategy);
        Encoding e;
        const std::size_t ml = max_length ? max_length : opts_.max_length;
        push_special(e, cls_, 0);
        // longest_first's result is the same with each side capped at ml tokens, so stop there.
        const std::size_t cap = strategy == TruncationStrategy::longest_first && ml < (std::size_t(-1) >> 1) ? ml : 0;
        tokenize_into(a, e.ids, e.offsets, cap ? cap + 1 : 0);
        auto& s = detail::token_scratch();
        std::vector<std::int32_t> ids_b;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> offs_b;
        tokenize_into(b, ids_b, offs_b, cap);
        std::size_t na = e.ids.size() - 1, nb = ids_b.size();
        (void)s;
        if (ml > 0 && na + nb + 3 > ml) {
            const std::size_t remove = na + nb + 3 - ml;
            if (strategy == TruncationStrategy::longest_first) {
                for (std::size_t k = 0; k < remove; ++k) {
                    if (na > nb) --na;
                    else if (nb > 0) --nb;
                }
                e.truncated = true;
            } else if (strategy == TruncationStrategy::only_first) {
                if (na > remove) { na -= remove; e.truncated = true; }
            } else if (nb > remove) {
                nb -= remove;
                e.truncated = true;
            }
        }
        e.ids.resize(1 + na);
        e.offsets.resize(1 + na);
        push_special(e, sep_, 0);
        const std::size_t first = e.ids.size();
        e.ids.insert(e.ids.end(), ids_b.begin(), ids_b.begin() + static_cast<std::ptrdiff_t>(nb));
        e.offsets.insert(e.offsets.end(), offs_b.begin(), offs_b.begin() + static_cast<std::ptrdiff_t>(nb));
        push_special(e, sep_, 1);
        e.type_ids.assign(e.ids.size(), 0);
        std::fill(e.type_ids.begin() + static_cast<std::ptrdiff_t>(first), e.type_ids.end(), 1);
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }

    /// Encodes every text (on opts.threads threads; the result does not depend on it), then pads.
    std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, const BatchOptions& opts) const {
        std::vector<Encoding> out(texts.size());
        const std::size_t ml = opts.max_length ? opts.max_length : opts_.max_length;
        parallel_for(texts.size(), opts.threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t i = b; i < e; ++i) out[i] = encode(texts[i], ml);
        });
        std::size_t target = 0;
        if (opts.padding == Padding::longest)
            for (const auto& e : out) target = std::max(target, e.ids.size());
        else if (opts.padding == Padding::max_length)
            target = ml;
        for (auto& e : out) pad(e, target);
        return out;
    }

    /// Pads e to `length` tokens with [PAD] (mask 0, type 0, offsets (0,0)); never shortens.
    void pad(Encoding& e, std::size_t length) const {
        if (e.ids.size() >= length) return;
        if (side_ == PaddingSide::left) {
            const std::size_t k = length - e.ids.size();
            e.ids.insert(e.ids.begin(), k, pad_);
            e.type_ids.insert(e.type_ids.begin(), k, 0);
            e.attention_mask.insert(e.attention_mask.begin(), k, 0);
            e.offsets.insert(e.offsets.begin(), k, {0u, 0u});
            return;
        }
        e.ids.resize(length, pad_);
        e.type_ids.resize(length, 0);
        e.attention_mask.resize(length, 0);
        e.offsets.resize(length, {0u, 0u});
    }

    /// The tokens of a text without special tokens (ids and byte spans appended). `limit` > 0 lets it stop
    /// once `ids` holds `limit` entries or more (what it holds then is exactly the start of the full result),
    /// so that cutting a huge text to max_length does not tokenize all of it.
    void tokenize_into(std::string_view text, std::vector<std::int32_t>& ids,
                       std::vector<std::pair<std::uint32_t, std::uint32_t>>& offsets, std::size_t limit = 0) const {
        if (pipe_) {
            static thread_local SequenceTokens seq;
            seq.clear();
            pipe_->tokenize(text, seq, limit);
            if (pipe_->post.trim_offsets) trim_offsets(seq);  // as HF's encode(add_special_tokens=False)
            ids.insert(ids.end(), seq.ids.begin(), seq.ids.end());
            offsets.insert(offsets.end(), seq.offsets.begin(), seq.offsets.end());
            return;
        }
        auto& s = detail::token_scratch();
        const std::size_t n = std::min<std::size_t>(text.size(), 0xFFFFFFFFu);
        const char* p = text.data();
        std::size_t chunk = 0, i = 0;
        bool stop = false;
        auto run_chunk = [&](std::size_t b, std::size_t e) {
            // With a limit, work in segments that end just after an ASCII space (always a word break, so the
            // cut changes no token) and check the count between them.
            constexpr std::size_t kSegment = 1 << 14;
            while (e > b && !stop) {
                std::size_t m = e;
                if (limit && e - b > kSegment) {
                    m = b + kSegment;
                    while (m < e && p[m - 1] != ' ' && p[m - 1] != '\n') ++m;
                }
                words_into(std::string_view(p + b, m - b), static_cast<std::uint32_t>(b), s, ids, offsets);
                b = m;
                stop = limit && ids.size() >= limit;
            }
        };
        if (!specials_.empty()) {
            while (i < n && !stop) {
                if (!first_byte_[static_cast<unsigned char>(p[i])]) { ++i; continue; }
                std::size_t matched = 0;
                std::int32_t id = -1;
                for (const auto& sp : specials_) {  // longest first
                    if (sp.first.size() <= n - i && std::memcmp(p + i, sp.first.data(), sp.first.size()) == 0) {
                        matched = sp.first.size();
                        id = sp.second;
                        break;
                    }
                }
                if (!matched) { ++i; continue; }
                run_chunk(chunk, i);
                ids.push_back(id);
                offsets.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + matched));
                i += matched;
                chunk = i;
            }
        }
        run_chunk(chunk, n);
    }

    /// Convenience: the token strings of a text (no special tokens added).
    std::vector<std::string> tokenize(std::string_view text) const {
        std::vector<std::int32_t> ids;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
        tokenize_into(text, ids, offs);
        std::vector<std::string> out;
        out.reserve(ids.size());
        for (auto id : ids) out.push_back(id_to_token(id));
        return out;
    }

    int32_t token_to_id(std::string_view token) const { return pipe_ ? pipe_->index.find(token) : full_.find(token); }
    const std::string& id_to_token(std::int32_t id) const {
        static const std::string empty;
        if (pipe_) return id < 0 || static_cast<std::size_t>(id) >= pipe_->vocab.size() ? empty : pipe_->vocab[static_cast<std::size_t>(id)];
        if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size()) return empty;
        return tokens_[static_cast<std::size_t>(id)];
    }
    std::size_t vocab_size() const { return pipe_ ? pipe_->vocab.size() : tokens_.size(); }
    /// Which side encode_batch pads (right unless the file says left).
    PaddingSide padding_side() const { return side_; }
    /// Changes the padding side and pad id (e.g. from tokenizer_config.json's padding_side); pad_id -1 keeps it.
    void set_padding(PaddingSide side, std::int32_t pad_id = -1) {
        side_ = side;
        if (pad_id >= 0) pad_ = pad_id;
    }
    /// Special tokens a single text (or a pair) gets.
    std::size_t num_special_tokens(bool pair) const {
        if (pipe_) return pipe_->post.added_tokens(pair);
        return (cls_ >= 0 && sep_ >= 0) ? (pair ? 3 : 2) : 0;
    }
    /// Wraps already tokenized ids (no special tokens) as encode() does after truncation: the single
    /// template (e.g. [CLS] ids [SEP], <s> ids </s>, ids <|endoftext|>). Offsets are (0, 0).
    Encoding wrap_single(const std::vector<std::int32_t>& ids) const {
        SequenceTokens a;
        a.ids = ids;
        a.offsets.assign(ids.size(), {0u, 0u});
        a.lead.assign(ids.size(), 0);
        a.trail.assign(ids.size(), 0);
        if (pipe_) return apply_template(a, nullptr, false);
        Encoding e;
        if (cls_ >= 0 && sep_ >= 0) push_special(e, cls_, 0);
        e.ids.insert(e.ids.end(), ids.begin(), ids.end());
        e.offsets.insert(e.offsets.end(), a.offsets.begin(), a.offsets.end());
        if (cls_ >= 0 && sep_ >= 0) push_special(e, sep_, 0);
        e.type_ids.assign(e.ids.size(), 0);
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }
    /// The BPE/Unigram pipeline (null for WordPiece and word tokenizers).
    const detail::Pipeline* pipeline() const { return pipe_.get(); }
    /// Whose behaviour this tokenizer follows (WordPiece: transformers' slow BertTokenizer).
    TokenizerReference reference() const { return pipe_ ? pipe_->reference : TokenizerReference::transformers_slow; }
    std::int32_t cls_id() const { return cls_; }
    std::int32_t sep_id() const { return sep_; }
    std::int32_t pad_id() const { return pad_; }
    std::int32_t unk_id() const { return unk_; }
    std::size_t max_length() const { return opts_.max_length; }
    const TokenizerOptions& options() const { return opts_; }
    const BasicTokenizer& basic_tokenizer() const { return basic_; }

private:
    static void push_special(Encoding& e, std::int32_t id, int) {
        e.ids.push_back(id);
        e.offsets.emplace_back(0u, 0u);
    }

    void words_into(std::string_view chunk, std::uint32_t base, detail::TokenScratch& s, std::vector<std::int32_t>& ids,
                    std::vector<std::pair<std::uint32_t, std::uint32_t>>& offsets) const {
        if (opts_.type == TokenizerType::words) {
            basic_.run(chunk, base, s.basic, [&](const detail::WordRef& w) {
                std::int32_t id = full_.find(w.text);
                if (id < 0) id = unk_;
                if (id < 0) return;
                ids.push_back(id);
                offsets.push_back(w.span(0, w.text.size()));
            });
            return;
        }
        basic_.run(chunk, base, s.basic, [&](const detail::WordRef& w) {
            wp_.tokenize(w, s.wp, [&](std::int32_t id, std::uint32_t b, std::uint32_t e) {
                ids.push_back(id);
                offsets.emplace_back(b, e);
            });
        });
    }

    // --- BPE / Unigram pipeline ---
    Encoding apply_template(SequenceTokens& a, SequenceTokens* b, bool truncated) const {
        const PostProcessor& pp = pipe_->post;
        if (pp.trim_offsets) {
            trim_offsets(a);
            if (b) trim_offsets(*b);
        }
        Encoding e;
        e.truncated = truncated;
        const std::size_t total = a.ids.size() + (b ? b->ids.size() : 0) + pp.added_tokens(b != nullptr);
        e.ids.reserve(total);
        e.type_ids.reserve(total);
        e.offsets.reserve(total);
        for (const auto& piece : b ? pp.pair : pp.single) {
            if (piece.special) {
                for (auto id : piece.ids) {
                    e.ids.push_back(id);
                    e.type_ids.push_back(static_cast<std::int32_t>(piece.type_id));
                    e.offsets.emplace_back(0u, 0u);
                }
                continue;
            }
            const SequenceTokens* s = piece.sequence == 0 ? &a : b;
            if (!s) continue;
            e.ids.insert(e.ids.end(), s->ids.begin(), s->ids.end());
            e.type_ids.insert(e.type_ids.end(), s->ids.size(), static_cast<std::int32_t>(piece.type_id));
            e.offsets.insert(e.offsets.end(), s->offsets.begin(), s->offsets.end());
        }
        e.attention_mask.assign(e.ids.size(), 1);
        return e;
    }

    // HF's process_offsets (RobertaProcessing / ByteLevel with trim_offsets).
    void trim_offsets(SequenceTokens& s) const {
        const bool aps = pipe_->post.add_prefix_space;
        for (std::size_t i = 0; i < s.ids.size(); ++i) {
            std::uint32_t lead = s.lead[i];
            const std::uint32_t trail = s.trail[i];
            auto& o = s.offsets[i];
            if (lead > 0) {
                const bool is_first = i == 0 || o.first == 0;
                if (is_first && aps && lead == 1) lead = 0;
                o.first = std::min(o.first + lead, o.second);
            }
            if (trail > 0 && o.second >= trail) o.second = std::max(o.second - trail, o.first);
        }
    }

    static void cut(SequenceTokens& s, std::size_t n) {
        if (s.ids.size() <= n) return;
        s.ids.resize(n);
        s.offsets.resize(n);
        s.lead.resize(n);
        s.trail.resize(n);
    }

    Encoding pipe_encode(std::string_view a_text, const std::string_view* b_text, std::size_t max_length,
                         TruncationStrategy strategy) const {
        const std::size_t ml = max_length ? max_length : opts_.max_length;
        const bool pair = b_text != nullptr;
        const std::size_t added = pipe_->post.added_tokens(pair);
        const bool limited = ml > 0 && ml < (std::size_t(-1) >> 1);
        // Enough tokens to know where a cut falls (each side alone never keeps more than ml).
        const std::size_t cap = limited ? ml + 1 : 0;
        const bool slow = pipe_->reference == TokenizerReference::transformers_slow;
        static thread_local SequenceTokens a, b;  // reused: no allocation per text once grown
        a.clear();
        b.clear();
        pipe_->tokenize(a_text, a, pair && strategy == TruncationStrategy::only_second ? 0 : cap);
        if (pair) pipe_->tokenize(*b_text, b, strategy == TruncationStrategy::only_first ? 0 : cap);
        if (pair && cap && strategy == TruncationStrategy::longest_first && a.ids.size() >= cap && b.ids.size() >= cap) {
            // Both sides are long: which one is longer decides the cut, so count them in full.
            a.clear();
            b.clear();
            pipe_->tokenize(a_text, a, 0);
            pipe_->tokenize(*b_text, b, 0);
        }
        bool truncated = false;
        if (limited) {
            std::size_t na = a.ids.size(), nb = pair ? b.ids.size() : 0;
            if (slow) {
                // transformers' truncate_sequences: tokens to remove counted with the special tokens; a text
                // that cannot lose enough stays whole.
                if (na + nb + added > ml) {
                    const std::size_t remove = na + nb + added - ml;
                    if (!pair || strategy == TruncationStrategy::only_first) {
                        if (na > remove) { na -= remove; truncated = true; }
                    } else if (strategy == TruncationStrategy::only_second) {
                        if (nb > remove) { nb -= remove; truncated = true; }
                    } else {
                        for (std::size_t k = 0; k < remove; ++k) {
                            if (na > nb) --na;
                            else if (nb > 0) --nb;
                        }
                        truncated = true;
                    }
                }
            } else if (ml >= added) {
                // HF tokenizers' truncate_encodings with max_length less the special tokens.
                const std::size_t target = ml - added;
                if (na + nb > target) {
                    const std::size_t remove = na + nb - target;
                    if (!pair && strategy != TruncationStrategy::only_second) {
                        if (strategy == TruncationStrategy::longest_first || na > remove) {
                            na = std::min(na, target);
                            truncated = true;
                        }
                    } else if (pair && strategy == TruncationStrategy::longest_first) {
                        std::size_t n1 = na, n2 = nb;
                        const bool swap = n1 > n2;
                        if (swap) std::swap(n1, n2);
                        if (n1 > target) n2 = n1;
                        else n2 = std::max(n1, target - n1);
                        if (n1 + n2 > target) {
                            n1 = target / 2;
                            n2 = n1 + target % 2;
                        }
                        if (swap) std::swap(n1, n2);
                        na = std::min(na, n1);
                        nb = std::min(nb, n2);
                        truncated = true;
                    } else if (pair && strategy == TruncationStrategy::only_first) {
                        if (na > remove) { na -= remove; truncated = true; }
                    } else if (pair) {
                        if (nb > remove) { nb -= remove; truncated = true; }
                    }
                }
            }
            cut(a, na);
            if (pair) cut(b, nb);
        }
        return apply_template(a, pair ? &b : nullptr, truncated);
    }

    std::shared_ptr<const detail::Pipeline> pipe_;
    PaddingSide side_ = PaddingSide::right;
    TokenizerOptions opts_;
    std::vector<std::string> tokens_;
    detail::VocabIndex full_;
    BasicTokenizer basic_;
    WordPiece wp_;
    std::vector<std::pair<std::string, std::int32_t>> specials_;
    bool first_byte_[256] = {};
    std::int32_t unk_ = -1, cls_ = -1, sep_ = -1, pad_ = 0;
};

}  // namespace semvec
