// semvec/nn/nn.hpp — all kernels (GEMM, attention, softmax, LayerNorm, RMSNorm, activations, pooling).
#pragma once

#include "activation.hpp"
#include "attention.hpp"
#include "gemm.hpp"
#include "gemm_bf16.hpp"
#include "layernorm.hpp"
#include "pooling.hpp"
#include "rmsnorm.hpp"
#include "softmax.hpp"
