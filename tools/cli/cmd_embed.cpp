// tools/cli/cmd_embed.cpp — `semvec embed`: texts on stdin (one per line, or JSON strings with --jsonl; token
// ids with --ids) to vectors (.npy, .tsv, or TSV on stdout). All the work is semvec::Model::encode() (and
// encode_ids()).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <semvec/index/quantize.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/io/text_table.hpp>
#include <semvec/model/model.hpp>
#include <semvec/util/numbers.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "kernel_note.hpp"
#include "image_inputs.hpp"
#include "npy_out.hpp"

namespace semvec_cli {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int cmd_embed(int argc, char** argv) {
    if (has_images_flag(argc, argv)) return cmd_embed_images(argc, argv);  // images: cmd_images.cpp
    Args args("embed", "Embed texts read from stdin (one per line) with a semvec model file.\n"
              "Writes float32 .npy (N x D), .tsv when --out ends so, or TSV on stdout.",
              {
                  {"--model", "FILE", "semvec model file (.safetensors from scripts/convert.py)", ""},
                  {"--pooling", "MODE", "cls, mean, max or last", "the model's"},
                  {"--normalize", "", "L2-normalize every vector", "the model's"},
                  {"--no-normalize", "", "do not L2-normalize", ""},
                  {"--prefix", "STR", "text prepended to every input, e.g. 'query: '", "the model's"},
                  {"--prompt-name", "NAME", "one of the model file's named prompts, e.g. query (excludes --prefix)", "the model's default"},
                  {"--dimensions", "N", "keep the first N components (Matryoshka), then normalize", "all"},
                  {"--force", "", "allow --dimensions the model file does not declare", ""},
                  {"--ids", "", "each stdin line is a JSON array of token ids, or {\"ids\": [...], \"type_ids\": [...]}", ""},
                  {"--max-length", "N", "longest input in tokens (longer ones are truncated and counted)", "the model's"},
                  {"--batch-size", "N", "texts per batch", "32"},
                  {"--threads", "N", "worker threads, 0 = all cores (output does not depend on it)", "0"},
                  {"--chunk", "", "embed long texts as the mean of overlapping max-length windows instead of truncating them", ""},
                  {"--chunk-overlap", "N", "tokens shared by consecutive windows with --chunk", "half a window"},
                  {"--jsonl", "", "each stdin line is a JSON string", ""},
                  {"--out", "FILE", "output .npy or .tsv; TSV on stdout when absent", ""},
                  {"--precision", "P", "float32, int8 (calibrated ranges) or binary (sign bits, uint8 packbits); int8/binary need --out .npy", "float32"},
                  {"--int8-ranges", "FILE", "int8 ranges as a 2 x D .npy (minima, maxima)", "the vectors' own"},
              });
    int rc = kExitOk;
    if (!args.parse(argc, argv, rc)) return rc;
    if (!args.positional().empty()) {
        args.usage_error("unexpected argument '" + args.positional()[0] + "' (texts come from stdin)", rc);
        return rc;
    }
    if (!args.has("--model")) {
        args.usage_error("--model FILE is required", rc);
        return rc;
    }
    semvec::EncodeOptions o;
    if (args.has("--pooling")) {
        const std::string p = args.get("--pooling");
        if (auto m = semvec::parse_pooling_mode(p)) o.pooling = *m;
        else {
            args.usage_error("--pooling must be cls, mean, max or last, got '" + p + "'", rc);
            return rc;
        }
    }
    if (args.has("--normalize") && args.has("--no-normalize")) {
        args.usage_error("--normalize and --no-normalize exclude each other", rc);
        return rc;
    }
    if (args.has("--normalize")) o.normalize = true;
    if (args.has("--no-normalize")) o.normalize = false;
    if (args.has("--prefix")) o.prefix = args.get("--prefix");
    if (args.has("--prompt-name")) o.prompt_name = args.get("--prompt-name");
    if (o.prefix && o.prompt_name) {
        args.usage_error("--prefix and --prompt-name exclude each other", rc);
        return rc;
    }
    if (args.has("--dimensions")) {
        const auto d = args.get_int("--dimensions", 0);
        if (!d) return kExitUsage;
        if (*d < 1 || *d > (1 << 20)) {
            args.usage_error("--dimensions must be at least 1", rc);
            return rc;
        }
        o.dimensions = static_cast<std::size_t>(*d);
    }
    o.force_dimensions = args.has("--force");
    const bool ids = args.has("--ids");
    if (ids && (args.has("--jsonl") || o.prefix || o.prompt_name || args.has("--chunk"))) {
        args.usage_error("--ids reads token ids: --jsonl, --prefix, --prompt-name and --chunk need text", rc);
        return rc;
    }
    const auto max_length = args.get_int("--max-length", 0);
    const auto batch = args.get_int("--batch-size", 32);
    const auto threads = args.get_int("--threads", 0);
    if (!max_length || !batch || !threads) return kExitUsage;
    if (*max_length < 0 || *max_length == 1 || *max_length > (1 << 20)) {
        args.usage_error("--max-length must be at least 2", rc);
        return rc;
    }
    if (*batch < 1 || *batch > (1 << 20)) {
        args.usage_error("--batch-size must be at least 1", rc);
        return rc;
    }
    if (*threads < 0 || *threads > 4096) {
        args.usage_error("--threads must be in [0, 4096]", rc);
        return rc;
    }
    o.chunk = args.has("--chunk");
    if (args.has("--chunk-overlap")) {
        const auto ov = args.get_int("--chunk-overlap", 0);
        if (!ov) return kExitUsage;
        if (!o.chunk || *ov < 0) {
            args.usage_error("--chunk-overlap needs --chunk and a value >= 0", rc);
            return rc;
        }
        o.chunk_overlap = static_cast<std::size_t>(*ov);
    }
    o.max_length = static_cast<std::size_t>(*max_length);
    o.batch_size = static_cast<std::size_t>(*batch);
    o.threads = static_cast<unsigned>(*threads);
    const std::string out = args.get("--out");
    if (!out.empty() && !ends_with(out, ".npy") && !ends_with(out, ".tsv")) {
        args.usage_error("--out must end in .npy or .tsv: " + out, rc);
        return rc;
    }

