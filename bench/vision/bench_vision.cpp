// bench_vision — images/s of a semvec image model at a batch size and thread count, plus the time of decoding
// and resizing a photo, as JSON lines (scripts/bench_vision.sh builds the table).
//   bench_vision MODEL.safetensors NAME THREADS SECONDS BATCH[,BATCH...] [PHOTO]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <semvec/model/model.hpp>

namespace {
double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
// CPU seconds of the whole process (all threads): unlike wall time, not inflated while the machine's other
// processes hold the cores.
double cpu_now() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: bench_vision MODEL NAME THREADS SECONDS BATCHES [PHOTO]\n");
        return 2;
    }
    const std::string name = argv[2];
    const unsigned threads = static_cast<unsigned>(std::atoi(argv[3]));
    const double seconds = std::atof(argv[4]);
    const double rss0 = peak_rss_mb();
    auto m = semvec::load_model(argv[1]);
    if (!m) {
        std::fprintf(stderr, "%s\n", m.error().what().c_str());
        return 1;
    }
    const auto* v = m->vision();
    const double weights_mb = static_cast<double>(v->encoder().weight_bytes()) / (1 << 20);
    const auto& s = v->encoder().graph().shapes[0];
    std::vector<float> one(s[0] * s[1] * s[2]);
    for (std::size_t i = 0; i < one.size(); ++i) one[i] = static_cast<float>((i * 7919) % 255) / 127.0f - 1.0f;
    std::stringstream ss(argv[5]);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const std::size_t batch = static_cast<std::size_t>(std::atoi(item.c_str()));
        std::vector<std::vector<float>> inputs(batch, one);
        semvec::ImageEncodeOptions o;
        o.threads = threads;
        (void)v->encode_inputs(inputs, o);  // warm-up
        double best = 1e30, best_cpu = 1e30;
        int runs = 0;
        const double t0 = now();
        while (runs < 2 || now() - t0 < seconds) {
            const double a = now(), ca = cpu_now();
            auto r = v->encode_inputs(inputs, o);
            if (!r) return 1;
            best = std::min(best, now() - a);
            best_cpu = std::min(best_cpu, cpu_now() - ca);
            ++runs;
        }
        std::printf("{\"engine\": \"semvec\", \"model\": \"%s\", \"threads\": %u, \"batch\": %zu, \"ms\": %.3f, \"images_per_s\": %.2f, \"cpu_ms\": %.3f, "
                    "\"peak_rss_mb\": %.1f, \"weights_mb\": %.1f, \"rss_before_load_mb\": %.1f, \"simd\": \"%s\", \"runs\": %d}\n",
                    name.c_str(), threads, batch, best * 1e3, static_cast<double>(batch) / best, best_cpu * 1e3, peak_rss_mb(), weights_mb, rss0,
                    semvec::simd_level_name(), runs);
        std::fflush(stdout);
    }
    if (argc > 6) {  // decoding and preprocessing of a photo, timed apart from the network
        double dec = 1e30, pre = 1e30;
        for (int i = 0; i < 20; ++i) {
            const double a = now();
            auto img = semvec::read_image(argv[6]);
            const double b = now();
            if (!img) return 1;
            auto x = v->make_input(*img);
            const double c = now();
            if (!x) return 1;
            dec = std::min(dec, b - a);
            pre = std::min(pre, c - b);
        }
        std::printf("{\"engine\": \"semvec\", \"model\": \"%s\", \"case\": \"decode+preprocess\", \"photo\": \"%s\", \"decode_ms\": %.3f, "
                    "\"resize_crop_normalize_ms\": %.3f}\n", name.c_str(), argv[6], dec * 1e3, pre * 1e3);
    }
    return 0;
}
