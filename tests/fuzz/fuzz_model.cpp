// Fuzz target: semvec::load_model on a buffer (the path an asset pack takes; a file differs only in how the
// bytes are opened): the safetensors parser, read_model_info (metadata, config and tensor shape checks), the
// binding of the weights (TransformerEncoder::load / StaticVectors::load / VisionModel::load) and the
// tokenizer from the metadata; then, for small text models, one encode() call (the forward pass or the
// word-vector mean) and one forward pass with a masked row. NaN/Inf weights are let through
// (allow_non_finite) so that the forward pass sees them too; the NaN scan itself runs in test_robust.
#include <semvec/model/model.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    semvec::LoadOptions lo;
    lo.allow_non_finite = true;
    auto model = semvec::load_model(data, size, lo);
    if (!model || model->is_image_model()) return 0;
    const auto& info = model->info();
    if (info.is_transformer()) {
        const auto& t = info.transformer;
        if (t.hidden_size * t.num_layers * (t.qkv_rows() + t.q_width() + t.up_rows() + t.intermediate_size) > (1u << 21))
            return 0;  // keep it fast
    }
    semvec::EncodeOptions o;
    o.max_length = 6;
    o.threads = 1;
    (void)model->encode({"Hello, world! naïve café 東京 ##ing [UNK]"}, o);
    if (!info.is_transformer()) return 0;
    const std::size_t L = std::min<std::size_t>(info.transformer.max_sequence_length(), 5);
    std::vector<std::int32_t> ids(L), mask(L, 1);
    for (std::size_t i = 0; i < L; ++i) ids[i] = static_cast<std::int32_t>(i % info.transformer.vocab_size);
    if (L > 0) mask[0] = 0;  // a padded row: masked keys, key ranges over a gathered list
    (void)model->forward(ids, mask);
    return 0;
}
