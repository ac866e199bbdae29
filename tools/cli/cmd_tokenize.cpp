// tools/cli/cmd_tokenize.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_tokenize(int, char**) {
    std::fprintf(stderr, "semvec tokenize: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
