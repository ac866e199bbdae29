// tools/cli/cmd_bench.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_bench(int, char**) {
    std::fprintf(stderr, "semvec bench: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
