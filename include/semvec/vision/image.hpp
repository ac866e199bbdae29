// semvec/vision/image.hpp — the 8-bit RGB image that flows into the vision models, and how a caller's own
// pixel buffer (RGBA from a game, grayscale, BGR) becomes one, with no file I/O.
//
// Conversions follow PIL's Image.convert("RGB"), which torchvision's pipelines use: alpha is dropped (not
// composited), gray is replicated to R = G = B. EXIF orientations (1..8) are applied as PIL's
// ImageOps.exif_transpose does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"

namespace semvec {

/// An 8-bit RGB image, rows top to bottom, pixels left to right, 3 bytes per pixel (R, G, B), no padding.
struct Image {
    std::size_t width = 0;              ///< pixels per row
    std::size_t height = 0;             ///< rows
    std::vector<std::uint8_t> pixels;   ///< width × height × 3 bytes

    const std::uint8_t* at(std::size_t x, std::size_t y) const { return pixels.data() + (y * width + x) * 3; }
    std::uint8_t* at(std::size_t x, std::size_t y) { return pixels.data() + (y * width + x) * 3; }
};

/// Byte order of one pixel in a caller's buffer.
enum class PixelFormat {
    rgb,   ///< 3 bytes: R, G, B
    rgba,  ///< 4 bytes: R, G, B, A (alpha ignored, as PIL's convert("RGB"))
    bgr,   ///< 3 bytes: B, G, R (OpenCV)
    bgra,  ///< 4 bytes: B, G, R, A (Windows / DirectX surfaces)
    gray,  ///< 1 byte: luminance, replicated to R = G = B
};

/// Bytes per pixel of a format.
SEMVEC_API std::size_t bytes_per_pixel(PixelFormat format);

/// A caller's pixel buffer (not owned): `height` rows of `width` pixels, `stride` bytes apart.
struct ImageView {
    const std::uint8_t* data = nullptr;     ///< first byte of the top row
    std::size_t width = 0;                  ///< pixels per row
    std::size_t height = 0;                 ///< rows
    PixelFormat format = PixelFormat::rgba; ///< byte order of a pixel. Default rgba.
    std::size_t stride = 0;                 ///< bytes from one row to the next; 0 = width × bytes_per_pixel. Default 0.
};

/// Copies a caller's buffer into an RGB Image. Errors (invalid_argument): null data, a zero size, a stride
/// shorter than a row, or more than `max_pixels` pixels (resource_limit).
SEMVEC_API Result<Image> image_from_pixels(const ImageView& view, std::size_t max_pixels = std::size_t{64} << 20);

/// The image turned as the EXIF Orientation tag says (1 = as stored … 8), like PIL's exif_transpose.
/// Values outside 1..8 leave it as is.
SEMVEC_API Image apply_orientation(const Image& image, int orientation);

/// The sub-image [left, left + width) × [top, top + height). Error when it does not lie inside the image.
SEMVEC_API Result<Image> crop_image(const Image& image, std::size_t left, std::size_t top, std::size_t width,
                                    std::size_t height);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <cstring>

namespace semvec {

SEMVEC_API std::size_t bytes_per_pixel(PixelFormat format) {
    switch (format) {
        case PixelFormat::rgb:
        case PixelFormat::bgr: return 3;
        case PixelFormat::rgba:
        case PixelFormat::bgra: return 4;
        case PixelFormat::gray: return 1;
    }
    return 4;
}

SEMVEC_API Result<Image> image_from_pixels(const ImageView& v, std::size_t max_pixels) {
    if (!v.data) return make_error(ErrorCode::invalid_argument, "pixel buffer is null", "<pixels>");
    if (v.width == 0 || v.height == 0)
        return make_error(ErrorCode::invalid_argument,
                          "image is empty (" + std::to_string(v.width) + " x " + std::to_string(v.height) + ")", "<pixels>");
    if (v.width > max_pixels / v.height)
        return make_error(ErrorCode::resource_limit,
                          std::to_string(v.width) + " x " + std::to_string(v.height) + " pixels exceed the limit of " +
                              std::to_string(max_pixels),
                          "<pixels>");
    const std::size_t bpp = bytes_per_pixel(v.format);
    const std::size_t row = v.width * bpp;
    const std::size_t stride = v.stride ? v.stride : row;
    if (stride < row)
        return make_error(ErrorCode::invalid_argument,
                          "stride " + std::to_string(stride) + " is shorter than a row of " + std::to_string(row) + " bytes",
                          "<pixels>");
    Image img;
    img.width = v.width;
    img.height = v.height;
    img.pixels.resize(v.width * v.height * 3);
    for (std::size_t y = 0; y < v.height; ++y) {
        const std::uint8_t* s = v.data + y * stride;
        std::uint8_t* d = img.pixels.data() + y * v.width * 3;
        switch (v.format) {
            case PixelFormat::rgb: std::memcpy(d, s, row); break;
            case PixelFormat::rgba:
                for (std::size_t x = 0; x < v.width; ++x) { d[3 * x] = s[4 * x]; d[3 * x + 1] = s[4 * x + 1]; d[3 * x + 2] = s[4 * x + 2]; }
                break;
            case PixelFormat::bgr:
                for (std::size_t x = 0; x < v.width; ++x) { d[3 * x] = s[3 * x + 2]; d[3 * x + 1] = s[3 * x + 1]; d[3 * x + 2] = s[3 * x]; }
                break;
            case PixelFormat::bgra:
                for (std::size_t x = 0; x < v.width; ++x) { d[3 * x] = s[4 * x + 2]; d[3 * x + 1] = s[4 * x + 1]; d[3 * x + 2] = s[4 * x]; }
                break;
            case PixelFormat::gray:
                for (std::size_t x = 0; x < v.width; ++x) d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = s[x];
                break;
        }
    }
    return img;
}

SEMVEC_API Image apply_orientation(const Image& in, int orientation) {
    if (orientation < 2 || orientation > 8) return in;
    const std::size_t W = in.width, H = in.height;
    const bool swap = orientation >= 5;  // 5..8 exchange width and height
    Image out;
    out.width = swap ? H : W;
    out.height = swap ? W : H;
    out.pixels.resize(in.pixels.size());
    for (std::size_t y = 0; y < out.height; ++y) {
        for (std::size_t x = 0; x < out.width; ++x) {
            std::size_t sx = x, sy = y;
            switch (orientation) {
                case 2: sx = W - 1 - x; sy = y; break;              // mirror left-right
                case 3: sx = W - 1 - x; sy = H - 1 - y; break;      // rotate 180
                case 4: sx = x; sy = H - 1 - y; break;              // mirror top-bottom
                case 5: sx = y; sy = x; break;                      // transpose
                case 6: sx = y; sy = H - 1 - x; break;              // rotate 90° clockwise
                case 7: sx = W - 1 - y; sy = H - 1 - x; break;      // transverse
                case 8: sx = W - 1 - y; sy = x; break;              // rotate 90° counter-clockwise
                default: break;
            }
            std::memcpy(out.at(x, y), in.at(sx, sy), 3);
        }
    }
    return out;
}

SEMVEC_API Result<Image> crop_image(const Image& in, std::size_t left, std::size_t top, std::size_t width,
                                    std::size_t height) {
    if (width == 0 || height == 0 || left > in.width || top > in.height || width > in.width - left ||
        height > in.height - top)
        return make_error(ErrorCode::invalid_argument,
                          "crop " + std::to_string(width) + "x" + std::to_string(height) + " at (" + std::to_string(left) +
                              ", " + std::to_string(top) + ") does not fit a " + std::to_string(in.width) + "x" +
                              std::to_string(in.height) + " image");
    Image out;
    out.width = width;
    out.height = height;
    out.pixels.resize(width * height * 3);
    for (std::size_t y = 0; y < height; ++y) std::memcpy(out.at(0, y), in.at(left, top + y), width * 3);
    return out;
}

}  // namespace semvec
#endif
