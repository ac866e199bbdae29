// tools/cli/cmd_tokenize.cpp — `semvec tokenize`: texts on stdin → one JSON object of ids per line.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "semvec/io/safetensors.hpp"
#include "semvec/text/bpe_files.hpp"
#include "semvec/text/sentencepiece_model.hpp"
#include "semvec/text/tokenizer.hpp"

namespace semvec_cli {

int cmd_tokenize(int argc, char** argv) {
    Args args("tokenize",
              "Reads texts from stdin, one per line, and writes {\"input_ids\",\"token_type_ids\",\"attention_mask\"} "
              "as one JSON object per line (no padding).",
              {{"--model", "FILE", "semvec model file (its tokenizer and vocab)", ""},
               {"--vocab", "FILE", "WordPiece vocab.txt", ""},
               {"--tokenizer-json", "FILE", "Hugging Face tokenizer.json (WordPiece, BPE or Unigram)", ""},
               {"--vocab-json", "FILE", "byte-level BPE vocab.json (with --merges)", ""},
               {"--merges", "FILE", "byte-level BPE merges.txt (with --vocab-json)", ""},
               {"--bpe-style", "roberta|gpt2|qwen2", "how --vocab-json/--merges are read (transformers' class)", "roberta"},
               {"--spm", "FILE", "SentencePiece .model file (Unigram)", ""},
               {"--spm-style", "xlmr|albert|plain", "how --spm is read (transformers' class, or sentencepiece's own ids)", "xlmr"},
               {"--verbose", "", "also print \"tokens\" and \"offsets\" (byte spans in the input line)", ""},
               {"--no-lower-case", "", "do not lower-case (with --vocab)", ""},
               {"--strip-accents", "true|false", "strip accents (with --vocab; default: follows lower-casing)", ""},
               {"--no-chinese-chars", "", "do not split CJK ideographs (with --vocab)", ""},
               {"--max-length", "N", "truncate to N tokens, special tokens included (0: none)", "0"},
               {"--pairs", "", "each input is a pair of texts (needs --jsonl: a JSON array of two strings)", ""},
               {"--jsonl", "", "each line is a JSON string (or with --pairs an array of two strings)", ""}});
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    const int sources = int(args.has("--model")) + int(args.has("--vocab")) + int(args.has("--tokenizer-json")) +
                        int(args.has("--vocab-json")) + int(args.has("--spm"));
    if (args.has("--vocab-json") != args.has("--merges")) {
        args.usage_error("--vocab-json and --merges go together", code);
        return code;
    }
    if (sources != 1) {
        args.usage_error("give exactly one of --model, --vocab, --tokenizer-json, --vocab-json (with --merges), --spm", code);
        return code;
    }
    if (args.has("--pairs") && !args.has("--jsonl")) {
        args.usage_error("--pairs needs --jsonl", code);
        return code;
    }
    const auto max_len = args.get_int("--max-length", 0);
    if (!max_len || *max_len < 0) {
        if (max_len) std::fprintf(stderr, "semvec tokenize: --max-length must be >= 0\n");
        return kExitUsage;
    }
    semvec::Result<semvec::Tokenizer> tok = semvec::make_error(semvec::ErrorCode::internal, "no tokenizer");
    if (args.has("--vocab")) {
        semvec::TokenizerOptions o;
        o.max_length = 0;
        o.basic.do_lower_case = !args.has("--no-lower-case");
        o.basic.tokenize_chinese_chars = !args.has("--no-chinese-chars");
        if (args.has("--strip-accents")) {
            const std::string v = args.get("--strip-accents");
            if (v != "true" && v != "false") {
                args.usage_error("--strip-accents takes true or false", code);
                return code;
            }
            o.basic.strip_accents = v == "true";
        }
        tok = semvec::Tokenizer::from_vocab_file(args.get("--vocab"), o);
    } else {
        if (args.has("--no-lower-case") || args.has("--strip-accents") || args.has("--no-chinese-chars")) {
            args.usage_error("--no-lower-case, --strip-accents and --no-chinese-chars only apply to --vocab", code);
            return code;
        }
        if (args.has("--tokenizer-json")) {
            tok = semvec::Tokenizer::from_tokenizer_json(args.get("--tokenizer-json"));
        } else if (args.has("--vocab-json")) {
            semvec::BpeFilesOptions o;
            const std::string st = args.get("--bpe-style", "roberta");
            if (st == "roberta") o.style = semvec::BpeStyle::roberta;
            else if (st == "gpt2") o.style = semvec::BpeStyle::gpt2;
            else if (st == "qwen2") o.style = semvec::BpeStyle::qwen2;
            else {
                args.usage_error("--bpe-style takes roberta, gpt2 or qwen2", code);
                return code;
            }
            tok = semvec::read_bpe_tokenizer(args.get("--vocab-json"), args.get("--merges"), o);
        } else if (args.has("--spm")) {
            semvec::SentencePieceOptions o;
            const std::string st = args.get("--spm-style", "xlmr");
            if (st == "xlmr") o.style = semvec::SentencePieceStyle::xlm_roberta;
            else if (st == "albert") o.style = semvec::SentencePieceStyle::albert;
            else if (st == "plain") o.style = semvec::SentencePieceStyle::plain;
            else {
                args.usage_error("--spm-style takes xlmr, albert or plain", code);
                return code;
            }
            tok = semvec::read_sentencepiece_tokenizer(args.get("--spm"), o);
        } else {
            auto f = semvec::SafetensorsFile::open(args.get("--model"));
            if (!f) {
                std::fprintf(stderr, "semvec tokenize: %s\n", f.error().what().c_str());
                return kExitInputError;
            }
            tok = semvec::Tokenizer::from_model_metadata(f->metadata());
            if (!tok) tok = tok.error().with_source(args.get("--model"));
        }
    }
    if (!tok) {
        std::fprintf(stderr, "semvec tokenize: %s\n", tok.error().what().c_str());
        return kExitInputError;
    }
    const std::size_t ml = static_cast<std::size_t>(*max_len);
    const bool jsonl = args.has("--jsonl"), pairs = args.has("--pairs"), verbose = args.has("--verbose");
    std::string line;
    std::size_t lineno = 0;
    int status = kExitOk;
    auto bad = [&](const char* what) {
        std::fprintf(stderr, "semvec tokenize: <stdin>: line %zu: %s\n", lineno, what);
        status = kExitInputError;
    };
    while (std::getline(std::cin, line)) {
        ++lineno;
        semvec::Encoding e;
        if (!jsonl) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            e = tok->encode(line, ml == 0 ? std::size_t(-1) : ml);
        } else {
            const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
            if (j.is_discarded()) { bad("not valid JSON"); continue; }
            if (pairs) {
                if (!j.is_array() || j.size() != 2 || !j[0].is_string() || !j[1].is_string()) {
                    bad("expected a JSON array of two strings");
                    continue;
                }
                e = tok->encode_pair(j[0].get<std::string>(), j[1].get<std::string>(), ml == 0 ? std::size_t(-1) : ml,
                                     tok->options().truncation);
            } else {
                if (!j.is_string()) { bad("expected a JSON string"); continue; }
                e = tok->encode(j.get<std::string>(), ml == 0 ? std::size_t(-1) : ml);
            }
        }
        nlohmann::ordered_json out;
        out["input_ids"] = e.ids;
        out["token_type_ids"] = e.type_ids;
        out["attention_mask"] = e.attention_mask;
        if (verbose) {
            std::vector<std::string> tokens;
            tokens.reserve(e.ids.size());
            for (auto id : e.ids) tokens.push_back(tok->id_to_token(id));
            // Token strings can hold bytes that are not UTF-8 only in WordPiece/BPE vocabularies read raw; dump
            // replaces them rather than failing.
            out["tokens"] = tokens;
            nlohmann::ordered_json offs = nlohmann::ordered_json::array();
            for (const auto& o : e.offsets) offs.push_back({o.first, o.second});
            out["offsets"] = offs;
        }
        std::fputs(out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str(), stdout);
        std::fputc('\n', stdout);
    }
    return status;
}

}  // namespace semvec_cli
