// semvec/vision/decode.hpp — PNG, JPEG and BMP files to 8-bit RGB images.
//
// Codecs: Debian's libjpeg-turbo and libpng, not a decoder of our own and not stb_image:
//  - they are the decoders PIL links, so a JPEG decodes to the very bytes torchvision's reference saw
//    (stb_image's IDCT and chroma upsampling differ by a few levels), and they are maintained with
//    security fixes by the distribution;
//  - they are optional, so `include/` stays usable as plain headers: the code that calls them is compiled
//    only when SEMVEC_WITH_LIBJPEG / SEMVEC_WITH_LIBPNG is defined (the CMake target semvec::semvec defines
//    both and links -ljpeg -lpng when the libraries are found). Without them, decoding such a file returns
//    ErrorCode::unsupported saying which macro and library are missing; pixel buffers (image_from_pixels)
//    and BMP need nothing.
//  - BMP has no small well-kept library in Debian (only ImageMagick/GDK-scale ones), and the format is a
//    header and raw rows: it is read here (uncompressed 1/4/8/24/32-bit, bottom-up or top-down; RLE is
//    refused by name). It is fuzzed with the rest (tests/fuzz/fuzz_image.cpp).
// Limits: the pixel count is checked against LoadImageOptions::max_pixels from the header, before any pixel
// buffer is allocated, so a 60000 × 60000 PNG header or a decompression bomb fails fast in bounded memory.
// A truncated or corrupt file is an error (invalid_data), never a partly gray image.
// EXIF orientation (JPEG APP1, PNG eXIf) is applied unless LoadImageOptions::apply_exif_orientation is false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "../config.hpp"
#include "../result.hpp"
#include "image.hpp"

