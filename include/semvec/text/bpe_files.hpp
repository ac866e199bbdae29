// semvec/text/bpe_files.hpp — byte-level BPE tokenizers from `vocab.json` + `merges.txt`, with the semantics
// of transformers' slow Python classes (RobertaTokenizer, GPT2Tokenizer, Qwen2Tokenizer).
//
//   auto tok = semvec::read_bpe_tokenizer("vocab.json", "merges.txt", {semvec::BpeStyle::roberta});
//
// vocab.json maps tokens to ids (0..n-1 without holes). merges.txt holds one merge "a b" per line in rank
// order; a first line starting with "#version" is skipped, empty lines too. Every merge must name two
// vocabulary tokens whose concatenation is in the vocabulary; anything else is an error naming the line (a
// merges file with unknown symbols never tokenizes "somehow").
//
// Styles: roberta (<s> A </s>, pair <s> A </s></s> B </s>, GPT-2 split pattern), gpt2 (no special tokens
// around the text), qwen2 (NFC first, Qwen2's split pattern, <|endoftext|> …). Offsets are byte-exact (the
// slow tokenizers have none; this is the natural definition), truncation follows transformers'
// truncate_sequences. docs/tokenizers.md lists where this differs from the same model's tokenizer.json.
#pragma once

#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../config.hpp"
#include "../result.hpp"
#include "tokenizer.hpp"

