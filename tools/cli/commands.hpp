// tools/cli/commands.hpp — the subcommands of `semvec`, one source file each (cmd_NAME.cpp).
#pragma once

namespace semvec_cli {

// Each takes argv with argv[0] = the subcommand name, and returns the process exit code.
int cmd_info(int argc, char** argv);
int cmd_tokenize(int argc, char** argv);
int cmd_embed(int argc, char** argv);
int cmd_search(int argc, char** argv);
int cmd_reduce(int argc, char** argv);
int cmd_plot(int argc, char** argv);
int cmd_map(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_cluster(int argc, char** argv);
int cmd_classify(int argc, char** argv);
int cmd_topics(int argc, char** argv);
int cmd_recommend(int argc, char** argv);
int cmd_eval(int argc, char** argv);
// Images (cmd_images.cpp): embed/search with --images dispatch here; classify-image is its own command.
int cmd_embed_images(int argc, char** argv);
int cmd_search_images(int argc, char** argv);
int cmd_classify_image(int argc, char** argv);
int cmd_index(int argc, char** argv);

}  // namespace semvec_cli