    auto precision = semvec::parse_precision(args.get("--precision", "float32"));
    if (!precision) {
        args.usage_error(precision.error().message, rc);
        return rc;
    }
    if (*precision != semvec::Precision::float32 && !ends_with(out, ".npy")) {
        args.usage_error("--precision int8 and binary write .npy only (--out FILE.npy)", rc);
        return rc;
    }
    if (args.has("--int8-ranges") && *precision != semvec::Precision::int8) {
        args.usage_error("--int8-ranges needs --precision int8", rc);
        return rc;
    }

    // Read the texts (or token ids).
    std::vector<std::string> texts;
    std::vector<semvec::TokenizedText> id_inputs;
    std::string line;
    std::size_t lineno = 0;
    const bool jsonl = args.has("--jsonl");
    while (std::getline(std::cin, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (ids) {
            if (line.find_first_not_of(" \t") == std::string::npos) continue;
            auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
            semvec::TokenizedText t;
            auto ints = [](const nlohmann::json& a, std::vector<std::int32_t>& out) {
                if (!a.is_array() || a.empty()) return false;
                for (const auto& v : a) {
                    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 0x7FFFFFFF) return false;
                    out.push_back(static_cast<std::int32_t>(v.get<std::int64_t>()));
                }
                return true;
            };
            bool ok = !j.is_discarded();
            if (ok && j.is_object()) {
                ok = j.contains("ids") && ints(j["ids"], t.ids) && (!j.contains("type_ids") || ints(j["type_ids"], t.type_ids));
            } else if (ok) {
                ok = ints(j, t.ids);
            }
            if (!ok) {
                std::fprintf(stderr, "semvec embed: <stdin>:%zu: expected a JSON array of token ids (non-negative integers) "
                                     "or {\"ids\": [...], \"type_ids\": [...]}\n", lineno);
                return kExitInputError;
            }
            id_inputs.push_back(std::move(t));
            continue;
        }
        if (!jsonl) {
            texts.push_back(line);
            continue;
        }
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        if (j.is_discarded() || !j.is_string()) {
            std::fprintf(stderr, "semvec embed: <stdin>:%zu: %s\n", lineno,
                         j.is_discarded() ? "not valid JSON" : "expected a JSON string");
            return kExitInputError;
        }
        texts.push_back(j.get<std::string>());
    }

