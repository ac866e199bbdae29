// tools/cli/cmd_search.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_search(int, char**) {
    std::fprintf(stderr, "semvec search: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