namespace semvec {

/// Which transformers class a vocab.json + merges.txt pair is read as.
enum class BpeStyle { roberta, gpt2, qwen2 };

/// Options of read_bpe_tokenizer / parse_bpe_tokenizer.
struct BpeFilesOptions {
    /// The tokenizer class (default roberta).
    BpeStyle style = BpeStyle::roberta;
    /// RoBERTa/GPT-2: a space is put before a text that does not start with one (default false).
    bool add_prefix_space = false;
    /// Tokens added beyond vocab.json (e.g. tokenizer_config.json's added_tokens_decoder), by id. Default none
    /// (the style's own special tokens are added when missing).
    std::vector<AddedToken> added_tokens;
    /// Template for a single text in HF's TemplateProcessing syntax, e.g. "$A <|endoftext|>"; empty (default):
    /// the style's own. `pair_template` likewise ("$A:0 <|endoftext|>:0 $B:1 <|endoftext|>:1").
    std::string single_template, pair_template;
    /// Longest encoding in tokens (0 = no truncation; default 0).
    std::size_t max_length = 0;
    /// Padding side (Qwen models pad on the left). Default right.
    PaddingSide padding_side = PaddingSide::right;
};

/// Reads vocab.json and merges.txt.
SEMVEC_API Result<Tokenizer> read_bpe_tokenizer(const std::string& vocab_json_path, const std::string& merges_path,
                                                const BpeFilesOptions& options = {});
/// The same from the files' contents (`name` is used in errors).
SEMVEC_API Result<Tokenizer> parse_bpe_tokenizer(const std::string& vocab_json, const std::string& merges_txt,
                                                 const BpeFilesOptions& options = {}, const std::string& name = "<buffer>");

namespace detail {
/// Parses an HF template string ("[CLS]:0 $A:0 [SEP]:0") into pieces, looking special tokens up in `p`.
SEMVEC_API Status parse_template_string(const std::string& text, const Pipeline& p, std::vector<TemplatePiece>& out,
                                        const std::string& source);
}  // namespace detail

#if SEMVEC_DEFINITIONS

namespace detail {

SEMVEC_API Status parse_template_string(const std::string& text, const Pipeline& p, std::vector<TemplatePiece>& out,
                                        const std::string& source) {
    out.clear();
    std::istringstream in(text);
    std::string w;
    while (in >> w) {
        TemplatePiece tp;
        std::string name = w;
        const std::size_t colon = w.rfind(':');
        if (colon != std::string::npos && colon + 1 < w.size() &&
            w.find_first_not_of("0123456789", colon + 1) == std::string::npos && colon > 0) {
            name = w.substr(0, colon);
            const std::string num = w.substr(colon + 1);
            if (num.size() > 4) return make_error(ErrorCode::invalid_argument, "type id too large in template '" + text + "'", source);
            std::from_chars(num.data(), num.data() + num.size(), tp.type_id);
        }
        if (name == "$A" || name == "$") tp.sequence = 0;
        else if (name == "$B") tp.sequence = 1;
        else {
            tp.special = true;
            tp.token = name;
            const std::int32_t id = p.index.find(name);
            if (id < 0) return make_error(ErrorCode::invalid_argument, "template token '" + name + "' is not in the vocabulary", source);
            tp.ids.push_back(id);
        }
        out.push_back(std::move(tp));
    }
    if (out.empty()) return make_error(ErrorCode::invalid_argument, "empty template", source);
    return {};
}

}  // namespace detail

SEMVEC_API Result<Tokenizer> parse_bpe_tokenizer(const std::string& vocab_json, const std::string& merges_txt,
                                                 const BpeFilesOptions& options, const std::string& name) {
    using nlohmann::json;
    const json v = json::parse(vocab_json.begin(), vocab_json.end(), nullptr, false);
    if (v.is_discarded()) return make_error(ErrorCode::invalid_data, "vocab.json is not valid JSON", name);
    if (!v.is_object() || v.empty()) return make_error(ErrorCode::invalid_data, "vocab.json is not a non-empty object of token: id", name);
    if (v.size() > 50'000'000) return make_error(ErrorCode::resource_limit, "vocab.json is absurdly large", name);
    auto p = std::make_shared<detail::Pipeline>();
    p->reference = TokenizerReference::transformers_slow;
    p->vocab.assign(v.size(), std::string());
    std::vector<char> seen(v.size(), 0);
    for (auto it = v.begin(); it != v.end(); ++it) {
        if (!it->is_number_integer()) return make_error(ErrorCode::invalid_data, "id of '" + it.key() + "' is not an integer", name, "vocab.json");
        const long long id = it->get<long long>();
        if (id < 0 || static_cast<unsigned long long>(id) >= p->vocab.size())
            return make_error(ErrorCode::invalid_data,
                              "id " + std::to_string(id) + " of '" + it.key() + "' is outside [0, " + std::to_string(p->vocab.size()) + ")",
                              name, "vocab.json");
        if (seen[static_cast<std::size_t>(id)]) return make_error(ErrorCode::invalid_data, "id " + std::to_string(id) + " is used twice", name, "vocab.json");
        seen[static_cast<std::size_t>(id)] = 1;
        p->vocab[static_cast<std::size_t>(id)] = it.key();
    }
    // merges.txt
    std::vector<std::pair<std::string, std::string>> merges;
    std::size_t first_line = 0;
    {
        std::size_t pos = 0, line = 0;
        while (pos < merges_txt.size()) {
            std::size_t nl = merges_txt.find('\n', pos);
            if (nl == std::string::npos) nl = merges_txt.size();
            std::string l = merges_txt.substr(pos, nl - pos);
            pos = nl + 1;
            ++line;
            if (!l.empty() && l.back() == '\r') l.pop_back();
            if (line == 1 && l.rfind("#version", 0) == 0) continue;
            if (l.find_first_not_of(" \t") == std::string::npos) continue;
            std::istringstream ls(l);
            std::string a, b, c;
            ls >> a >> b;
            if (a.empty() || b.empty() || (ls >> c))
                return make_error(ErrorCode::invalid_data, "expected two tokens separated by a space, got '" + l + "'", name,
                                  "merges.txt line " + std::to_string(line));
            if (merges.empty()) first_line = line;
            merges.emplace_back(std::move(a), std::move(b));
        }
    }
    auto bpe = BpeModel::create(p->vocab, merges, BpeOptions{}, name + " (merges.txt)", first_line);
    if (!bpe) return bpe.error();
    // Merges are consecutive lines here, so line numbers in errors are exact only without blank lines.
    p->bpe = std::move(*bpe);
    p->model_kind = detail::Pipeline::ModelKind::bpe;
    // Added tokens: the caller's, then the style's specials when missing.
    auto add = [&](const std::string& content, bool lstrip) {
        for (const auto& t : p->added)
            if (t.content == content) return;
        AddedToken t;
        t.content = content;
        t.special = true;
        t.normalized = false;
        t.lstrip = lstrip;
        for (std::size_t i = 0; i < p->vocab.size(); ++i)
            if (p->vocab[i] == content) t.id = static_cast<std::int32_t>(i);
        if (t.id < 0) {
            t.id = static_cast<std::int32_t>(p->vocab.size());
            p->vocab.push_back(content);
        }
        p->added.push_back(t);
    };
    for (const auto& t : options.added_tokens) {
        if (t.content.empty() || t.id < 0) return make_error(ErrorCode::invalid_argument, "an added token has no content or id", name);
        const auto uid = static_cast<std::size_t>(t.id);
        if (uid < p->vocab.size() && p->vocab[uid] != t.content && !p->vocab[uid].empty())
            return make_error(ErrorCode::invalid_argument,
                              "added token '" + t.content + "' has id " + std::to_string(t.id) + " which vocab.json gives to '" + p->vocab[uid] + "'",
                              name);
        if (uid > p->vocab.size() + 1'000'000) return make_error(ErrorCode::invalid_argument, "added token id is far past the vocabulary", name);
        if (uid >= p->vocab.size()) p->vocab.resize(uid + 1);
        p->vocab[uid] = t.content;
        p->added.push_back(t);
    }
    std::vector<PreTokenizerStep> pre(1);
    pre[0].kind = PreTokenizerStep::Kind::byte_level;
    pre[0].add_prefix_space = options.add_prefix_space;
    std::string single = options.single_template, pair = options.pair_template;
    switch (options.style) {
        case BpeStyle::roberta:
            for (const char* s : {"<s>", "<pad>", "</s>", "<unk>"}) add(s, false);
            add("<mask>", true);
            if (single.empty()) single = "<s> $A </s>";
            if (pair.empty()) pair = "<s> $A </s> </s> $B </s>";
            break;
        case BpeStyle::gpt2:
            add("<|endoftext|>", false);
            if (single.empty()) single = "$A";
            if (pair.empty()) pair = "$A $B:1";
            break;
        case BpeStyle::qwen2: {
            add("<|endoftext|>", false);
            pre[0].kind = PreTokenizerStep::Kind::split;
            pre[0].pattern = detail::SplitPattern::qwen2;
            PreTokenizerStep bl;
            bl.kind = PreTokenizerStep::Kind::byte_level;
            bl.use_regex = false;
            pre.push_back(bl);
            NormalizerStep nfc;
            nfc.kind = NormalizerStep::Kind::nfc;
            p->normalizer = Normalizer({nfc});
            p->normalize_before_added = true;
            if (single.empty()) single = "$A";
            if (pair.empty()) pair = "$A $B:1";
            break;
        }
    }
    p->pre_tokenizer = PreTokenizer(std::move(pre));
    p->finish();
    SEMVEC_TRY_STATUS(detail::parse_template_string(single, *p, p->post.single, name));
    SEMVEC_TRY_STATUS(detail::parse_template_string(pair, *p, p->post.pair, name));
    TokenizerOptions o;
    o.max_length = options.max_length;
    return Tokenizer::from_pipeline(std::move(p), std::move(o), options.padding_side);
}

SEMVEC_API Result<Tokenizer> read_bpe_tokenizer(const std::string& vocab_json_path, const std::string& merges_path,
                                                const BpeFilesOptions& options) {
    auto slurp = [](const std::string& path, std::string& out) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return false;
        std::ostringstream ss;
        ss << in.rdbuf();
        out = ss.str();
        return true;
    };
    std::string v, m;
    if (!slurp(vocab_json_path, v)) return make_error(ErrorCode::io, "cannot open the vocabulary file", vocab_json_path);
    if (!slurp(merges_path, m)) return make_error(ErrorCode::io, "cannot open the merges file", merges_path);
    auto t = parse_bpe_tokenizer(v, m, options, vocab_json_path);
    return t;
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
