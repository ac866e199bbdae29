// tools/cli/cmd_map.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_map(int, char**) {
    std::fprintf(stderr, "semvec map: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