namespace semvec {

/// Options of read_image() / parse_image().
struct LoadImageOptions {
    /// Largest width × height accepted; larger images fail with ErrorCode::resource_limit before any pixel
    /// is decoded. Default 64 MP (64 × 2^20 pixels: about 200 MB of RGB).
    std::size_t max_pixels = std::size_t{64} << 20;
    /// Turn the image as its EXIF Orientation tag says (PIL's ImageOps.exif_transpose). Default true.
    bool apply_exif_orientation = true;
};

/// Image file formats known by their first bytes.
enum class ImageFormat { unknown, png, jpeg, bmp };

/// The format of a file from its first bytes (`unknown` when none matches).
SEMVEC_API ImageFormat detect_image_format(const unsigned char* bytes, std::size_t size);

/// Whether this build can decode the format (png/jpeg need SEMVEC_WITH_LIBPNG / SEMVEC_WITH_LIBJPEG).
SEMVEC_API bool image_format_supported(ImageFormat format);

/// Decodes a PNG, JPEG or BMP held in memory. `name` is used in error messages.
SEMVEC_API Result<Image> parse_image(const unsigned char* bytes, std::size_t size, const std::string& name = "<buffer>",
                                     const LoadImageOptions& options = {});

/// Reads and decodes an image file.
SEMVEC_API Result<Image> read_image(const std::string& path, const LoadImageOptions& options = {});

namespace detail {
/// The EXIF Orientation (1..8) in a TIFF-structured EXIF block (with or without the "Exif\0\0" prefix);
/// 1 when absent or malformed.
SEMVEC_API int exif_orientation(const unsigned char* p, std::size_t n);
}  // namespace detail

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <memory>
#include <cstring>
#include <vector>

#if defined(SEMVEC_WITH_LIBJPEG)
#include <jpeglib.h>
#endif
#if defined(SEMVEC_WITH_LIBPNG)
#include <png.h>
#endif

namespace semvec {

SEMVEC_API ImageFormat detect_image_format(const unsigned char* b, std::size_t n) {
    if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFormat::png;
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::jpeg;
    if (n >= 2 && b[0] == 'B' && b[1] == 'M') return ImageFormat::bmp;
    return ImageFormat::unknown;
}

SEMVEC_API bool image_format_supported(ImageFormat f) {
    switch (f) {
        case ImageFormat::bmp: return true;
#if defined(SEMVEC_WITH_LIBPNG)
        case ImageFormat::png: return true;
#endif
#if defined(SEMVEC_WITH_LIBJPEG)
        case ImageFormat::jpeg: return true;
#endif
        default: return false;
    }
}

namespace detail {

SEMVEC_API int exif_orientation(const unsigned char* p, std::size_t n) {
    if (n >= 6 && std::memcmp(p, "Exif\0\0", 6) == 0) { p += 6; n -= 6; }
    if (n < 8) return 1;
    bool le;
    if (p[0] == 'I' && p[1] == 'I') le = true;
    else if (p[0] == 'M' && p[1] == 'M') le = false;
    else return 1;
    auto u16 = [&](std::size_t o) -> unsigned { return le ? p[o] | (p[o + 1] << 8) : (p[o] << 8) | p[o + 1]; };
    auto u32 = [&](std::size_t o) -> std::size_t {
        return le ? (std::size_t{p[o]} | std::size_t{p[o + 1]} << 8 | std::size_t{p[o + 2]} << 16 | std::size_t{p[o + 3]} << 24)
                  : (std::size_t{p[o]} << 24 | std::size_t{p[o + 1]} << 16 | std::size_t{p[o + 2]} << 8 | std::size_t{p[o + 3]});
    };
    if (u16(2) != 42) return 1;
    const std::size_t ifd = u32(4);
    if (ifd > n || n - ifd < 2) return 1;
    const std::size_t count = u16(ifd);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t e = ifd + 2 + 12 * i;
        if (e > n || n - e < 12) return 1;
        if (u16(e) == 0x0112) {                  // Orientation
            if (u16(e + 2) != 3) return 1;       // SHORT
            const unsigned v = u16(e + 8);
            return (v >= 1 && v <= 8) ? static_cast<int>(v) : 1;
        }
    }
    return 1;
}

inline Error image_error(ErrorCode code, const std::string& name, std::string message) {
    return make_error(code, std::move(message), name);
}

inline Status check_pixels(const std::string& name, std::size_t w, std::size_t h, std::size_t max_pixels) {
    if (w == 0 || h == 0)
        return image_error(ErrorCode::invalid_data, name, "image has no pixels (" + std::to_string(w) + " x " + std::to_string(h) + ")");
    if (w > max_pixels / h)
        return image_error(ErrorCode::resource_limit, name,
                           std::to_string(w) + " x " + std::to_string(h) + " pixels exceed LoadImageOptions::max_pixels (" +
                               std::to_string(max_pixels) + ")");
    return {};
}

// ---- BMP -------------------------------------------------------------------------------------------------
inline Result<Image> decode_bmp(const unsigned char* b, std::size_t n, const std::string& name, std::size_t max_pixels) {
    auto u16 = [&](std::size_t o) { return static_cast<std::uint32_t>(b[o] | (b[o + 1] << 8)); };
    auto u32 = [&](std::size_t o) {
        return static_cast<std::uint32_t>(b[o]) | static_cast<std::uint32_t>(b[o + 1]) << 8 |
               static_cast<std::uint32_t>(b[o + 2]) << 16 | static_cast<std::uint32_t>(b[o + 3]) << 24;
    };
    if (n < 26) return image_error(ErrorCode::invalid_data, name, "BMP file is truncated (" + std::to_string(n) + " bytes)");
    const std::uint32_t data_off = u32(10), hsize = u32(14);
    std::int64_t w, h;
    std::uint32_t bpp, compression = 0, colors = 0;
    std::size_t palette_entry = 4;
    if (hsize == 12) {  // BITMAPCOREHEADER
        w = u16(18);
        h = static_cast<std::int16_t>(u16(20));
        bpp = u16(24);
        palette_entry = 3;
    } else if (hsize >= 40 && hsize <= 124) {
        if (n < 14 + std::size_t{hsize}) return image_error(ErrorCode::invalid_data, name, "BMP header is truncated");
        w = static_cast<std::int32_t>(u32(18));
        h = static_cast<std::int32_t>(u32(22));
        bpp = u16(28);
        compression = u32(30);
        colors = u32(46);
    } else {
        return image_error(ErrorCode::unsupported, name, "BMP header of " + std::to_string(hsize) + " bytes is not supported");
    }
    const bool top_down = h < 0;
    if (h < 0) h = -h;
    if (w <= 0 || h <= 0) return image_error(ErrorCode::invalid_data, name, "BMP has no pixels");
    SEMVEC_TRY_STATUS(check_pixels(name, static_cast<std::size_t>(w), static_cast<std::size_t>(h), max_pixels));
    const std::size_t W = static_cast<std::size_t>(w), H = static_cast<std::size_t>(h);
    // Masks: BI_BITFIELDS (3) is accepted for 32-bit with the standard BGRX layout only.
    if (compression == 3 && bpp == 32 && hsize >= 52) {
        if (u32(54) != 0x00FF0000u || u32(58) != 0x0000FF00u || u32(62) != 0x000000FFu)
            return image_error(ErrorCode::unsupported, name, "BMP with non-standard bit masks is not supported");
    } else if (compression == 3 && bpp == 32 && hsize == 40) {
        if (n < 66 || u32(54) != 0x00FF0000u || u32(58) != 0x0000FF00u || u32(62) != 0x000000FFu)
            return image_error(ErrorCode::unsupported, name, "BMP with non-standard bit masks is not supported");
    } else if (compression != 0) {
        return image_error(ErrorCode::unsupported, name,
                           "compressed BMP (compression " + std::to_string(compression) + ", e.g. RLE) is not supported");
    }
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 24 && bpp != 32)
        return image_error(ErrorCode::unsupported, name, std::to_string(bpp) + "-bit BMP is not supported (1, 4, 8, 24, 32)");
    std::vector<std::uint8_t> palette;  // RGB triples
    if (bpp <= 8) {
        const std::size_t max_colors = std::size_t{1} << bpp;
        std::size_t nc = colors ? colors : max_colors;
        if (nc > max_colors) nc = max_colors;
        const std::size_t pal_off = 14 + std::size_t{hsize} + (compression == 3 ? 12 : 0);
        if (pal_off > n || (n - pal_off) / palette_entry < nc)
            return image_error(ErrorCode::invalid_data, name, "BMP palette is truncated");
        palette.assign(max_colors * 3, 0);
        for (std::size_t i = 0; i < nc; ++i) {
            const unsigned char* e = b + pal_off + i * palette_entry;
            palette[3 * i] = e[2];
            palette[3 * i + 1] = e[1];
            palette[3 * i + 2] = e[0];
        }
    }
    const std::size_t row_bytes = (W * bpp + 31) / 32 * 4;
    if (data_off > n || (n - data_off) / row_bytes < H)
        return image_error(ErrorCode::invalid_data, name,
                           "BMP pixel data is truncated (" + std::to_string(H) + " rows of " + std::to_string(row_bytes) +
                               " bytes do not fit)");
    Image img;
    img.width = W;
    img.height = H;
    img.pixels.resize(W * H * 3);
    for (std::size_t y = 0; y < H; ++y) {
        const unsigned char* s = b + data_off + (top_down ? y : H - 1 - y) * row_bytes;
        std::uint8_t* d = img.at(0, y);
        for (std::size_t x = 0; x < W; ++x) {
            switch (bpp) {
                case 24: d[3 * x] = s[3 * x + 2]; d[3 * x + 1] = s[3 * x + 1]; d[3 * x + 2] = s[3 * x]; break;
                case 32: d[3 * x] = s[4 * x + 2]; d[3 * x + 1] = s[4 * x + 1]; d[3 * x + 2] = s[4 * x]; break;
                default: {
                    const std::size_t bit = x * bpp;
                    const unsigned byte = s[bit / 8];
                    const unsigned idx = (byte >> (8 - bpp - bit % 8)) & ((1u << bpp) - 1);
                    std::memcpy(d + 3 * x, palette.data() + 3 * idx, 3);
                }
            }
        }
    }
    return img;
}

// ---- JPEG (libjpeg-turbo) --------------------------------------------------------------------------------
#if defined(SEMVEC_WITH_LIBJPEG)
struct JpegErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

extern "C" inline void semvec_jpeg_error_exit(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}
// Warnings (corrupt data, premature end of file) are errors: PIL refuses truncated files too, and a
// half-gray image must not become a vector without anyone knowing.
extern "C" inline void semvec_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) semvec_jpeg_error_exit(cinfo);
}

