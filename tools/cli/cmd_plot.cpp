// tools/cli/cmd_plot.cpp — placeholder until its issue lands; replaced by the real subcommand.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_plot(int, char**) {
    std::fprintf(stderr, "semvec plot: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
