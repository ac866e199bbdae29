// Fuzz target: the semvec model loader on a buffer. load_model() takes a path, so this runs its steps on
// bytes: the safetensors parser, read_model_info (metadata, config and tensor shape checks), then the binding
// of the weights (TransformerEncoder::load / StaticVectors::load), the tokenizer from the metadata and, for
// small models, one forward pass.
#include <semvec/io/safetensors.hpp>
#include <semvec/model/model.hpp>
#include <semvec/model/encoder.hpp>
#include <semvec/model/static_vectors.hpp>
#include <semvec/text/tokenizer.hpp>

#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = semvec::SafetensorsFile::from_buffer(data, size, "fuzz");
    if (!file) return 0;
    auto info = semvec::read_model_info(*file);
    if (!info) return 0;
    if (!info->is_transformer()) {
        auto sv = semvec::StaticVectors::load(*file, *info);
        if (!sv) return 0;
        std::vector<float> out(sv->dim());
        (void)sv->embed("Hello, world! naïve café 東京 ##ing [UNK]", out.data(), true);
        return 0;
    }
    auto enc = semvec::TransformerEncoder::load(*file, *info);
    auto tok = semvec::Tokenizer::from_model_metadata(file->metadata());
    if (tok) (void)tok->encode("Hello, world! naïve café 東京", 6);
    if (!enc) return 0;
    const auto& t = info->transformer;
    if (t.hidden_size * t.num_layers * (t.qkv_rows() + t.q_width() + t.up_rows() + t.intermediate_size) > (1u << 21))
        return 0;  // keep it fast
    const std::size_t L = std::min<std::size_t>(t.max_sequence_length(), 5);
    std::vector<std::int32_t> ids(L), types(L, 0);
    for (std::size_t i = 0; i < L; ++i) ids[i] = static_cast<std::int32_t>(i % t.vocab_size);
    if (!(*enc)->check_inputs(ids.data(), types.data(), L)) return 0;
    semvec::EncoderWorkspace ws;
    (*enc)->forward(ids.data(), nullptr, types.data(), L, ws);
    std::vector<std::int32_t> mask(L, 1);
    mask[0] = 0;  // a padded row: masked keys, key ranges over a gathered list
    (*enc)->forward(ids.data(), mask.data(), types.data(), L, ws);
    return 0;
}
