// tools/cli/cmd_plot.hpp — helpers that `plot`, `map` and `search` share: one-item-per-line files, and writing
// a plot by the output file's extension. Defined in cmd_plot.cpp.
#pragma once

#include <string>
#include <vector>

#include <semvec/matrix.hpp>
#include <semvec/plot/common.hpp>
#include <semvec/result.hpp>

namespace semvec_cli {

/// The lines of a text file ("-" reads stdin): '\n' or "\r\n" endings, a UTF-8 BOM skipped, a last line without
/// '\n' kept. `what` names the items in errors ("labels", "texts"). Fails on a missing or unreadable file, or
/// when `expected` is not 0 and the count differs (the error names the file and the first line at fault).
semvec::Result<std::vector<std::string>> read_lines(const std::string& path, const std::string& what,
                                                    std::size_t expected = 0);

/// Labels from FILE: one per line, or a 1-D integer .npy vector when the name ends in ".npy".
semvec::Result<std::vector<std::string>> read_labels(const std::string& path, std::size_t expected);

/// True when the name ends in .svg, .html or .htm (case-insensitive).
bool is_plot_path(const std::string& path);

/// Writes SVG or HTML, chosen by the extension of `path`.
semvec::Status write_plot(const std::string& path, const semvec::Matrix& points, const semvec::PlotOptions& options);

/// Lower-cased extension with the dot (".npy"), or "" when there is none.
std::string extension_of(const std::string& path);

}  // namespace semvec_cli
