// semvec/text/tokenizer_json.hpp — reads the BPE and Unigram parts of a Hugging Face tokenizer.json into a
// tokenizer pipeline (semvec/text/pipeline.hpp). WordPiece files are read by Tokenizer itself.
//
// Supported components (anything else is refused with ErrorCode::unsupported, naming it):
//   normalizer      NFC NFD NFKC NFKD Lowercase StripAccents Replace(String) Strip Prepend Precompiled Sequence
//   pre_tokenizer   ByteLevel Split(String, or the GPT-2 / Qwen2 / Llama 3 Regex) Metaspace Whitespace
//                   WhitespaceSplit Punctuation Digits Sequence (ByteLevel last)
//   model           BPE (dropout null or 0) Unigram
//   post_processor  TemplateProcessing RobertaProcessing BertProcessing ByteLevel Sequence(ByteLevel, one template)
//   decoder         ignored (semvec does not decode)
// The same reader takes the `semvec.tokenizer` metadata of model files (tokenizer_metadata in
// tokenizer.hpp), where the vocabulary may come from `semvec.vocab` instead of model.vocab.
#pragma once

#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../config.hpp"
#include "../result.hpp"
#include "pipeline.hpp"

namespace semvec {
namespace detail {

/// Builds a pipeline from a parsed tokenizer.json whose model is BPE or Unigram. `vocab_override` (when not
/// null) replaces model.vocab for BPE (the token of each id); for Unigram, model.vocab may then hold scores
/// only ([score, ...]). `source` names the file in errors.
SEMVEC_API Result<std::shared_ptr<Pipeline>> pipeline_from_tokenizer_json(
    const nlohmann::json& j, const std::string& source, const std::vector<std::string>* vocab_override = nullptr,
    TokenizerReference reference = TokenizerReference::hf_tokenizers);

/// Standard base64 (with or without padding) → bytes; false on a malformed string.
SEMVEC_API bool base64_decode(const std::string& in, std::string& out);

}  // namespace detail

#if SEMVEC_DEFINITIONS

namespace detail {

SEMVEC_API bool base64_decode(const std::string& in, std::string& out) {
    out.clear();
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t pad = 0;
    for (char ch : in) {
        int v;
        if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z') v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9') v = ch - '0' + 52;
        else if (ch == '+') v = 62;
        else if (ch == '/') v = 63;
        else if (ch == '=') { ++pad; continue; }
        else return false;
        if (pad) return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return pad <= 2;
}

namespace {

struct JsonReader {
    const std::string& source;
    std::string type_of(const nlohmann::json& o) const {
        auto t = o.find("type");
        return (t != o.end() && t->is_string()) ? t->get<std::string>() : std::string();
    }
    Error bad(const std::string& item, const std::string& msg) const { return make_error(ErrorCode::invalid_data, msg, source, item); }
    Error unsupported(const std::string& item, const std::string& msg) const {
        return make_error(ErrorCode::unsupported, msg, source, item);
    }
    Status flag(const nlohmann::json& o, const char* key, bool& out, const std::string& item) const {
        auto f = o.find(key);
        if (f == o.end() || f->is_null()) return {};
        if (!f->is_boolean()) return bad(item, std::string("'") + key + "' is not a boolean");
        out = f->get<bool>();
        return {};
    }
    Status str(const nlohmann::json& o, const char* key, std::string& out, const std::string& item) const {
        auto f = o.find(key);
        if (f == o.end() || f->is_null()) return {};
        if (!f->is_string()) return bad(item, std::string("'") + key + "' is not a string");
        out = f->get<std::string>();
        return {};
    }
};

Status read_normalizer(const JsonReader& r, const nlohmann::json& n, std::vector<NormalizerStep>& steps, int depth) {
    const std::string item = "normalizer";
    if (n.is_null()) return {};
    if (!n.is_object()) return r.bad(item, "is not an object");
    if (depth > 8) return r.bad(item, "Sequence nesting is too deep");
    const std::string type = r.type_of(n);
    NormalizerStep st;
    using K = NormalizerStep::Kind;
    if (type == "Sequence") {
        auto f = n.find("normalizers");
        if (f == n.end() || !f->is_array()) return r.bad(item, "Sequence has no 'normalizers' array");
        for (const auto& c : *f) SEMVEC_TRY_STATUS(read_normalizer(r, c, steps, depth + 1));
        return {};
    }
    if (type == "NFC") st.kind = K::nfc;
    else if (type == "NFD") st.kind = K::nfd;
    else if (type == "NFKC") st.kind = K::nfkc;
    else if (type == "NFKD") st.kind = K::nfkd;
    else if (type == "Lowercase") st.kind = K::lowercase;
    else if (type == "StripAccents") st.kind = K::strip_accents;
    else if (type == "semvec.CollapseWhitespace") st.kind = K::collapse_whitespace;
    else if (type == "semvec.DropCombiningClass") st.kind = K::drop_combining_class;
    else if (type == "semvec.PythonLowercase") st.kind = K::python_lowercase;
    else if (type == "Strip") {
        st.kind = K::strip;
        SEMVEC_TRY_STATUS(r.flag(n, "strip_left", st.left, item));
        SEMVEC_TRY_STATUS(r.flag(n, "strip_right", st.right, item));
    } else if (type == "Prepend") {
        st.kind = K::prepend;
        SEMVEC_TRY_STATUS(r.str(n, "prepend", st.content, item));
    } else if (type == "Replace") {
        st.kind = K::replace;
        auto p = n.find("pattern");
        if (p == n.end() || !p->is_object()) return r.bad(item, "Replace has no 'pattern' object");
        if (auto s = p->find("String"); s != p->end() && s->is_string()) {
            st.pattern = s->get<std::string>();
        } else if (auto rx = p->find("Regex"); rx != p->end() && rx->is_string()) {
            // Only runs of one literal character: "c{n,}" or "c+".
            const std::string re = rx->get<std::string>();
            std::vector<char32_t> cps;
            chars_of(re, cps);
            bool ok = false;
            if (cps.size() >= 2 && cps[0] != '\\' && cps[0] != '(' && cps[0] != '[' && cps[0] != '.' && cps[0] != '{') {
                std::string first;
                append_utf8(cps[0], first);
                const std::string rest = re.substr(first.size());
                if (rest == "+") { st.pattern = first; st.min_run = 1; ok = true; }
                else if (rest.size() >= 4 && rest.front() == '{' && rest.substr(rest.size() - 2) == ",}" &&
                         rest.find_first_not_of("0123456789", 1) == rest.size() - 2 && rest.size() <= 8) {
                    st.pattern = first;
                    std::size_t v = 0;
                    std::from_chars(rest.data() + 1, rest.data() + rest.size() - 2, v);
                    st.min_run = std::max<std::size_t>(1, v);
                    ok = true;
                }
            }
            if (!ok) return r.unsupported(item, "unsupported normalizer 'Replace' with Regex '" + re + "' (semvec reads runs like \" {2,}\")");
        } else {
            return r.bad(item, "Replace pattern is neither String nor Regex");
        }
        SEMVEC_TRY_STATUS(r.str(n, "content", st.content, item));
    } else if (type == "Precompiled") {
        st.kind = K::precompiled;
        auto f = n.find("precompiled_charsmap");
        if (f == n.end() || f->is_null()) return {};  // no rules: nothing to do
        if (!f->is_string()) return r.bad(item, "'precompiled_charsmap' is not a base64 string");
        std::string blob;
        if (!base64_decode(f->get<std::string>(), blob)) return r.bad(item, "'precompiled_charsmap' is not valid base64");
        auto cm = PrecompiledCharsmap::parse(blob, r.source);
        if (!cm) return cm.error();
        st.charsmap = *cm;
    } else {
        return r.unsupported(item, "unsupported normalizer '" + (type.empty() ? std::string("?") : type) + "'");
    }
    steps.push_back(std::move(st));
    return {};
}

Status read_pre_tokenizer(const JsonReader& r, const nlohmann::json& n, std::vector<PreTokenizerStep>& steps, int depth) {
    const std::string item = "pre_tokenizer";
    if (n.is_null()) return {};
    if (!n.is_object()) return r.bad(item, "is not an object");
    if (depth > 8) return r.bad(item, "Sequence nesting is too deep");
    const std::string type = r.type_of(n);
    if (type == "Sequence") {
        auto f = n.find("pretokenizers");
        if (f == n.end() || !f->is_array()) return r.bad(item, "Sequence has no 'pretokenizers' array");
        for (const auto& c : *f) SEMVEC_TRY_STATUS(read_pre_tokenizer(r, c, steps, depth + 1));
        return {};
    }
    if (!steps.empty() && steps.back().kind == PreTokenizerStep::Kind::byte_level)
        return r.unsupported(item, "unsupported pre_tokenizer '" + type + "' after ByteLevel (ByteLevel must come last)");
    auto behavior = [&](const nlohmann::json& o, SplitBehavior& b) -> Status {
        auto f = o.find("behavior");
        if (f == o.end() || f->is_null()) return {};
        if (!f->is_string()) return r.bad(item, "'behavior' is not a string");
        const std::string s = f->get<std::string>();
        if (s == "Removed") b = SplitBehavior::removed;
        else if (s == "Isolated") b = SplitBehavior::isolated;
        else if (s == "MergedWithPrevious") b = SplitBehavior::merged_with_previous;
        else if (s == "MergedWithNext") b = SplitBehavior::merged_with_next;
        else if (s == "Contiguous") b = SplitBehavior::contiguous;
        else return r.bad(item, "unknown behavior '" + s + "'");
        return {};
    };
    PreTokenizerStep st;
    using K = PreTokenizerStep::Kind;
    if (type == "ByteLevel") {
        st.kind = K::byte_level;
        st.add_prefix_space = true;  // HF's default
        SEMVEC_TRY_STATUS(r.flag(n, "add_prefix_space", st.add_prefix_space, item));
        SEMVEC_TRY_STATUS(r.flag(n, "use_regex", st.use_regex, item));
    } else if (type == "Split") {
        st.kind = K::split;
        auto p = n.find("pattern");
        if (p == n.end() || !p->is_object()) return r.bad(item, "Split has no 'pattern' object");
        if (auto s = p->find("String"); s != p->end() && s->is_string()) {
            st.regex = false;
            st.literal = s->get<std::string>();
        } else if (auto rx = p->find("Regex"); rx != p->end() && rx->is_string()) {
            const std::string re = rx->get<std::string>();
            bool known = false;
            for (auto pat : {SplitPattern::gpt2, SplitPattern::qwen2, SplitPattern::llama3})
                if (re == split_pattern_text(pat)) {
                    st.pattern = pat;
                    known = true;
                }
            if (!known) return r.unsupported(item, "unsupported pre_tokenizer 'Split' with Regex '" + re + "'");
        } else {
            return r.bad(item, "Split pattern is neither String nor Regex");
        }
        SEMVEC_TRY_STATUS(behavior(n, st.behavior));
        SEMVEC_TRY_STATUS(r.flag(n, "invert", st.invert, item));
    } else if (type == "Metaspace") {
        st.kind = K::metaspace;
        std::string rep = "\xE2\x96\x81";
        SEMVEC_TRY_STATUS(r.str(n, "replacement", rep, item));
        std::vector<char32_t> cps;
        chars_of(rep, cps);
        if (cps.size() != 1) return r.bad(item, "Metaspace 'replacement' must be one character");
        st.replacement = cps[0];
        std::string scheme = "always";
        SEMVEC_TRY_STATUS(r.str(n, "prepend_scheme", scheme, item));
        bool aps = true;
        const bool has_aps = n.contains("add_prefix_space") && !n["add_prefix_space"].is_null();
        SEMVEC_TRY_STATUS(r.flag(n, "add_prefix_space", aps, item));
        if (scheme == "always") st.prepend = PreTokenizerStep::Prepend::always;
        else if (scheme == "first") st.prepend = PreTokenizerStep::Prepend::first;
        else if (scheme == "never") st.prepend = PreTokenizerStep::Prepend::never;
        else return r.bad(item, "unknown prepend_scheme '" + scheme + "'");
        if (has_aps && !aps) {
            if (st.prepend != PreTokenizerStep::Prepend::never && n.contains("prepend_scheme"))
                return r.bad(item, "add_prefix_space does not match declared prepend_scheme");
            st.prepend = PreTokenizerStep::Prepend::never;
        }
        SEMVEC_TRY_STATUS(r.flag(n, "split", st.split_on_replacement, item));
    } else if (type == "Whitespace") {
        st.kind = K::whitespace;
    } else if (type == "WhitespaceSplit") {
        st.kind = K::whitespace_split;
    } else if (type == "Punctuation") {
        st.kind = K::punctuation;
        SEMVEC_TRY_STATUS(behavior(n, st.behavior));
    } else if (type == "Digits") {
        st.kind = K::digits;
        SEMVEC_TRY_STATUS(r.flag(n, "individual_digits", st.individual_digits, item));
    } else {
        return r.unsupported(item, "unsupported pre_tokenizer '" + (type.empty() ? std::string("?") : type) + "'");
    }
    steps.push_back(std::move(st));
    return {};
}

Status read_template(const JsonReader& r, const nlohmann::json& arr, const nlohmann::json& specials,
                     const Pipeline& p, std::vector<TemplatePiece>& out, const char* which) {
    const std::string item = std::string("post_processor.") + which;
    if (!arr.is_array()) return r.bad(item, "is not an array");
    out.clear();
    for (const auto& e : arr) {
        if (!e.is_object()) return r.bad(item, "an element is not an object");
        TemplatePiece tp;
        const nlohmann::json* body = nullptr;
        if (auto s = e.find("SpecialToken"); s != e.end()) {
            tp.special = true;
            body = &*s;
        } else if (auto q = e.find("Sequence"); q != e.end()) {
            body = &*q;
        } else {
            return r.bad(item, "an element is neither SpecialToken nor Sequence");
        }
        if (!body->is_object()) return r.bad(item, "an element is not an object");
        auto id = body->find("id");
        if (id == body->end() || !id->is_string()) return r.bad(item, "an element has no string 'id'");
        if (auto t = body->find("type_id"); t != body->end()) {
            if (!t->is_number_integer() || t->get<long long>() < 0 || t->get<long long>() > 0xFFFF)
                return r.bad(item, "'type_id' is not a small non-negative integer");
            tp.type_id = t->get<std::uint32_t>();
        }
        if (tp.special) {
            tp.token = id->get<std::string>();
            auto sp = specials.is_object() ? specials.find(tp.token) : specials.end();
            if (!specials.is_object() || sp == specials.end() || !sp->is_object())
                return r.bad(item, "special token '" + tp.token + "' is not in 'special_tokens'");
            auto ids = sp->find("ids");
            if (ids == sp->end() || !ids->is_array() || ids->empty()) return r.bad(item, "special token '" + tp.token + "' has no 'ids'");
            for (const auto& x : *ids) {
                if (!x.is_number_integer() || x.get<long long>() < 0 || x.get<long long>() >= static_cast<long long>(p.vocab.size()))
                    return r.bad(item, "special token '" + tp.token + "' has an id outside the vocabulary");
                tp.ids.push_back(x.get<std::int32_t>());
            }
        } else {
            const std::string s = id->get<std::string>();
            if (s == "A") tp.sequence = 0;
            else if (s == "B") tp.sequence = 1;
            else return r.bad(item, "sequence id '" + s + "' is neither A nor B");
        }
        out.push_back(std::move(tp));
    }
    return {};
}

Status read_post_processor(const JsonReader& r, const nlohmann::json& n, Pipeline& p, int depth) {
    const std::string item = "post_processor";
    if (n.is_null()) return {};
    if (!n.is_object()) return r.bad(item, "is not an object");
    if (depth > 4) return r.bad(item, "Sequence nesting is too deep");
    const std::string type = r.type_of(n);
    PostProcessor& pp = p.post;
    auto pair_tok = [&](const char* key, std::string& tok, std::int32_t& id) -> Status {
        auto f = n.find(key);
        if (f == n.end() || !f->is_array() || f->size() != 2 || !(*f)[0].is_string() || !(*f)[1].is_number_integer())
            return r.bad(item, std::string("'") + key + "' is not [token, id]");
        tok = (*f)[0].get<std::string>();
        const long long v = (*f)[1].get<long long>();
        if (v < 0 || v >= static_cast<long long>(p.vocab.size())) return r.bad(item, std::string("'") + key + "' id is outside the vocabulary");
        id = static_cast<std::int32_t>(v);
        return {};
    };
    if (type == "Sequence") {
        auto f = n.find("processors");
        if (f == n.end() || !f->is_array()) return r.bad(item, "Sequence has no 'processors' array");
        for (const auto& c : *f) SEMVEC_TRY_STATUS(read_post_processor(r, c, p, depth + 1));
        return {};
    }
    if (type == "ByteLevel") {
        SEMVEC_TRY_STATUS(r.flag(n, "trim_offsets", pp.trim_offsets, item));
        SEMVEC_TRY_STATUS(r.flag(n, "add_prefix_space", pp.add_prefix_space, item));
        return {};
    }
    if (type == "TemplateProcessing") {
        auto s = n.find("single");
        auto q = n.find("pair");
        auto sp = n.find("special_tokens");
        const nlohmann::json empty = nlohmann::json::object();
        const nlohmann::json& specials = sp != n.end() ? *sp : empty;
        if (s == n.end()) return r.bad(item, "TemplateProcessing has no 'single'");
        SEMVEC_TRY_STATUS(read_template(r, *s, specials, p, pp.single, "single"));
        if (q != n.end() && !q->is_null()) SEMVEC_TRY_STATUS(read_template(r, *q, specials, p, pp.pair, "pair"));
        return {};
    }
    if (type == "RobertaProcessing" || type == "BertProcessing") {
        std::string cls, sep;
        std::int32_t cls_id = -1, sep_id = -1;
        SEMVEC_TRY_STATUS(pair_tok("cls", cls, cls_id));
        SEMVEC_TRY_STATUS(pair_tok("sep", sep, sep_id));
        const bool roberta = type == "RobertaProcessing";
        auto special = [](const std::string& t, std::int32_t id, std::uint32_t type_id) {
            return TemplatePiece{true, 0, t, {id}, type_id};
        };
        pp.single = {special(cls, cls_id, 0), TemplatePiece{false, 0, {}, {}, 0}, special(sep, sep_id, 0)};
        if (roberta) {
            pp.pair = {special(cls, cls_id, 0), TemplatePiece{false, 0, {}, {}, 0}, special(sep, sep_id, 0),
                       special(sep, sep_id, 0), TemplatePiece{false, 1, {}, {}, 0}, special(sep, sep_id, 0)};
            pp.trim_offsets = true;
            pp.add_prefix_space = true;
            SEMVEC_TRY_STATUS(r.flag(n, "trim_offsets", pp.trim_offsets, item));
            SEMVEC_TRY_STATUS(r.flag(n, "add_prefix_space", pp.add_prefix_space, item));
        } else {
            pp.pair = {special(cls, cls_id, 0), TemplatePiece{false, 0, {}, {}, 0}, special(sep, sep_id, 0),
                       TemplatePiece{false, 1, {}, {}, 1}, special(sep, sep_id, 1)};
        }
        return {};
    }
    return r.unsupported(item, "unsupported post_processor '" + (type.empty() ? std::string("?") : type) + "'");
}

}  // namespace

SEMVEC_API Result<std::shared_ptr<Pipeline>> pipeline_from_tokenizer_json(const nlohmann::json& j, const std::string& source,
                                                                          const std::vector<std::string>* vocab_override,
                                                                          TokenizerReference reference) {
    using nlohmann::json;
    JsonReader r{source};
    if (!j.is_object()) return r.bad("", "the top level is not a JSON object");
    auto mit = j.find("model");
    if (mit == j.end() || !mit->is_object()) return r.bad("model", "no 'model' object");
    const json& m = *mit;
    std::string mtype = r.type_of(m);
    if (mtype.empty() && m.contains("merges")) mtype = "BPE";
    auto p = std::make_shared<Pipeline>();
    p->reference = reference;
    SEMVEC_TRY_STATUS(r.flag(j, "semvec.normalize_before_added", p->normalize_before_added, "semvec.normalize_before_added"));
    SEMVEC_TRY_STATUS(r.flag(j, "semvec.albert_digit_comma", p->albert_digit_comma, "semvec.albert_digit_comma"));
    if (mtype == "BPE") {
        p->model_kind = Pipeline::ModelKind::bpe;
        if (auto d = m.find("dropout"); d != m.end() && !d->is_null()) {
            if (!d->is_number()) return r.bad("model.dropout", "is not a number");
            if (d->get<double>() != 0.0) return r.unsupported("model.dropout", "unsupported BPE dropout (random merges; semvec is deterministic)");
        }
        // Vocabulary: {token: id}, ids 0..n-1 without holes.
        if (vocab_override) {
            p->vocab = *vocab_override;
        } else {
            auto v = m.find("vocab");
            if (v == m.end() || !v->is_object()) return r.bad("model.vocab", "no 'vocab' object (BPE maps tokens to ids)");
            if (v->size() > 50'000'000) return make_error(ErrorCode::resource_limit, "the vocabulary is absurdly large", source, "model.vocab");
            p->vocab.assign(v->size(), std::string());
            std::vector<char> seen(v->size(), 0);
            for (auto it = v->begin(); it != v->end(); ++it) {
                if (!it->is_number_integer()) return r.bad("model.vocab", "id of '" + it.key() + "' is not an integer");
                const long long id = it->get<long long>();
                if (id < 0 || static_cast<unsigned long long>(id) >= p->vocab.size())
                    return r.bad("model.vocab", "id " + std::to_string(id) + " of '" + it.key() + "' is outside [0, " +
                                                     std::to_string(p->vocab.size()) + ")");
                if (seen[static_cast<std::size_t>(id)]) return r.bad("model.vocab", "id " + std::to_string(id) + " is used twice");
                seen[static_cast<std::size_t>(id)] = 1;
                p->vocab[static_cast<std::size_t>(id)] = it.key();
            }
        }
        std::vector<std::pair<std::string, std::string>> merges;
        auto mg = m.find("merges");
        if (mg != m.end() && !mg->is_null()) {
            if (!mg->is_array()) return r.bad("model.merges", "is not an array");
            merges.reserve(mg->size());
            for (std::size_t k = 0; k < mg->size(); ++k) {
                const json& e = (*mg)[k];
                if (e.is_string()) {
                    const std::string s = e.get<std::string>();
                    const std::size_t sp = s.find(' ');
                    if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
                        return r.bad("model.merges", "merge " + std::to_string(k) + " ('" + s + "') is not two tokens separated by one space");
                    merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
                } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
                    merges.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
                } else {
                    return r.bad("model.merges", "merge " + std::to_string(k) + " is neither \"a b\" nor [\"a\", \"b\"]");
                }
            }
        }
        BpeOptions o;
        SEMVEC_TRY_STATUS(r.str(m, "unk_token", o.unk_token, "model"));
        SEMVEC_TRY_STATUS(r.str(m, "continuing_subword_prefix", o.continuing_subword_prefix, "model"));
        SEMVEC_TRY_STATUS(r.str(m, "end_of_word_suffix", o.end_of_word_suffix, "model"));
        SEMVEC_TRY_STATUS(r.flag(m, "fuse_unk", o.fuse_unk, "model"));
        SEMVEC_TRY_STATUS(r.flag(m, "byte_fallback", o.byte_fallback, "model"));
        SEMVEC_TRY_STATUS(r.flag(m, "ignore_merges", o.ignore_merges, "model"));
        auto bpe = BpeModel::create(p->vocab, merges, o, source);
        if (!bpe) return bpe.error().with_source(source);
        p->bpe = std::move(*bpe);
    } else if (mtype == "Unigram") {
        p->model_kind = Pipeline::ModelKind::unigram;
        auto v = m.find("vocab");
        if (v == m.end() || !v->is_array()) return r.bad("model.vocab", "no 'vocab' array (Unigram lists [piece, score])");
        if (v->size() > 50'000'000) return make_error(ErrorCode::resource_limit, "the vocabulary is absurdly large", source, "model.vocab");
        std::vector<UnigramPiece> pieces;
        pieces.reserve(v->size());
        for (std::size_t k = 0; k < v->size(); ++k) {
            const json& e = (*v)[k];
            UnigramPiece up;
            if (vocab_override && e.is_number()) {
                if (k >= vocab_override->size()) return r.bad("model.vocab", "more scores than tokens");
                up.piece = (*vocab_override)[k];
                up.score = e.get<double>();
            } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_number()) {
                up.piece = e[0].get<std::string>();
                up.score = e[1].get<double>();
            } else {
                return r.bad("model.vocab", "entry " + std::to_string(k) + " is not [piece, score]");
            }
            pieces.push_back(std::move(up));
        }
        UnigramOptions o;
        if (auto u = m.find("unk_id"); u != m.end() && !u->is_null()) {
            if (!u->is_number_integer() || u->get<long long>() < 0) return r.bad("model.unk_id", "is not a non-negative integer");
            if (u->get<long long>() >= static_cast<long long>(pieces.size()))
                return r.bad("model.unk_id", "is outside the vocabulary");
            o.unk_id = u->get<std::int32_t>();
        }
        SEMVEC_TRY_STATUS(r.flag(m, "byte_fallback", o.byte_fallback, "model"));
        // semvec extension (slow SentencePiece tokenizers): sentencepiece's arithmetic and piece types.
        SEMVEC_TRY_STATUS(r.flag(m, "semvec.sentencepiece_mode", o.sentencepiece_mode, "model"));
        if (auto ty = m.find("semvec.piece_types"); ty != m.end() && !ty->is_null()) {
            if (!ty->is_array() || ty->size() != pieces.size())
                return r.bad("model.semvec.piece_types", "is not an array with one type per piece");
            for (std::size_t k = 0; k < pieces.size(); ++k) {
                const json& e = (*ty)[k];
                if (!e.is_number_integer() || e.get<int>() < 1 || e.get<int>() > 6)
                    return r.bad("model.semvec.piece_types", "entry " + std::to_string(k) + " is not a sentencepiece type 1..6");
                static const UnigramPiece::Type types[] = {UnigramPiece::Type::normal, UnigramPiece::Type::unknown,
                                                           UnigramPiece::Type::control, UnigramPiece::Type::user_defined,
                                                           UnigramPiece::Type::unused, UnigramPiece::Type::byte};
                pieces[k].type = types[e.get<int>() - 1];
            }
        }
        p->vocab.reserve(pieces.size());
        for (const auto& pc : pieces) p->vocab.push_back(pc.piece);
        auto uni = UnigramModel::create(std::move(pieces), o, source);
        if (!uni) return uni.error().with_source(source);
        p->unigram = std::move(*uni);
    } else if (mtype == "WordPiece") {
        return r.bad("model.type", "WordPiece is read by Tokenizer::from_tokenizer_json, not the BPE/Unigram pipeline");
    } else {
        return r.unsupported("model.type", "unsupported model '" + (mtype.empty() ? std::string("?") : mtype) + "'");
    }
    // Added tokens (ids may extend the vocabulary).
    if (auto at = j.find("added_tokens"); at != j.end() && !at->is_null()) {
        if (!at->is_array()) return r.bad("added_tokens", "is not an array");
        for (const auto& a : *at) {
            if (!a.is_object()) return r.bad("added_tokens", "an added token is not an object");
            AddedToken t;
            SEMVEC_TRY_STATUS(r.str(a, "content", t.content, "added_tokens"));
            if (t.content.empty()) return r.bad("added_tokens", "an added token has no 'content'");
            auto id = a.find("id");
            if (id == a.end() || !id->is_number_integer() || id->get<long long>() < 0 || id->get<long long>() > 0x7FFFFFFE)
                return r.bad("added_tokens", "added token '" + t.content + "' has no valid 'id'");
            t.id = id->get<std::int32_t>();
            SEMVEC_TRY_STATUS(r.flag(a, "special", t.special, "added_tokens"));
            t.normalized = !t.special;
            SEMVEC_TRY_STATUS(r.flag(a, "single_word", t.single_word, "added_tokens"));
            SEMVEC_TRY_STATUS(r.flag(a, "lstrip", t.lstrip, "added_tokens"));
            SEMVEC_TRY_STATUS(r.flag(a, "rstrip", t.rstrip, "added_tokens"));
            SEMVEC_TRY_STATUS(r.flag(a, "normalized", t.normalized, "added_tokens"));
            const auto uid = static_cast<std::size_t>(t.id);
            if (uid < p->vocab.size()) {
                if (p->vocab[uid] != t.content && !p->vocab[uid].empty() && p->model_kind == Pipeline::ModelKind::bpe &&
                    !vocab_override)
                    return r.bad("added_tokens", "added token '" + t.content + "' has id " + std::to_string(t.id) +
                                                     " which the vocab gives to '" + p->vocab[uid] + "'");
            } else {
                if (uid > p->vocab.size() + 1'000'000) return r.bad("added_tokens", "added token id " + std::to_string(t.id) + " is far past the vocabulary");
                p->vocab.resize(uid + 1);
                p->vocab[uid] = t.content;
            }
            p->added.push_back(std::move(t));
        }
    }
    // Pipeline components.
    std::vector<NormalizerStep> nsteps;
    if (auto n = j.find("normalizer"); n != j.end()) SEMVEC_TRY_STATUS(read_normalizer(r, *n, nsteps, 0));
    // semvec extension: sentencepiece's own normalizer (slow SentencePiece tokenizers), after `normalizer`.
    if (auto n = j.find("semvec.sentencepiece_normalizer"); n != j.end() && !n->is_null()) {
        const std::string item = "semvec.sentencepiece_normalizer";
        if (!n->is_object()) return r.bad(item, "is not an object");
        auto spm = std::make_shared<SentencePieceNormalizer>();
        SEMVEC_TRY_STATUS(r.flag(*n, "add_dummy_prefix", spm->add_dummy_prefix, item));
        SEMVEC_TRY_STATUS(r.flag(*n, "remove_extra_whitespaces", spm->remove_extra_whitespaces, item));
        SEMVEC_TRY_STATUS(r.flag(*n, "escape_whitespaces", spm->escape_whitespaces, item));
        if (auto f = n->find("precompiled_charsmap"); f != n->end() && !f->is_null()) {
            if (!f->is_string()) return r.bad(item, "'precompiled_charsmap' is not a base64 string");
            std::string blob;
            if (!base64_decode(f->get<std::string>(), blob)) return r.bad(item, "'precompiled_charsmap' is not valid base64");
            if (!blob.empty()) {
                auto cm = PrecompiledCharsmap::parse(blob, r.source);
                if (!cm) return cm.error();
                spm->charsmap = *cm;
            }
        }
        if (auto f = n->find("user_defined"); f != n->end() && !f->is_null()) {
            if (!f->is_array()) return r.bad(item, "'user_defined' is not an array of strings");
            for (const auto& u : *f) {
                if (!u.is_string() || u.get<std::string>().empty()) return r.bad(item, "'user_defined' holds a non-string or empty entry");
                spm->user_defined.push_back(u.get<std::string>());
            }
            std::stable_sort(spm->user_defined.begin(), spm->user_defined.end(),
                             [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
        }
        p->spm = std::move(spm);
    }
    p->normalizer = Normalizer(std::move(nsteps));
    std::vector<PreTokenizerStep> psteps;
    if (auto n = j.find("pre_tokenizer"); n != j.end()) SEMVEC_TRY_STATUS(read_pre_tokenizer(r, *n, psteps, 0));
    p->pre_tokenizer = PreTokenizer(std::move(psteps));
    if (auto n = j.find("post_processor"); n != j.end()) SEMVEC_TRY_STATUS(read_post_processor(r, *n, *p, 0));
    p->finish();
    return p;
}

}  // namespace detail

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
