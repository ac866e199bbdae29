// semvec/text/sentencepiece_model.hpp — SentencePiece `.model` files (a protobuf ModelProto) as transformers'
// slow tokenizers use them: XLMRobertaTokenizer (fairseq ids), AlbertTokenizer (its Python preprocessing),
// or plain sentencepiece ids.
//
//   auto tok = semvec::read_sentencepiece_tokenizer("spiece.model", {semvec::SentencePieceStyle::xlm_roberta});
//
// The file is read with a minimal protobuf wire-format reader (varints, fixed32 and length-delimited fields)
// for the few fields encoding needs: the pieces (piece, score, type), trainer_spec.model_type, unk_id and
// byte_fallback, and normalizer_spec (precompiled_charsmap, add_dummy_prefix, remove_extra_whitespaces,
// escape_whitespaces). Why by hand: Debian's libprotobuf needs generated code from sentencepiece's .proto at
// build time for five fields; the wire format is small and every length is bounds-checked. Unigram models
// only (a BPE .model is refused with ErrorCode::unsupported). scripts/semvec_convert/tokenizer.py reads the
// same fields in Python and writes the same description (sentencepiece_tokenizer_json below) into model files.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../config.hpp"
#include "../result.hpp"
#include "tokenizer.hpp"

namespace semvec {

/// The fields of a SentencePiece ModelProto that encoding uses.
struct SentencePieceModel {
    std::vector<UnigramPiece> pieces;
    int model_type = 1;          ///< 1 unigram, 2 BPE, 3 word, 4 char
    std::int32_t unk_id = 0;
    bool byte_fallback = false;
    std::string normalizer_name;
    std::string precompiled_charsmap;
    bool add_dummy_prefix = true, remove_extra_whitespaces = true, escape_whitespaces = true;
    bool treat_whitespace_as_suffix = false;
};

/// Which transformers class a .model file is read as.
enum class SentencePieceStyle {
    plain,        ///< sentencepiece's own ids, no special tokens around the text
    xlm_roberta,  ///< XLMRobertaTokenizer: `<s>`=0 `<pad>`=1 `</s>`=2 `<unk>`=3, pieces shifted by one, `<mask>` last
    albert,       ///< AlbertTokenizer: [CLS] A [SEP], its Python preprocessing (see below)
};

/// Options of read_sentencepiece_tokenizer.
struct SentencePieceOptions {
    SentencePieceStyle style = SentencePieceStyle::xlm_roberta;  ///< Default xlm_roberta.
    /// AlbertTokenizer's preprocessing: lower-case (default true), keep accents (default false), collapse
    /// whitespace (remove_space, default true).
    bool do_lower_case = true, keep_accents = false, remove_space = true;
    /// Longest encoding in tokens (0 = no truncation; default 0).
    std::size_t max_length = 0;
};

/// Parses a .model file's bytes (`name` is used in errors).
SEMVEC_API Result<SentencePieceModel> parse_sentencepiece_model(std::string_view bytes, const std::string& name = "<buffer>");
/// The tokenizer description (tokenizer.json layout with semvec's slow-tokenizer extensions) of a model in a
/// style: what scripts/semvec_convert writes into model files.
SEMVEC_API nlohmann::json sentencepiece_tokenizer_json(const SentencePieceModel& m, const SentencePieceOptions& options);
/// Reads a .model file as a slow transformers tokenizer of the given style.
SEMVEC_API Result<Tokenizer> read_sentencepiece_tokenizer(const std::string& path, const SentencePieceOptions& options = {});

#if SEMVEC_DEFINITIONS

namespace detail {

/// A bounds-checked protobuf wire-format cursor.
struct ProtoReader {
    const unsigned char* p;
    std::size_t n, i = 0;
    bool ok = true;
    bool varint(std::uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (i >= n) return ok = false;
            const unsigned char b = p[i++];
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80)) return true;
        }
        return ok = false;
    }
    /// Next field: number and wire type; false at the end or on an error (check ok).
    bool next(std::uint32_t& field, int& wire) {
        if (i >= n) return false;
        std::uint64_t key;
        if (!varint(key)) return false;
        field = static_cast<std::uint32_t>(key >> 3);
        wire = static_cast<int>(key & 7);
        return true;
    }
    bool bytes(std::string_view& out) {
        std::uint64_t len;
        if (!varint(len)) return false;
        if (len > n - i) return ok = false;
        out = std::string_view(reinterpret_cast<const char*>(p + i), static_cast<std::size_t>(len));
        i += static_cast<std::size_t>(len);
        return true;
    }
    bool fixed32(std::uint32_t& v) {
        if (n - i < 4) return ok = false;
        std::memcpy(&v, p + i, 4);
        i += 4;
        return true;
    }
    bool skip(int wire) {
        std::uint64_t v;
        std::string_view s;
        std::uint32_t f;
        switch (wire) {
            case 0: return varint(v);
            case 1: if (n - i < 8) return ok = false; i += 8; return true;
            case 2: return bytes(s);
            case 5: return fixed32(f);
            default: return ok = false;  // groups (3, 4) are not used by sentencepiece
        }
    }
};

}  // namespace detail