// Everything that needs cleanup lives in `state`, owned by the caller, so a longjmp skips no destructor.
struct JpegState {
    jpeg_decompress_struct cinfo;
    JpegErrorManager err;
    Image img;
    int orientation = 1;
    Error error;
};

inline bool jpeg_decode_into(JpegState& st, const unsigned char* b, std::size_t n, const std::string& name,
                             std::size_t max_pixels) {
    jpeg_decompress_struct& cinfo = st.cinfo;
    cinfo.err = jpeg_std_error(&st.err.pub);
    st.err.pub.error_exit = semvec_jpeg_error_exit;
    st.err.pub.emit_message = semvec_jpeg_emit_message;
    if (setjmp(st.err.jump)) {
        st.error = image_error(ErrorCode::invalid_data, name, std::string("JPEG: ") + st.err.message);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, b, static_cast<unsigned long>(n));
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0) {
            st.orientation = exif_orientation(m->data, m->data_length);
            break;
        }
    if (Status s = check_pixels(name, cinfo.image_width, cinfo.image_height, max_pixels); !s) {
        st.error = s.error();
        return false;
    }
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        st.error = image_error(ErrorCode::unsupported, name, "CMYK JPEG is not supported (convert it to RGB)");
        return false;
    }
    cinfo.out_color_space = JCS_RGB;  // gray JPEGs are expanded by libjpeg-turbo
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        st.error = image_error(ErrorCode::unsupported, name, "JPEG with " + std::to_string(cinfo.output_components) + " channels");
        return false;
    }
    st.img.width = cinfo.output_width;
    st.img.height = cinfo.output_height;
    st.img.pixels.resize(st.img.width * st.img.height * 3);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = st.img.at(0, cinfo.output_scanline);
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    return true;
}

