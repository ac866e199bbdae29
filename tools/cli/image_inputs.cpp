// tools/cli/image_inputs.cpp — see image_inputs.hpp.
#include "image_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <semvec/vision/decode.hpp>
#include <semvec/vision/thumbnail.hpp>
#include <semvec/vision/vision_model.hpp>

namespace semvec_cli {

bool has_images_flag(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--images") == 0) return true;
    return false;
}

namespace {
bool is_image_name(const std::filesystem::path& p) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp";
}
}  // namespace

semvec::Result<std::vector<std::string>> list_images(const std::vector<std::string>& inputs) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<std::string> found;
            fs::recursive_directory_iterator it(in, fs::directory_options::skip_permission_denied, ec), end;
            if (ec) return semvec::make_error(semvec::ErrorCode::io, "cannot list: " + ec.message(), in);
            for (; it != end; it.increment(ec)) {
                if (ec) return semvec::make_error(semvec::ErrorCode::io, "cannot list: " + ec.message(), in);
                if (it->is_regular_file(ec) && is_image_name(it->path())) found.push_back(it->path().string());
            }
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::exists(in, ec)) {
            out.push_back(in);
        } else {
            return semvec::make_error(semvec::ErrorCode::not_found, "no such file or folder", in);
        }
    }
    return out;
}

semvec::Result<semvec::Matrix> embed_image_files(const semvec::Model& model, std::vector<std::string>& paths, unsigned threads,
                                                 const char* command) {
    if (!model.is_image_model())
        return semvec::make_error(semvec::ErrorCode::invalid_argument, "--images needs an image model (convert one with scripts/convert.py)");
    semvec::ImageEncodeOptions o;
    o.threads = threads;
    o.skip_unreadable = true;
    auto r = model.vision()->encode_files(paths, o);
    if (!r) return r.error();
    for (const auto& e : r->skipped) std::fprintf(stderr, "semvec %s: skipped %s\n", command, e.what().c_str());
    if (!r->skipped.empty())
        std::fprintf(stderr, "semvec %s: %zu of %zu files could not be read and were skipped\n", command, r->skipped.size(), paths.size());
    std::vector<std::string> kept;
    for (std::size_t i : r->rows) kept.push_back(paths[i]);
    paths = std::move(kept);
    return std::move(r->vectors);
}

std::vector<std::string> thumbnails_of(const std::vector<std::string>& paths, std::size_t side) {
    std::vector<std::string> out;
    semvec::ThumbnailOptions t;
    t.max_side = side;
    for (const auto& p : paths) {
        auto img = semvec::read_image(p);
        auto uri = img ? semvec::thumbnail_data_uri(*img, t) : semvec::Result<std::string>(img.error());
        out.push_back(uri ? *uri : std::string());
    }
    return out;
}

}  // namespace semvec_cli