    auto model = semvec::load_model(args.get("--model"));
    if (!model) {
        std::fprintf(stderr, "semvec embed: %s\n", model.error().what().c_str());
        return kExitInputError;
    }
    note_slow_kernel(*model, "embed");
    if (isatty(fileno(stderr))) {
        const auto t0 = std::chrono::steady_clock::now();
        o.progress = [t0](std::size_t done, std::size_t total) {
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::fprintf(stderr, "\rembed: %zu/%zu texts  %.1f s  %.0f texts/s   ", done, total, s, static_cast<double>(done) / (s > 0 ? s : 1e-9));
            if (done == total) std::fputc('\n', stderr);
            std::fflush(stderr);
        };
    }
    auto e = ids ? model->encode_ids(id_inputs, o) : model->encode(texts, o);
    if (!e) {
        std::fprintf(stderr, "semvec embed: %s\n", e.error().what().c_str());
        return kExitInputError;
    }
    if (e->truncated)
        std::fprintf(stderr, "semvec embed: warning: %zu of %zu texts were longer than %zu tokens and were truncated"
                     " (--chunk embeds them whole)\n",
                     e->truncated, ids ? id_inputs.size() : texts.size(), o.max_length ? o.max_length : model->max_length());
    if (e->chunked)
        std::fprintf(stderr, "semvec embed: %zu of %zu texts were longer than %zu tokens and were embedded in windows\n",
                     e->chunked, ids ? id_inputs.size() : texts.size(), o.max_length ? o.max_length : model->max_length());

    // --dimensions (Matryoshka) already cut the vectors in encode(), so int8 ranges and sign bits describe the
    // kept dimensions.
    const semvec::Matrix& m = *e;
    if (*precision != semvec::Precision::float32) {  // compressed embeddings (semvec/index/quantize.hpp)
        semvec::Status st;
        if (*precision == semvec::Precision::binary) {
            auto b = semvec::quantize_binary(m);
            st = b ? write_npy_raw(out, "|u1", b->bits.data(), 1, b->rows, b->bytes_per_row) : semvec::Status(b.error());
        } else {
            auto r = args.has("--int8-ranges") ? [&]() -> semvec::Result<semvec::Int8Ranges> {
                auto bounds = semvec::read_npy(args.get("--int8-ranges"));
                if (!bounds) return bounds.error();
                auto rr = semvec::int8_ranges_from_bounds(*bounds);
                return rr ? rr : rr.error().with_source(args.get("--int8-ranges"));
            }() : semvec::int8_ranges(m);
            auto q = r ? semvec::quantize_int8(m, *r) : semvec::Result<semvec::Int8Codes>(r.error());
            st = q ? write_npy_raw(out, "|i1", q->codes.data(), 1, q->rows, q->cols) : semvec::Status(q.error());
        }
        if (!st) {
            std::fprintf(stderr, "semvec embed: %s\n", st.error().what().c_str());
            return kExitInputError;
        }
    } else if (ends_with(out, ".npy")) {
        auto st = semvec::write_npy(out, m);
        if (!st) {
            std::fprintf(stderr, "semvec embed: %s\n", st.error().what().c_str());
            return kExitInputError;
        }
    } else if (ends_with(out, ".tsv")) {
        auto st = semvec::write_text_table(out, m, '\t');
        if (!st) {
            std::fprintf(stderr, "semvec embed: %s\n", st.error().what().c_str());
            return kExitInputError;
        }
    } else {
        std::string buf;
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            buf.clear();
            for (Eigen::Index j = 0; j < m.cols(); ++j) {
                if (j) buf += '\t';
                semvec::detail::append_general(buf, static_cast<double>(m(i, j)), 9);  // "%.9g", any C locale
            }
            buf += '\n';
            std::fwrite(buf.data(), 1, buf.size(), stdout);
        }
    }
    return kExitOk;
}

}  // namespace semvec_cli
