// semvec/vision/image_encode_options.hpp — the options of the image encoding calls (VisionModel::encode*,
// Model::encode_images). Its own header so that declarations which take them need not include the CNN.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "decode.hpp"

namespace semvec {

/// Options of the image encoding calls.
struct ImageEncodeOptions {
    /// L2-normalize every vector. Default (nullopt): the file's `normalize` (false when absent).
    std::optional<bool> normalize;
    /// Worker threads; 0 = all cores. Default 0. Output does not depend on it.
    unsigned threads = 0;
    /// Image files: decoding limits (max_pixels, EXIF orientation). Default: LoadImageOptions's defaults.
    LoadImageOptions load;
    /// Image files: skip files that cannot be read or decoded (listed in ImageFileEmbeddings::skipped)
    /// instead of failing. Default false.
    bool skip_unreadable = false;
    /// Called from the calling thread with (images done, total). Default: none.
    std::function<void(std::size_t, std::size_t)> progress;
};

}  // namespace semvec
