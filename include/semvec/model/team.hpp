// semvec/model/team.hpp — a few sleeping worker threads that one encoder workspace uses to split one
// sequence's work (intra-sequence threading for batch-1 latency).
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace semvec {
namespace detail {

/// A few worker threads that one workspace uses to split one sequence's work (intra-sequence threading
/// for batch-1 latency). Workers sleep on a condition variable between jobs (no spinning: on small
/// machines spinning threads stall each other). run(f) calls f(t) for t in [0, size()) and returns when all
/// are done; the caller's thread is t = 0.
class Team {
public:
    explicit Team(unsigned n) : n_(std::max(n, 1u)) {
        for (unsigned t = 1; t < n_; ++t) workers_.emplace_back([this, t] { loop(t); });
    }
    ~Team() {
        {
            std::lock_guard<std::mutex> lk(mu_);
            stop_ = true;
            ++gen_;
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
    }
    Team(const Team&) = delete;
    Team& operator=(const Team&) = delete;

    unsigned size() const { return n_; }

    template <class F>
    void run(F& f) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            ctx_ = &f;
            call_ = [](void* c, unsigned t) { (*static_cast<F*>(c))(t); };
            pending_ = n_ - 1;
            ++gen_;
        }
        wake_.notify_all();
        f(0u);
        std::unique_lock<std::mutex> lk(mu_);
        done_.wait(lk, [this] { return pending_ == 0; });
    }

private:
    void loop(unsigned t) {
        std::uint64_t seen = 0;
        for (;;) {
            void* ctx;
            void (*call)(void*, unsigned);
            {
                std::unique_lock<std::mutex> lk(mu_);
                wake_.wait(lk, [&] { return gen_ != seen; });
                seen = gen_;
                if (stop_) return;
                ctx = ctx_;
                call = call_;
            }
            call(ctx, t);
            std::lock_guard<std::mutex> lk(mu_);
            if (--pending_ == 0) done_.notify_one();
        }
    }

    unsigned n_;
    std::vector<std::thread> workers_;
    std::mutex mu_;
    std::condition_variable wake_, done_;
    std::uint64_t gen_ = 0;
    unsigned pending_ = 0;
    bool stop_ = false;
    void* ctx_ = nullptr;
    void (*call_)(void*, unsigned) = nullptr;
};

}  // namespace detail
}  // namespace semvec