SEMVEC_API Result<SentencePieceModel> parse_sentencepiece_model(std::string_view bytes, const std::string& name) {
    SentencePieceModel m;
    detail::ProtoReader top{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
    auto bad = [&](const std::string& what) { return make_error(ErrorCode::invalid_data, what, name); };
    std::uint32_t field;
    int wire;
    while (top.next(field, wire)) {
        if (field == 1 && wire == 2) {  // SentencePiece
            std::string_view body;
            if (!top.bytes(body)) break;
            detail::ProtoReader r{reinterpret_cast<const unsigned char*>(body.data()), body.size()};
            UnigramPiece pc;
            int type = 1;
            std::uint32_t f;
            int w;
            while (r.next(f, w)) {
                if (f == 1 && w == 2) {
                    std::string_view s;
                    if (!r.bytes(s)) break;
                    pc.piece.assign(s.data(), s.size());
                } else if (f == 2 && w == 5) {
                    std::uint32_t u;
                    if (!r.fixed32(u)) break;
                    float fl;
                    std::memcpy(&fl, &u, 4);
                    pc.score = fl;
                } else if (f == 3 && w == 0) {
                    std::uint64_t v;
                    if (!r.varint(v)) break;
                    type = static_cast<int>(v);
                } else if (!r.skip(w)) {
                    break;
                }
            }
            if (!r.ok) return bad("piece " + std::to_string(m.pieces.size()) + " is truncated or malformed");
            if (type < 1 || type > 6) return bad("piece " + std::to_string(m.pieces.size()) + " has unknown type " + std::to_string(type));
            if (!detail::is_valid_utf8(pc.piece)) return bad("piece " + std::to_string(m.pieces.size()) + " is not valid UTF-8");
            static const UnigramPiece::Type types[] = {UnigramPiece::Type::normal, UnigramPiece::Type::unknown,
                                                       UnigramPiece::Type::control, UnigramPiece::Type::user_defined,
                                                       UnigramPiece::Type::unused, UnigramPiece::Type::byte};
            pc.type = types[type - 1];
            if (m.pieces.size() >= 10'000'000) return make_error(ErrorCode::resource_limit, "more than 10 million pieces", name);
            m.pieces.push_back(std::move(pc));
        } else if ((field == 2 || field == 3) && wire == 2) {  // TrainerSpec / NormalizerSpec
            std::string_view body;
            if (!top.bytes(body)) break;
            detail::ProtoReader r{reinterpret_cast<const unsigned char*>(body.data()), body.size()};
            std::uint32_t f;
            int w;
            while (r.next(f, w)) {
                std::uint64_t v = 0;
                std::string_view s;
                if (w == 0) {
                    if (!r.varint(v)) break;
                } else if (w == 2) {
                    if (!r.bytes(s)) break;
                } else if (!r.skip(w)) {
                    break;
                }
                if (field == 2) {
                    if (f == 3 && w == 0) m.model_type = static_cast<int>(v);
                    else if (f == 40 && w == 0) m.unk_id = static_cast<std::int32_t>(static_cast<std::int64_t>(v));
                    else if (f == 35 && w == 0) m.byte_fallback = v != 0;
                    else if (f == 24 && w == 0) m.treat_whitespace_as_suffix = v != 0;
                } else {
                    if (f == 1 && w == 2) m.normalizer_name.assign(s.data(), s.size());
                    else if (f == 2 && w == 2) m.precompiled_charsmap.assign(s.data(), s.size());
                    else if (f == 3 && w == 0) m.add_dummy_prefix = v != 0;
                    else if (f == 4 && w == 0) m.remove_extra_whitespaces = v != 0;
                    else if (f == 5 && w == 0) m.escape_whitespaces = v != 0;
                }
            }
            if (!r.ok) return bad(field == 2 ? "trainer_spec is truncated or malformed" : "normalizer_spec is truncated or malformed");
        } else if (!top.skip(wire)) {
            break;
        }
    }
    if (!top.ok) return bad("not a SentencePiece model (truncated or malformed protobuf)");
    if (m.pieces.empty()) return bad("the model has no pieces (not a SentencePiece model?)");
    if (m.model_type != 1)
        return make_error(ErrorCode::unsupported,
                          "unsupported SentencePiece model type " + std::to_string(m.model_type) + " (semvec reads unigram models)", name);
    if (m.unk_id < 0 || static_cast<std::size_t>(m.unk_id) >= m.pieces.size()) return bad("unk_id is outside the pieces");
    if (m.treat_whitespace_as_suffix) return make_error(ErrorCode::unsupported, "unsupported treat_whitespace_as_suffix", name);
    return m;
}

namespace detail {
inline std::string base64_encode(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                                static_cast<unsigned char>(in[i + 2]);
        out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        const std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
        out += t[v >> 18]; out += t[(v >> 12) & 63]; out += "==";
    } else if (i + 2 == in.size()) {
        const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += '=';
    }
    return out;
}
}  // namespace detail

