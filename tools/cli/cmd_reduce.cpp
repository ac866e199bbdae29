// tools/cli/cmd_reduce.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_reduce(int, char**) {
    std::fprintf(stderr, "semvec reduce: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
