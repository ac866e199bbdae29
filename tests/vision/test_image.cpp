// Image decoding, orientation, resizing and cropping against PIL 9.4's bytes (tests/data/vision/pil, made by
// scripts/make_vision_fixtures.py), and the hostile files of issue 16.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/vision/decode.hpp>
#include <semvec/vision/resize.hpp>

#include "../test_support.hpp"

using semvec_test::data_path;

namespace {

// Largest |a − b| over all bytes between an Image and a uint8 H×W×3 .npy; -1 when the shapes differ.
int max_diff(const semvec::Image& img, const std::string& npy) {
    auto a = semvec::read_npy_array(npy);
    REQUIRE(a);
    REQUIRE(a->shape.size() == 3);
    if (static_cast<std::size_t>(a->shape[0]) != img.height || static_cast<std::size_t>(a->shape[1]) != img.width) return -1;
    int m = 0;
    for (std::size_t i = 0; i < img.pixels.size(); ++i) m = std::max(m, std::abs(int(img.pixels[i]) - int(a->data[i])));
    return m;
}

}  // namespace

TEST_CASE("PNG, JPEG and BMP variants decode to PIL's RGB bytes exactly") {
    REQUIRE(semvec::image_format_supported(semvec::ImageFormat::png));
    REQUIRE(semvec::image_format_supported(semvec::ImageFormat::jpeg));
    const auto cases = nlohmann::json::parse(semvec_test::read_file(data_path("vision/pil/cases.json")));
    for (const auto& f : cases["decode"]) {
        const std::string fn = f.get<std::string>();
        INFO(fn);
        auto img = semvec::read_image(data_path("vision/pil/" + fn));
        REQUIRE(img);
        CHECK(max_diff(*img, data_path("vision/pil/" + fn + ".npy")) == 0);
    }
}

TEST_CASE("EXIF orientation can be turned off and then leaves the stored pixels") {
    semvec::LoadImageOptions o;
    o.apply_exif_orientation = false;
    auto img = semvec::read_image(data_path("vision/pil/exif_6.jpg"), o);
    REQUIRE(img);
    CHECK(img->width == 37);
    CHECK(img->height == 23);
    auto turned = semvec::read_image(data_path("vision/pil/exif_6.jpg"));
    REQUIRE(turned);
    CHECK(turned->width == 23);
}

TEST_CASE("resize_image matches PIL's antialiased resampling byte for byte") {
    auto patch = semvec::read_image(data_path("vision/pil/patch.png"));
    REQUIRE(patch);
    const auto cases = nlohmann::json::parse(semvec_test::read_file(data_path("vision/pil/cases.json")));
    for (const auto& c : cases["resize"]) {
        semvec::ResizeFilter f;
        REQUIRE(semvec::parse_resize_filter(c["filter"].get<std::string>(), f));
        auto out = semvec::resize_image(*patch, c["width"].get<std::size_t>(), c["height"].get<std::size_t>(), f);
        REQUIRE(out);
        INFO(c.dump());
        CHECK(max_diff(*out, data_path("vision/pil/" + c["file"].get<std::string>())) == 0);
    }
}

TEST_CASE("decode, Resize(256) and CenterCrop(224) give torchvision's crop of a JPEG and a BMP") {
    for (const char* name : {"owl.jpg", "cat.bmp"}) {
        INFO(name);
        auto img = semvec::read_image(data_path(std::string("vision/photos/") + name));
        REQUIRE(img);
        auto r = semvec::resize_shorter(*img, 256);
        REQUIRE(r);
        CHECK(std::min(r->width, r->height) == 256);
        auto c = semvec::center_crop(*r, 224, 224);
        REQUIRE(c);
        const std::string stem = std::string(name).substr(0, std::string(name).find('.'));
        CHECK(max_diff(*c, data_path("vision/pil/" + stem + "_crop224.npy")) == 0);
    }
}

