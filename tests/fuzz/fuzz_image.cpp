// Fuzz target: image decoding (PNG via libpng, JPEG via libjpeg-turbo, BMP, EXIF orientation) and the
// resize/crop that follows in every vision pipeline. max_pixels is lowered so one input stays ≤ 12 MB.
#include <semvec/vision/decode.hpp>
#include <semvec/vision/resize.hpp>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    semvec::LoadImageOptions o;
    o.max_pixels = std::size_t{1} << 22;
    auto img = semvec::parse_image(data, size, "fuzz", o);
    if (!img) return 0;
    const std::size_t w = 1 + img->width % 37, h = 1 + img->height % 29;
    auto r = semvec::resize_image(*img, w, h, static_cast<semvec::ResizeFilter>(size % 3));
    if (r) (void)semvec::center_crop(*r, (w + 1) / 2, (h + 1) / 2);
    return 0;
}
