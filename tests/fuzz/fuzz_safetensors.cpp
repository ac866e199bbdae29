// Fuzz target: the safetensors parser, then every view it hands out is read end to end.
#include <semvec/io/safetensors.hpp>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = semvec::SafetensorsFile::from_buffer(data, size, "fuzz");
    if (!file) return 0;
    volatile unsigned sum = 0;
    for (const auto& t : file->tensors()) {
        for (std::size_t i = 0; i < t.nbytes; ++i) sum = sum + t.data[i];  // ASan checks every byte is in bounds
        if (t.numel() < (1u << 20)) (void)t.to_f32();
    }
    for (const auto& [k, v] : file->metadata()) sum = sum + static_cast<unsigned>(k.size() + v.size());
    return 0;
}
