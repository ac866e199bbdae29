// Fuzz target: an image-model file from bytes — the safetensors container, the CNN graph of semvec.config
// (parse_cnn_graph: shapes, limits), preprocessing, labels, and binding/packing every weight — then one forward
// pass when the network is small.
#include <semvec/io/safetensors.hpp>
#include <semvec/vision/vision_model.hpp>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = semvec::SafetensorsFile::from_buffer(data, size, "fuzz");
    if (!file) return 0;
    auto m = semvec::VisionModel::load(*file);
    if (!m) return 0;
    const auto& g = (*m)->encoder().graph();
    std::size_t work = 0;
    for (const auto& s : g.shapes) work += s[0] * s[1] * s[2];
    if (work > (1u << 18)) return 0;
    std::vector<float> x(g.in_h * g.in_w * g.in_c, 0.5f);
    (void)(*m)->encode_inputs({x});
    return 0;
}
