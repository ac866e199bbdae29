// semvec/vision/resize.hpp — resizing and cropping as PIL does it, so a torchvision model sees the same pixels.
//
// resize_image() is Pillow's separable convolution resampler (ImagingResample, Pillow 7–10): for each output
// column the filter is centred at (x + 0.5)·scale, its support is widened by the downscale factor (that is
// the antialias), the taps are normalized, turned into 22-bit fixed point, and applied first horizontally
// (to the rows the vertical pass needs) then vertically, rounding to 8 bits after each pass. Same inputs,
// same bytes as PIL's Image.resize(size, BILINEAR | BICUBIC | LANCZOS) (tests/vision checks it on photos).
// resize_shorter() and center_crop() are torchvision's Resize(int) and CenterCrop sizes and offsets.
#pragma once

#include <cstddef>

#include "../config.hpp"
#include "../result.hpp"
#include "image.hpp"

namespace semvec {

/// Resampling filter (PIL's names).
enum class ResizeFilter {
    bilinear,  ///< triangle, support 1 (PIL BILINEAR; torchvision's default)
    bicubic,   ///< cubic a = −0.5, support 2 (PIL BICUBIC)
    lanczos,   ///< Lanczos-3, support 3 (PIL LANCZOS / ANTIALIAS)
};

/// The filter's name: "bilinear", "bicubic", "lanczos".
SEMVEC_API const char* to_string(ResizeFilter filter);
/// Parses a filter name; false when unknown.
SEMVEC_API bool parse_resize_filter(const std::string& name, ResizeFilter& out);

/// The image resized to width × height with PIL's antialiased resampler. Error when a size is 0.
SEMVEC_API Result<Image> resize_image(const Image& image, std::size_t width, std::size_t height,
                                      ResizeFilter filter = ResizeFilter::bilinear);

/// torchvision Resize(shorter): the shorter side becomes `shorter`, the longer int(shorter · long / short).
SEMVEC_API Result<Image> resize_shorter(const Image& image, std::size_t shorter, ResizeFilter filter = ResizeFilter::bilinear);

/// torchvision CenterCrop: offsets round((W − w) / 2) and round((H − h) / 2), ties to even as Python's round.
/// An image smaller than the crop is an error (torchvision would pad; semvec's pipelines resize first).
SEMVEC_API Result<Image> center_crop(const Image& image, std::size_t width, std::size_t height);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace semvec {

SEMVEC_API const char* to_string(ResizeFilter f) {
    switch (f) {
        case ResizeFilter::bilinear: return "bilinear";
        case ResizeFilter::bicubic: return "bicubic";
        case ResizeFilter::lanczos: return "lanczos";
    }
    return "bilinear";
}

SEMVEC_API bool parse_resize_filter(const std::string& name, ResizeFilter& out) {
    if (name == "bilinear") out = ResizeFilter::bilinear;
    else if (name == "bicubic") out = ResizeFilter::bicubic;
    else if (name == "lanczos") out = ResizeFilter::lanczos;
    else return false;
    return true;
}

namespace detail {

inline double resize_filter_value(ResizeFilter f, double x) {
    switch (f) {
        case ResizeFilter::bilinear:
            if (x < 0.0) x = -x;
            return x < 1.0 ? 1.0 - x : 0.0;
        case ResizeFilter::bicubic: {
            constexpr double a = -0.5;
            if (x < 0.0) x = -x;
            if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
            return 0.0;
        }
        case ResizeFilter::lanczos: {
            auto sinc = [](double v) {
                if (v == 0.0) return 1.0;
                v *= 3.14159265358979323846;
                return std::sin(v) / v;
            };
            if (-3.0 <= x && x < 3.0) return sinc(x) * sinc(x / 3.0);
            return 0.0;
        }
    }
    return 0.0;
}

inline double resize_filter_support(ResizeFilter f) {
    switch (f) {
        case ResizeFilter::bilinear: return 1.0;
        case ResizeFilter::bicubic: return 2.0;
        case ResizeFilter::lanczos: return 3.0;
    }
    return 1.0;
}

constexpr int kResizePrecisionBits = 32 - 8 - 2;

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis: per output index, the first input index,
// the tap count and `ksize` fixed-point taps.
struct ResizeCoeffs {
    int ksize = 0;
    std::vector<int> first, count, taps;
};

inline ResizeCoeffs resize_coeffs(std::size_t in_size, std::size_t out_size, ResizeFilter f) {
    ResizeCoeffs c;
    const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
    const double filterscale = scale < 1.0 ? 1.0 : scale;
    const double support = resize_filter_support(f) * filterscale;
    c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.first.resize(out_size);
    c.count.resize(out_size);
    c.taps.assign(out_size * static_cast<std::size_t>(c.ksize), 0);
    std::vector<double> k(static_cast<std::size_t>(c.ksize));
    const int in_n = static_cast<int>(in_size);
    for (std::size_t xx = 0; xx < out_size; ++xx) {
        const double center = (static_cast<double>(xx) + 0.5) * scale;
        const double ss = 1.0 / filterscale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > in_n) xmax = in_n;
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double w = resize_filter_value(f, (x + xmin - center + 0.5) * ss);
            k[static_cast<std::size_t>(x)] = w;
            ww += w;
        }
        int* t = c.taps.data() + xx * static_cast<std::size_t>(c.ksize);
        for (int x = 0; x < xmax; ++x) {
            double v = k[static_cast<std::size_t>(x)];
            if (ww != 0.0) v /= ww;
            const double s = v * (1 << kResizePrecisionBits);
            t[x] = v < 0 ? static_cast<int>(-0.5 + s) : static_cast<int>(0.5 + s);
        }
        c.first[xx] = xmin;
        c.count[xx] = xmax;
    }
    return c;
}

inline std::uint8_t resize_clip8(std::int64_t ss) {
    const std::int64_t v = ss >> kResizePrecisionBits;
    return static_cast<std::uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

}  // namespace detail

SEMVEC_API Result<Image> resize_image(const Image& in, std::size_t width, std::size_t height, ResizeFilter filter) {
    if (width == 0 || height == 0 || in.width == 0 || in.height == 0)
        return make_error(ErrorCode::invalid_argument, "cannot resize " + std::to_string(in.width) + "x" +
                                                           std::to_string(in.height) + " to " + std::to_string(width) +
                                                           "x" + std::to_string(height));
    const bool need_h = width != in.width, need_v = height != in.height;
    if (!need_h && !need_v) return in;
    const detail::ResizeCoeffs cv = detail::resize_coeffs(in.height, height, filter);
    const detail::ResizeCoeffs ch = detail::resize_coeffs(in.width, width, filter);
    // Horizontal pass over the rows the vertical pass reads (Pillow's ybox_first .. ybox_last).
    const std::size_t y_first = static_cast<std::size_t>(cv.first[0]);
    const std::size_t y_last = static_cast<std::size_t>(cv.first[height - 1] + cv.count[height - 1]);
    Image tmp;
    const Image* src = &in;
    std::size_t row0 = 0;  // input row of src's row 0
    if (need_h) {
        tmp.width = width;
        tmp.height = y_last - y_first;
        tmp.pixels.resize(tmp.width * tmp.height * 3);
        constexpr std::int64_t half = std::int64_t{1} << (detail::kResizePrecisionBits - 1);
        for (std::size_t y = 0; y < tmp.height; ++y) {
            const std::uint8_t* s = in.at(0, y + y_first);
            std::uint8_t* d = tmp.at(0, y);
            for (std::size_t xx = 0; xx < width; ++xx) {
                const int* k = ch.taps.data() + xx * static_cast<std::size_t>(ch.ksize);
                const std::uint8_t* p = s + static_cast<std::size_t>(ch.first[xx]) * 3;
                std::int64_t s0 = half, s1 = half, s2 = half;
                for (int x = 0; x < ch.count[xx]; ++x) {
                    s0 += p[3 * x] * static_cast<std::int64_t>(k[x]);
                    s1 += p[3 * x + 1] * static_cast<std::int64_t>(k[x]);
                    s2 += p[3 * x + 2] * static_cast<std::int64_t>(k[x]);
                }
                d[3 * xx] = detail::resize_clip8(s0);
                d[3 * xx + 1] = detail::resize_clip8(s1);
                d[3 * xx + 2] = detail::resize_clip8(s2);
            }
        }
        src = &tmp;
        row0 = y_first;
    }
    if (!need_v) {
        if (src == &tmp) return tmp;
        return in;
    }
    Image out;
    out.width = src->width;
    out.height = height;
    out.pixels.resize(out.width * height * 3);
    constexpr std::int64_t half = std::int64_t{1} << (detail::kResizePrecisionBits - 1);
    const std::size_t rowlen = src->width * 3;
    for (std::size_t yy = 0; yy < height; ++yy) {
        const int* k = cv.taps.data() + yy * static_cast<std::size_t>(cv.ksize);
        const std::size_t ymin = static_cast<std::size_t>(cv.first[yy]) - row0;
        std::uint8_t* d = out.at(0, yy);
        for (std::size_t i = 0; i < rowlen; ++i) {
            std::int64_t ss = half;
            for (int y = 0; y < cv.count[yy]; ++y)
                ss += src->pixels[(ymin + static_cast<std::size_t>(y)) * rowlen + i] * static_cast<std::int64_t>(k[y]);
            d[i] = detail::resize_clip8(ss);
        }
    }
    return out;
}

SEMVEC_API Result<Image> resize_shorter(const Image& in, std::size_t shorter, ResizeFilter filter) {
    if (shorter == 0 || in.width == 0 || in.height == 0)
        return make_error(ErrorCode::invalid_argument, "resize_shorter needs a non-empty image and a size > 0");
    const bool w_short = in.width <= in.height;
    const std::size_t s = w_short ? in.width : in.height, l = w_short ? in.height : in.width;
    const std::size_t new_long = static_cast<std::size_t>(static_cast<double>(shorter * l) / static_cast<double>(s));
    if (new_long == 0) return make_error(ErrorCode::invalid_argument, "resize_shorter: the longer side would be 0");
    return w_short ? resize_image(in, shorter, new_long, filter) : resize_image(in, new_long, shorter, filter);
}

SEMVEC_API Result<Image> center_crop(const Image& in, std::size_t width, std::size_t height) {
    if (width > in.width || height > in.height)
        return make_error(ErrorCode::invalid_argument, "center crop " + std::to_string(width) + "x" + std::to_string(height) +
                                                           " is larger than the " + std::to_string(in.width) + "x" +
                                                           std::to_string(in.height) + " image");
    // round(d / 2) with ties to even, as Python's round(): d/2 is an integer or ends in .5.
    auto offset = [](std::size_t d) { return (d % 2 == 0) ? d / 2 : ((d / 2) % 2 == 0 ? d / 2 : d / 2 + 1); };
    return crop_image(in, offset(in.width - width), offset(in.height - height), width, height);
}

}  // namespace semvec
#endif
