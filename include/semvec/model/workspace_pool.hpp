// semvec/model/workspace_pool.hpp — encoder workspaces kept between a model's encode() calls.
//
// An EncoderWorkspace for 128 tokens at the bert-base shape holds about 4 MB. Allocated afresh by every
// call, its pages are faulted in again every time (about 700 page faults at 128 tokens); on the VMs this
// was measured on a fault costs 20-45 µs, which made an int8 batch-1 call of bert-base / mpnet-base about a
// third slower than the same text inside a batch. A model keeps the workspaces of finished calls in a pool
// and hands them to the next call; the results do not change (a workspace carries no state from one
// sequence to the next: every buffer is written before it is read).
//
// Memory: a workspace grows to the longest sequence it ran. One larger than kPooledWorkspaceBytes (an
// 8192-token input) is freed when its call ends, and the pool keeps at most kPooledWorkspaces of them.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "../config.hpp"
#include "encoder.hpp"

namespace semvec {
namespace detail {

/// Largest workspace kept for later calls (bytes of its buffers): 512 tokens of every shape semvec runs
/// today fit (bert-base: ~16 MB, the Qwen3-0.6B shape: ~25 MB).
constexpr std::size_t kPooledWorkspaceBytes = std::size_t{64} << 20;
/// Most workspaces kept (calls running at the same time on many threads take more; the extra ones are freed).
constexpr std::size_t kPooledWorkspaces = 64;

/// Bytes held by a workspace's buffers.
SEMVEC_API std::size_t workspace_bytes(const EncoderWorkspace& ws);

/// A thread-safe free list of workspaces (shared by all the copies of one Model).
class WorkspacePool {
public:
    /// A kept workspace, or a new one when none is free.
    SEMVEC_API std::unique_ptr<EncoderWorkspace> take();
    /// Keeps `ws` for a later take() unless it is too large or the pool is full (then it is freed).
    SEMVEC_API void give(std::unique_ptr<EncoderWorkspace> ws);

private:
    std::mutex mu_;
    std::vector<std::unique_ptr<EncoderWorkspace>> free_;
};

/// `n` workspaces taken from a pool for the length of one call, given back when it ends (any return path).
class PooledWorkspaces {
public:
    PooledWorkspaces(WorkspacePool& pool, std::size_t n) : pool_(pool), ws_(n) {
        for (auto& w : ws_) w = pool_.take();
    }
    ~PooledWorkspaces() {
        for (auto& w : ws_) pool_.give(std::move(w));
    }
    PooledWorkspaces(const PooledWorkspaces&) = delete;
    PooledWorkspaces& operator=(const PooledWorkspaces&) = delete;

    EncoderWorkspace& operator[](std::size_t i) { return *ws_[i]; }

private:
    WorkspacePool& pool_;
    std::vector<std::unique_ptr<EncoderWorkspace>> ws_;
};

}  // namespace detail
}  // namespace semvec

#if SEMVEC_DEFINITIONS
namespace semvec {
namespace detail {

SEMVEC_API std::size_t workspace_bytes(const EncoderWorkspace& ws) {
    auto m = [](const RowMatrixF& x) { return static_cast<std::size_t>(x.size()) * sizeof(float); };
    auto v = [](const auto& x) { return x.capacity() * sizeof(x[0]); };
    return m(ws.x) + m(ws.qkv) + m(ws.ctx) + m(ws.tmp) + m(ws.inter) + m(ws.gated) + v(ws.kv) + v(ws.attn) +
           v(ws.keys) + v(ws.positions) + v(ws.relative_bias) + v(ws.rotary.cos) + v(ws.rotary.sin) +
           v(ws.rotary_local.cos) + v(ws.rotary_local.sin) + v(ws.lin.ab) + v(ws.lin.qa) + v(ws.lin.sa);
}

SEMVEC_API std::unique_ptr<EncoderWorkspace> WorkspacePool::take() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!free_.empty()) {
            auto ws = std::move(free_.back());
            free_.pop_back();
            return ws;
        }
    }
    return std::make_unique<EncoderWorkspace>();
}

SEMVEC_API void WorkspacePool::give(std::unique_ptr<EncoderWorkspace> ws) {
    if (!ws || ws->threads != 1 || workspace_bytes(*ws) > kPooledWorkspaceBytes) return;  // freed here
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < kPooledWorkspaces) free_.push_back(std::move(ws));
}

}  // namespace detail
}  // namespace semvec
#endif
