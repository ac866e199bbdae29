// TEMPORARY stand-in for semvec/reduce/common.hpp (owned by the tsne engineer).
#pragma once
#include <functional>
namespace semvec {
using ProgressCallback = std::function<bool(int iteration, int total, double kl_or_nan)>;
}