inline Result<Image> decode_jpeg(const unsigned char* b, std::size_t n, const std::string& name, std::size_t max_pixels,
                                 int& orientation) {
    auto st = std::make_unique<JpegState>();
    const bool ok = jpeg_decode_into(*st, b, n, name, max_pixels);
    jpeg_destroy_decompress(&st->cinfo);
    if (!ok) return st->error;
    orientation = st->orientation;
    return std::move(st->img);
}
#endif

// ---- PNG (libpng) ----------------------------------------------------------------------------------------
#if defined(SEMVEC_WITH_LIBPNG)
struct PngReader {
    const unsigned char* data;
    std::size_t size, pos;
    char message[256];
};

extern "C" inline void semvec_png_read(png_structp png, png_bytep out, png_size_t len) {
    auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
    if (len > r->size - r->pos) png_error(png, "file is truncated");
    std::memcpy(out, r->data + r->pos, len);
    r->pos += len;
}
extern "C" inline void semvec_png_error(png_structp png, png_const_charp msg) {
    auto* r = static_cast<PngReader*>(png_get_error_ptr(png));
    std::snprintf(r->message, sizeof r->message, "%s", msg);
    png_longjmp(png, 1);
}
extern "C" inline void semvec_png_warning(png_structp, png_const_charp) {}

struct PngState {
    png_structp png = nullptr;
    png_infop info = nullptr;
    PngReader reader{};
    Image img;
    std::vector<png_bytep> rows;
    int orientation = 1;
    Error error;
};

inline bool png_decode_into(PngState& st, const std::string& name, std::size_t max_pixels) {
    png_structp png = st.png;
    png_infop info = st.info;
    if (setjmp(png_jmpbuf(png))) {
        if (st.error.message.empty()) st.error = image_error(ErrorCode::invalid_data, name, std::string("PNG: ") + st.reader.message);
        return false;
    }
    png_set_read_fn(png, &st.reader, semvec_png_read);
    png_set_user_limits(png, 0x7FFFFFFF, 0x7FFFFFFF);
    png_set_chunk_malloc_max(png, 8u << 20);  // ancillary chunks (iCCP, zTXt, eXIf) ≤ 8 MB inflated
    png_read_info(png, info);
    const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (Status s = check_pixels(name, w, h, max_pixels); !s) {
        st.error = s.error();
        return false;
    }
    const int color = png_get_color_type(png, info);
    const int depth = png_get_bit_depth(png, info);
    if (depth == 16) png_set_strip_16(png);  // PIL keeps the high byte too
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);  // dropped, as PIL's convert("RGB")
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != std::size_t{w} * 3) {
        st.error = image_error(ErrorCode::unsupported, name, "PNG pixel layout could not be converted to RGB");
        return false;
    }
    st.img.width = w;
    st.img.height = h;
    st.img.pixels.resize(std::size_t{w} * h * 3);
    st.rows.resize(h);
    for (png_uint_32 y = 0; y < h; ++y) st.rows[y] = st.img.at(0, y);
    png_read_image(png, st.rows.data());
    png_read_end(png, info);
