// A consumer program: uses semvec the way a downstream project would (umbrella header only).
#include <semvec/semvec.hpp>

#include <cstdio>
#include <vector>

int main() {
    std::vector<float> v = {1.f, 2.f, 3.f, 4.f};
    auto bytes = semvec::serialize_safetensors({semvec::tensor_f32("x", v, {2, 2})}, {{"k", "v"}});
    if (!bytes) return 1;
    auto file = semvec::SafetensorsFile::from_buffer(bytes->data(), bytes->size());
    if (!file) {
        std::fprintf(stderr, "%s\n", file.error().what().c_str());
        return 1;
    }
    const auto* t = file->find("x");
    if (!t || t->to_f32().value()[3] != 4.f) return 1;
    std::printf("semvec %s (SIMD: %s): consumer OK\n", semvec::version(), semvec::simd_level_name());
    return 0;
}