TEST_CASE("center_crop rounds half offsets to even like Python and refuses crops larger than the image") {
    semvec::Image img;
    img.width = 7;
    img.height = 4;
    img.pixels.resize(7 * 4 * 3);
    for (std::size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<std::uint8_t>(i);
    auto c = semvec::center_crop(img, 4, 1);  // offsets round(1.5) = 2, round(1.5) = 2
    REQUIRE(c);
    CHECK(c->pixels[0] == *img.at(2, 2));
    auto c2 = semvec::center_crop(img, 2, 1);  // round(2.5) = 2, round(1.5) = 2
    REQUIRE(c2);
    CHECK(c2->pixels[0] == *img.at(2, 2));
    CHECK_FALSE(semvec::center_crop(img, 8, 1));
    CHECK_FALSE(semvec::resize_image(img, 0, 3));
}

TEST_CASE("caller pixel buffers in RGBA, BGRA, BGR and gray become the same RGB image") {
    const std::uint8_t rgba[] = {10, 20, 30, 255, 40, 50, 60, 0, 70, 80, 90, 128, 1, 2, 3, 4};
    semvec::ImageView v{rgba, 2, 2, semvec::PixelFormat::rgba, 0};
    auto a = semvec::image_from_pixels(v);
    REQUIRE(a);
    CHECK(a->pixels == std::vector<std::uint8_t>{10, 20, 30, 40, 50, 60, 70, 80, 90, 1, 2, 3});
    const std::uint8_t bgra[] = {30, 20, 10, 0, 60, 50, 40, 0};
    auto b = semvec::image_from_pixels({bgra, 2, 1, semvec::PixelFormat::bgra, 0});
    REQUIRE(b);
    CHECK(b->pixels == std::vector<std::uint8_t>{10, 20, 30, 40, 50, 60});
    const std::uint8_t bgr[] = {30, 20, 10, 99, 99};  // one pixel and 2 bytes of row padding
    auto c = semvec::image_from_pixels({bgr, 1, 1, semvec::PixelFormat::bgr, 5});
    REQUIRE(c);
    CHECK(c->pixels == std::vector<std::uint8_t>{10, 20, 30});
    const std::uint8_t gray[] = {7};
    auto d = semvec::image_from_pixels({gray, 1, 1, semvec::PixelFormat::gray, 0});
    REQUIRE(d);
    CHECK(d->pixels == std::vector<std::uint8_t>{7, 7, 7});
    CHECK(semvec::image_from_pixels({nullptr, 1, 1, semvec::PixelFormat::gray, 0}).error().code == semvec::ErrorCode::invalid_argument);
    CHECK(semvec::image_from_pixels({gray, 1, 1, semvec::PixelFormat::rgb, 2}).error().code == semvec::ErrorCode::invalid_argument);
    CHECK(semvec::image_from_pixels({gray, 1000, 1000, semvec::PixelFormat::gray, 0}, 1000).error().code ==
          semvec::ErrorCode::resource_limit);
}

TEST_CASE("hostile image files give clear errors in bounded memory") {
    auto err = [](const std::string& f, semvec::LoadImageOptions o = {}) {
        auto r = semvec::read_image(data_path("vision/bad/" + f), o);
        REQUIRE_FALSE(r);
        INFO(r.error().what());
        return r.error();
    };
    CHECK(err("empty.png").code == semvec::ErrorCode::invalid_data);
    CHECK(err("truncated.jpg").code == semvec::ErrorCode::invalid_data);
    CHECK(err("truncated.png").code == semvec::ErrorCode::invalid_data);
    auto huge = err("huge_header.png");
    CHECK(huge.code == semvec::ErrorCode::resource_limit);
    CHECK(huge.message.find("60000 x 60000") != std::string::npos);
    CHECK(err("bomb.png").code == semvec::ErrorCode::resource_limit);
    CHECK(err("not_image.txt").code == semvec::ErrorCode::unsupported);
    CHECK(err("bmp_rle.bmp").code == semvec::ErrorCode::unsupported);
    semvec::LoadImageOptions small;
    small.max_pixels = 100;
    CHECK(err("../pil/v_rgb.png", small).code == semvec::ErrorCode::resource_limit);
    CHECK(semvec::read_image("no/such/file.png").error().code == semvec::ErrorCode::io);
}

TEST_CASE("EXIF orientation parser reads both byte orders and ignores malformed blocks") {
    const unsigned char le[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0};
    CHECK(semvec::detail::exif_orientation(le, sizeof le) == 6);
    const unsigned char be[] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 3, 0, 0};
    CHECK(semvec::detail::exif_orientation(be, sizeof be) == 3);
    CHECK(semvec::detail::exif_orientation(le, 12) == 1);
    const unsigned char bad_ifd[] = {'I', 'I', 42, 0, 0xFF, 0xFF, 0, 0};
    CHECK(semvec::detail::exif_orientation(bad_ifd, sizeof bad_ifd) == 1);
}