#if defined(PNG_eXIf_SUPPORTED)
    png_uint_32 exif_len = 0;
    png_bytep exif = nullptr;
    if (png_get_eXIf_1(png, info, &exif_len, &exif) && exif) st.orientation = exif_orientation(exif, exif_len);
#endif
    return true;
}

inline Result<Image> decode_png(const unsigned char* b, std::size_t n, const std::string& name, std::size_t max_pixels,
                                int& orientation) {
    auto st = std::make_unique<PngState>();
    st->reader = PngReader{b, n, 0, {0}};
    st->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st->reader, semvec_png_error, semvec_png_warning);
    if (!st->png) return image_error(ErrorCode::internal, name, "png_create_read_struct failed");
    st->info = png_create_info_struct(st->png);
    if (!st->info) {
        png_destroy_read_struct(&st->png, nullptr, nullptr);
        return image_error(ErrorCode::internal, name, "png_create_info_struct failed");
    }
    const bool ok = png_decode_into(*st, name, max_pixels);
    png_destroy_read_struct(&st->png, &st->info, nullptr);
    if (!ok) return st->error;
    orientation = st->orientation;
    return std::move(st->img);
}
#endif

}  // namespace detail

SEMVEC_API Result<Image> parse_image(const unsigned char* bytes, std::size_t size, const std::string& name,
                                     const LoadImageOptions& options) {
    if (!bytes || size == 0) return detail::image_error(ErrorCode::invalid_data, name, "empty file (0 bytes): not an image");
    const ImageFormat f = detect_image_format(bytes, size);
    int orientation = 1;
    Result<Image> img = detail::image_error(ErrorCode::internal, name, "no decoder ran");
    switch (f) {
        case ImageFormat::bmp: img = detail::decode_bmp(bytes, size, name, options.max_pixels); break;
        case ImageFormat::jpeg:
#if defined(SEMVEC_WITH_LIBJPEG)
            img = detail::decode_jpeg(bytes, size, name, options.max_pixels, orientation);
            break;
#else
            return detail::image_error(ErrorCode::unsupported, name,
                                       "JPEG decoding is not compiled in: define SEMVEC_WITH_LIBJPEG and link libjpeg "
                                       "(the CMake target semvec::semvec does this when libjpeg-turbo is installed)");
#endif
        case ImageFormat::png:
#if defined(SEMVEC_WITH_LIBPNG)
            img = detail::decode_png(bytes, size, name, options.max_pixels, orientation);
            break;
#else
            return detail::image_error(ErrorCode::unsupported, name,
                                       "PNG decoding is not compiled in: define SEMVEC_WITH_LIBPNG and link libpng "
                                       "(the CMake target semvec::semvec does this when libpng is installed)");
#endif
        case ImageFormat::unknown:
            return detail::image_error(ErrorCode::unsupported, name, "not a PNG, JPEG or BMP file (unknown first bytes)");
    }
    if (!img) return img;
    if (options.apply_exif_orientation && orientation != 1) return apply_orientation(*img, orientation);
    return img;
}

SEMVEC_API Result<Image> read_image(const std::string& path, const LoadImageOptions& options) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return make_error(ErrorCode::io, std::string("cannot open: ") + std::strerror(errno), path);
    std::vector<unsigned char> bytes;
    unsigned char chunk[1 << 16];
    std::size_t got;
    // A compressed image cannot reasonably be larger than its raw pixels: cap what is read.
    const std::size_t cap = options.max_pixels > (std::size_t{1} << 60) / 4 ? std::size_t{1} << 60 : options.max_pixels * 4 + (1u << 20);
    while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
        bytes.insert(bytes.end(), chunk, chunk + got);
        if (bytes.size() > cap) {
            std::fclose(f);
            return make_error(ErrorCode::resource_limit, "file is larger than any image within max_pixels", path);
        }
    }
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return make_error(ErrorCode::io, "read error", path);
    return parse_image(bytes.data(), bytes.size(), path, options);
}

}  // namespace semvec
#endif
