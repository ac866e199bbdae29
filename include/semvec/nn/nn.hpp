// semvec/nn/nn.hpp — all encoder kernels (GEMM, attention, softmax, LayerNorm, RMSNorm, activations).
#pragma once

#include "activation.hpp"
#include "attention.hpp"
#include "gemm.hpp"
#include "gemm_bf16.hpp"
#include "layernorm.hpp"
#include "rmsnorm.hpp"
#include "softmax.hpp"
