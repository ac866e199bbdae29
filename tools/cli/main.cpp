// tools/cli/main.cpp — `semvec`: one program, subcommands. Logic lives in the library; this only dispatches.
#include <cstdio>
#include <cstring>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include <semvec/simd/dispatch.hpp>
#include <semvec/version.hpp>

namespace {

struct Command {
    const char* name;
    int (*run)(int, char**);
    const char* summary;
};

const Command kCommands[] = {
    {"info", semvec_cli::cmd_info, "show what a safetensors or semvec model file holds, and the SIMD level"},
    {"tokenize", semvec_cli::cmd_tokenize, "turn texts (stdin, one per line) into token ids (WordPiece, BPE or Unigram) as JSON lines"},
    {"embed", semvec_cli::cmd_embed, "turn texts (stdin) into vectors (.npy, .tsv or TSV on stdout)"},
    {"search", semvec_cli::cmd_search, "find the texts of a corpus nearest to a query"},
    {"reduce", semvec_cli::cmd_reduce, "map vectors to 2-D or 3-D with SNE, t-SNE or UMAP"},
    {"plot", semvec_cli::cmd_plot, "draw 2-D points as SVG or a self-contained HTML page"},
    {"map", semvec_cli::cmd_map, "embed, reduce and plot a corpus in one command"},
    {"classify-image", semvec_cli::cmd_classify_image, "print the top-k classes of images with a classifier image model"},
    {"index", semvec_cli::cmd_index, "build, query and describe an ANN index file over .npy vectors"},
    {"bench", semvec_cli::cmd_bench, "measure a model's throughput at a few batch and sequence sizes"},
    {"cluster", semvec_cli::cmd_cluster, "k-means or HDBSCAN labels for the rows of a matrix (.npy)"},
    {"classify", semvec_cli::cmd_classify, "logistic regression or kNN on labelled vectors: predict, or cross-validate"},
    {"topics", semvec_cli::cmd_topics, "topics of a corpus (UMAP + HDBSCAN + c-TF-IDF) drawn as an HTML map"},
    {"recommend", semvec_cli::cmd_recommend, "items like the ones a user liked, optionally diversified (MMR)"},
    {"eval", semvec_cli::cmd_eval, "MTEB-style scores of a model: STS, pairs, classification, clustering, retrieval, reranking"},
};

void print_usage(std::FILE* out) {
    std::fprintf(out,
                 "semvec %s (SIMD: %s) — text embeddings and 2-D maps on the CPU\n\n"
                 "usage: semvec COMMAND [flags] [args]\n\ncommands:\n",
                 semvec::version(), semvec::simd_level_name());
    for (const auto& c : kCommands) std::fprintf(out, "  %-14s %s\n", c.name, c.summary);
    std::fprintf(out, "\n'semvec COMMAND --help' documents each command's flags. 'semvec --version' prints the version.\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(stderr);
        return semvec_cli::kExitUsage;
    }
    const std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        print_usage(stdout);
        return semvec_cli::kExitOk;
    }
    if (cmd == "--version") {
        std::printf("semvec %s (SIMD: %s)\n", semvec::version(), semvec::simd_level_name());
        return semvec_cli::kExitOk;
    }
    for (const auto& c : kCommands)
        if (cmd == c.name) return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "semvec: unknown command '%s'\n\n", cmd.c_str());
    print_usage(stderr);
    return semvec_cli::kExitUsage;
}
