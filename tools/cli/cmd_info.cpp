// tools/cli/cmd_info.cpp — placeholder until the safetensors reader lands.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"

namespace semvec_cli {

int cmd_info(int, char**) {
    std::fprintf(stderr, "semvec info: not built yet\n");
    return kExitUsage;
}

}  // namespace semvec_cli
