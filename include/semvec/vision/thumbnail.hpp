// semvec/vision/thumbnail.hpp — small JPEG thumbnails as data: URIs, for the hover images of HTML maps.
//
// A thumbnail is the image shrunk (PIL's antialiased bilinear) so its longer side is at most `max_side`,
// encoded as baseline JPEG by libjpeg-turbo (SEMVEC_WITH_LIBJPEG), base64'd into "data:image/jpeg;base64,…".
// At the defaults (64 px, quality 70) a photo's URI is 2–4 KB, so 10 000 of them keep a page under ~40 MB.
// Without libjpeg the thumbnail is an uncompressed BMP at most 32 px a side (≤ 4.2 KB as base64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"
#include "image.hpp"

namespace semvec {

/// Options of thumbnail_data_uri().
struct ThumbnailOptions {
    /// Longest side in pixels (never enlarged). Default 64.
    std::size_t max_side = 64;
    /// JPEG quality 1..100. Default 70.
    int quality = 70;
};

/// Encodes an image as JPEG (error `unsupported` when built without SEMVEC_WITH_LIBJPEG).
SEMVEC_API Result<std::vector<std::uint8_t>> encode_jpeg(const Image& image, int quality = 85);

/// The image as a small "data:image/jpeg;base64,…" (or image/bmp without libjpeg) URI.
SEMVEC_API Result<std::string> thumbnail_data_uri(const Image& image, const ThumbnailOptions& options = {});

/// Standard base64 (RFC 4648, with padding).
SEMVEC_API std::string base64_encode(const std::uint8_t* data, std::size_t size);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include "resize.hpp"

#if defined(SEMVEC_WITH_LIBJPEG)
#include <jpeglib.h>
#endif

namespace semvec {

SEMVEC_API std::string base64_encode(const std::uint8_t* p, std::size_t n) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        out += k[v >> 18]; out += k[(v >> 12) & 63]; out += k[(v >> 6) & 63]; out += k[v & 63];
    }
    if (i + 1 == n) {
        const std::uint32_t v = std::uint32_t{p[i]} << 16;
        out += k[v >> 18]; out += k[(v >> 12) & 63]; out += "==";
    } else if (i + 2 == n) {
        const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
        out += k[v >> 18]; out += k[(v >> 12) & 63]; out += k[(v >> 6) & 63]; out += '=';
    }
    return out;
}

#if defined(SEMVEC_WITH_LIBJPEG)
namespace detail {
struct JpegEncodeState {
    jpeg_compress_struct cinfo;
    jpeg_error_mgr err;
    std::jmp_buf jump;
    unsigned char* buf = nullptr;
    unsigned long size = 0;
};
extern "C" inline void semvec_jpeg_encode_error(j_common_ptr cinfo) {
    std::longjmp(*static_cast<std::jmp_buf*>(cinfo->client_data), 1);
}
inline bool jpeg_encode_into(JpegEncodeState& st, const Image& img, int quality) {
    st.cinfo.err = jpeg_std_error(&st.err);
    st.err.error_exit = semvec_jpeg_encode_error;
    st.cinfo.client_data = &st.jump;
    if (setjmp(st.jump)) return false;
    jpeg_create_compress(&st.cinfo);
    jpeg_mem_dest(&st.cinfo, &st.buf, &st.size);
    st.cinfo.image_width = static_cast<JDIMENSION>(img.width);
    st.cinfo.image_height = static_cast<JDIMENSION>(img.height);
    st.cinfo.input_components = 3;
    st.cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&st.cinfo);
    jpeg_set_quality(&st.cinfo, std::min(std::max(quality, 1), 100), TRUE);
    jpeg_start_compress(&st.cinfo, TRUE);
    while (st.cinfo.next_scanline < st.cinfo.image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(img.at(0, st.cinfo.next_scanline));
        jpeg_write_scanlines(&st.cinfo, &row, 1);
    }
    jpeg_finish_compress(&st.cinfo);
    return true;
}
}  // namespace detail
#endif

SEMVEC_API Result<std::vector<std::uint8_t>> encode_jpeg(const Image& image, int quality) {
    if (image.width == 0 || image.height == 0 || image.pixels.size() != image.width * image.height * 3)
        return make_error(ErrorCode::invalid_argument, "encode_jpeg: empty or inconsistent image");
#if defined(SEMVEC_WITH_LIBJPEG)
    auto st = std::make_unique<detail::JpegEncodeState>();
    const bool ok = detail::jpeg_encode_into(*st, image, quality);
    std::vector<std::uint8_t> out;
    if (ok) out.assign(st->buf, st->buf + st->size);
    jpeg_destroy_compress(&st->cinfo);
    std::free(st->buf);
    if (!ok) return make_error(ErrorCode::internal, "libjpeg could not encode the thumbnail");
    return out;
#else
    (void)quality;
    return make_error(ErrorCode::unsupported, "JPEG encoding needs SEMVEC_WITH_LIBJPEG and libjpeg");
#endif
}

SEMVEC_API Result<std::string> thumbnail_data_uri(const Image& image, const ThumbnailOptions& o) {
    if (image.width == 0 || image.height == 0) return make_error(ErrorCode::invalid_argument, "thumbnail of an empty image");
#if defined(SEMVEC_WITH_LIBJPEG)
    const std::size_t side = std::max<std::size_t>(o.max_side, 1);
#else
    const std::size_t side = std::min<std::size_t>(std::max<std::size_t>(o.max_side, 1), 32);
#endif
    const std::size_t longer = std::max(image.width, image.height);
    Image small = image;
    if (longer > side) {
        const std::size_t w = std::max<std::size_t>(1, image.width * side / longer);
        const std::size_t h = std::max<std::size_t>(1, image.height * side / longer);
        auto r = resize_image(image, w, h, ResizeFilter::bilinear);
        if (!r) return r.error();
        small = std::move(*r);
    }
#if defined(SEMVEC_WITH_LIBJPEG)
    auto jpg = encode_jpeg(small, o.quality);
    if (!jpg) return jpg.error();
    return "data:image/jpeg;base64," + base64_encode(jpg->data(), jpg->size());
#else
    // 24-bit bottom-up BMP, rows padded to 4 bytes.
    const std::size_t row = (small.width * 3 + 3) / 4 * 4, data = row * small.height, total = 54 + data;
    std::vector<std::uint8_t> b(total, 0);
    auto put32 = [&](std::size_t o32, std::uint32_t v) { for (int i = 0; i < 4; ++i) b[o32 + i] = static_cast<std::uint8_t>(v >> (8 * i)); };
    b[0] = 'B'; b[1] = 'M';
    put32(2, static_cast<std::uint32_t>(total)); put32(10, 54); put32(14, 40);
    put32(18, static_cast<std::uint32_t>(small.width)); put32(22, static_cast<std::uint32_t>(small.height));
    b[26] = 1; b[28] = 24; put32(34, static_cast<std::uint32_t>(data));
    for (std::size_t y = 0; y < small.height; ++y)
        for (std::size_t x = 0; x < small.width; ++x) {
            const std::uint8_t* p = small.at(x, small.height - 1 - y);
            std::uint8_t* d = b.data() + 54 + y * row + x * 3;
            d[0] = p[2]; d[1] = p[1]; d[2] = p[0];
        }
    return "data:image/bmp;base64," + base64_encode(b.data(), b.size());
#endif
}

}  // namespace semvec
#endif
