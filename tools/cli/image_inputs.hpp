// tools/cli/image_inputs.hpp — what the image flags of embed, search, map and classify-image share: listing
// image files (folders recursively, sorted; files in the order given) and embedding them with unreadable files
// reported, skipped and counted. Defined in image_inputs.cpp.
#pragma once

#include <string>
#include <vector>

#include <semvec/model/model.hpp>
#include <semvec/result.hpp>

namespace semvec_cli {

/// True when argv holds "--images" (the subcommand then takes images instead of texts).
bool has_images_flag(int argc, char** argv);

/// The image files of `inputs`: a folder gives its .png/.jpg/.jpeg/.bmp files (any case) recursively in
/// sorted path order; a file is taken as given, in order. Fails on a path that does not exist.
semvec::Result<std::vector<std::string>> list_images(const std::vector<std::string>& inputs);

/// Embeds image files with an image model. Unreadable files are reported on stderr ("semvec CMD: skipped
/// PATH: reason"), left out and counted; `paths` keeps the ones embedded, in order.
semvec::Result<semvec::Matrix> embed_image_files(const semvec::Model& model, std::vector<std::string>& paths,
                                                 unsigned threads, const char* command);

/// Decoded images of `paths` (nullopt entries for unreadable ones) are not kept: thumbnails are made per file.
std::vector<std::string> thumbnails_of(const std::vector<std::string>& paths, std::size_t side);

}  // namespace semvec_cli