SEMVEC_API nlohmann::json sentencepiece_tokenizer_json(const SentencePieceModel& m, const SentencePieceOptions& o) {
    using nlohmann::json;
    json vocab = json::array(), types = json::array(), added = json::array();
    auto type_num = [](UnigramPiece::Type t) { return static_cast<int>(t) + 1; };
    std::int32_t unk = m.unk_id;
    auto add_token = [&](const std::string& content, std::int32_t id, bool lstrip) {
        added.push_back({{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", lstrip}, {"rstrip", false},
                         {"normalized", false}, {"special", true}});
    };
    json single, pair;
    auto sp = [](const std::string& t, int type_id) { return json{{"SpecialToken", {{"id", t}, {"type_id", type_id}}}}; };
    auto seq = [](const char* s, int type_id) { return json{{"Sequence", {{"id", s}, {"type_id", type_id}}}}; };
    json specials = json::object();
    auto special_entry = [&](const std::string& t, std::int32_t id) { specials[t] = {{"id", t}, {"ids", {id}}, {"tokens", {t}}}; };
    if (o.style == SentencePieceStyle::xlm_roberta) {
        const char* fairseq[] = {"<s>", "<pad>", "</s>", "<unk>"};
        for (int k = 0; k < 4; ++k) {
            vocab.push_back({fairseq[k], 0.0});
            types.push_back(k == 3 ? 2 : 3);
        }
        for (std::size_t i = 3; i < m.pieces.size(); ++i) {
            vocab.push_back({m.pieces[i].piece, m.pieces[i].score});
            types.push_back(type_num(m.pieces[i].type));
        }
        const auto mask = static_cast<std::int32_t>(vocab.size());
        vocab.push_back({"<mask>", 0.0});
        types.push_back(3);
        unk = 3;
        for (int k = 0; k < 4; ++k) add_token(fairseq[k], k, false);
        add_token("<mask>", mask, true);
        special_entry("<s>", 0);
        special_entry("</s>", 2);
        single = json::array({sp("<s>", 0), seq("A", 0), sp("</s>", 0)});
        pair = json::array({sp("<s>", 0), seq("A", 0), sp("</s>", 0), sp("</s>", 0), seq("B", 0), sp("</s>", 0)});
    } else {
        for (const auto& p : m.pieces) {
            vocab.push_back({p.piece, p.score});
            types.push_back(type_num(p.type));
        }
        if (o.style == SentencePieceStyle::albert) {
            auto find = [&](const char* t) -> std::int32_t {
                for (std::size_t i = 0; i < m.pieces.size(); ++i)
                    if (m.pieces[i].piece == t) return static_cast<std::int32_t>(i);
                return -1;
            };
            for (const char* t : {"<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"}) {
                const std::int32_t id = find(t);
                if (id >= 0) add_token(t, id, std::string(t) == "[MASK]");
            }
            const std::int32_t cls = find("[CLS]"), sep = find("[SEP]");
            if (cls >= 0 && sep >= 0) {
                special_entry("[CLS]", cls);
                special_entry("[SEP]", sep);
                single = json::array({sp("[CLS]", 0), seq("A", 0), sp("[SEP]", 0)});
                pair = json::array({sp("[CLS]", 0), seq("A", 0), sp("[SEP]", 0), seq("B", 1), sp("[SEP]", 1)});
            }
        }
    }
    if (single.is_null()) {
        single = json::array({seq("A", 0)});
        pair = json::array({seq("A", 0), seq("B", 1)});
    }
    json norm = nullptr;
    if (o.style == SentencePieceStyle::albert) {
        json steps = json::array();
        if (o.remove_space) steps.push_back({{"type", "semvec.CollapseWhitespace"}});
        steps.push_back({{"type", "Replace"}, {"pattern", {{"String", "``"}}}, {"content", "\""}});
        steps.push_back({{"type", "Replace"}, {"pattern", {{"String", "''"}}}, {"content", "\""}});
        if (!o.keep_accents) {
            steps.push_back({{"type", "NFKD"}});
            steps.push_back({{"type", "semvec.DropCombiningClass"}});
        }
        if (o.do_lower_case) steps.push_back({{"type", "semvec.PythonLowercase"}});
        norm = {{"type", "Sequence"}, {"normalizers", steps}};
    }
    json user = json::array();
    for (const auto& p : m.pieces)
        if (p.type == UnigramPiece::Type::user_defined) user.push_back(p.piece);
    json j = {
        {"version", "1.0"},
        {"added_tokens", added},
        {"normalizer", norm},
        {"semvec.sentencepiece_normalizer",
         {{"precompiled_charsmap", detail::base64_encode(m.precompiled_charsmap)},
          {"add_dummy_prefix", m.add_dummy_prefix},
          {"remove_extra_whitespaces", m.remove_extra_whitespaces},
          {"escape_whitespaces", m.escape_whitespaces},
          {"user_defined", user}}},
        {"semvec.albert_digit_comma", o.style == SentencePieceStyle::albert},
        {"pre_tokenizer", nullptr},
        {"model",
         {{"type", "Unigram"},
          {"unk_id", unk},
          {"byte_fallback", m.byte_fallback},
          {"vocab", vocab},
          {"semvec.sentencepiece_mode", true},
          {"semvec.piece_types", types}}},
        {"post_processor", {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}, {"special_tokens", specials}}},
    };
    return j;
}

SEMVEC_API Result<Tokenizer> read_sentencepiece_tokenizer(const std::string& path, const SentencePieceOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::io, "cannot open the SentencePiece model", path);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    auto m = parse_sentencepiece_model(bytes, path);
    if (!m) return m.error();
    const nlohmann::json j = sentencepiece_tokenizer_json(*m, options);
    auto p = detail::pipeline_from_tokenizer_json(j, path, nullptr, TokenizerReference::transformers_slow);
    if (!p) return p.error();
    TokenizerOptions o;
    o.max_length = options.max_length;
    return Tokenizer::from_pipeline(std::move(*p), std::move(o));
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
