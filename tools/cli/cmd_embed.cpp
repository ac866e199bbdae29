// tools/cli/cmd_embed.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_embed(int, char**) {
    std::fprintf(stderr, "semvec embed: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
