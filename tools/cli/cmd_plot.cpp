// tools/cli/cmd_plot.cpp — `semvec plot IN OUT`: draw 2-D points as SVG or a self-contained HTML page.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include <semvec/io/npy.hpp>
#if __has_include(<semvec/io/text_table.hpp>)
#include <semvec/io/text_table.hpp>
#define SEMVEC_CLI_HAS_TEXT_TABLE 1
#endif
#include <semvec/plot/html.hpp>
#include <semvec/plot/svg.hpp>

#include "args.hpp"
#include "cmd_plot.hpp"
#include "commands.hpp"

namespace semvec_cli {

std::string extension_of(const std::string& path) {
    const auto slash = path.find_last_of("/\\");
    const auto dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
    std::string ext = path.substr(dot);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

bool is_plot_path(const std::string& path) {
    const std::string e = extension_of(path);
    return e == ".svg" || e == ".html" || e == ".htm";
}

semvec::Result<std::vector<std::string>> read_lines(const std::string& path, const std::string& what,
                                                    std::size_t expected) {
    std::string bytes;
    if (path == "-") {
        bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) return semvec::make_error("cannot open " + what + " file", path);
        std::ostringstream ss;
        ss << in.rdbuf();
        if (in.bad()) return semvec::make_error("read failed", path);
        bytes = ss.str();
    }
    const std::string source = path == "-" ? "<stdin>" : path;
    std::size_t pos = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    std::vector<std::string> lines;
    while (pos < bytes.size()) {
        auto nl = bytes.find('\n', pos);
        const std::size_t end = nl == std::string::npos ? bytes.size() : nl;
        std::string line = bytes.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        pos = nl == std::string::npos ? bytes.size() : nl + 1;
    }
    if (lines.empty()) return semvec::make_error("no " + what + ": the file is empty", source);
    if (expected != 0 && lines.size() != expected) {
        if (lines.size() > expected)
            return semvec::make_error(std::to_string(lines.size()) + " " + what + " for " + std::to_string(expected) +
                                          " points: one per point expected, extra lines start here",
                                      source, "line " + std::to_string(expected + 1));
        return semvec::make_error("only " + std::to_string(lines.size()) + " " + what + " for " +
                                      std::to_string(expected) + " points: the file ends here",
                                  source, "line " + std::to_string(lines.size() + 1));
    }
    return lines;
}

semvec::Result<std::vector<std::string>> read_labels(const std::string& path, std::size_t expected) {
    if (extension_of(path) != ".npy") return read_lines(path, "labels", expected);
    auto ints = semvec::read_npy_ints(path);
    if (!ints) return ints.error();
    if (ints->size() != expected)
        return semvec::make_error(std::to_string(ints->size()) + " labels for " + std::to_string(expected) + " points",
                                  path);
    return semvec::labels_from_ints(*ints);
}

semvec::Status write_plot(const std::string& path, const semvec::Matrix& points, const semvec::PlotOptions& options) {
    return extension_of(path) == ".svg" ? semvec::write_svg(path, points, options)
                                        : semvec::write_html(path, points, options);
}

int cmd_plot(int argc, char** argv) {
    Args args("plot",
              "Draw 2-D points as a scatter plot coloured by label: a standalone SVG, or a self-contained HTML page\n"
              "(no network) where hovering a point shows its text, the legend toggles labels, the wheel zooms.\n"
              "IN is N×2 points: a .npy file (e.g. from `semvec reduce`) or CSV/TSV text; OUT ends in .svg or .html.",
              {{"--labels", "FILE", "one label per point: a text file (one per line) or a 1-D integer .npy", ""},
               {"--text", "FILE", "one text per point (one per line), shown on hover", ""},
               {"--title", "STR", "title above the plot", ""},
               {"--width", "PX", "SVG width in pixels", "960"},
               {"--height", "PX", "SVG height in pixels", "720"},
               {"--point-size", "PX", "point radius in pixels (0: from the point count)", "0"}},
              "IN.npy|IN.csv OUT.svg|OUT.html");
    int code = kExitOk;
    if (!args.parse(argc, argv, code)) return code;
    if (args.positional().size() != 2) {
        args.usage_error("expected IN and OUT", code);
        return code;
    }
    const std::string in = args.positional()[0], out = args.positional()[1];
    if (!is_plot_path(out)) {
        args.usage_error("OUT must end in .svg or .html, got '" + out + "'", code);
        return code;
    }
    const auto width = args.get_int("--width", 960), height = args.get_int("--height", 720);
    const auto point_size = args.get_double("--point-size", 0);
    if (!width || !height || !point_size) return kExitUsage;

    auto fail = [](const semvec::Error& e) {
        std::fprintf(stderr, "semvec plot: %s\n", e.what().c_str());
        return kExitInputError;
    };
    const std::string ext = extension_of(in);
    semvec::Result<semvec::Matrix> points = semvec::make_error("expected an N×2 .npy, .csv or .tsv file", in);
    if (ext == ".npy") points = semvec::read_npy(in);
#ifdef SEMVEC_CLI_HAS_TEXT_TABLE
    else if (ext == ".csv" || ext == ".tsv" || ext == ".txt") points = semvec::read_text_table(in);
#endif
    if (!points) return fail(points.error());
    if (points->rows() == 0) return fail(semvec::make_error("no points (0 rows)", in));
    if (points->cols() != 2)
        return fail(semvec::make_error("expected N×2 points, got " + std::to_string(points->rows()) + "×" +
                                           std::to_string(points->cols()) + " (reduce to 2-D first: semvec reduce)",
                                       in));
    const auto n = static_cast<std::size_t>(points->rows());

    semvec::PlotOptions options;
    options.title = args.get("--title");
    options.width = static_cast<int>(*width);
    options.height = static_cast<int>(*height);
    options.point_size = *point_size;
    if (args.has("--labels")) {
        auto labels = read_labels(args.get("--labels"), n);
        if (!labels) return fail(labels.error());
        options.labels = std::move(*labels);
    }
    if (args.has("--text")) {
        auto texts = read_lines(args.get("--text"), "texts", n);
        if (!texts) return fail(texts.error());
        options.texts = std::move(*texts);
    }
    auto st = write_plot(out, *points, options);
    if (!st) {
        // Point errors ("row 3: ...") concern the input file; write errors already name the output.
        const semvec::Error e = st.error().item.rfind("row ", 0) == 0 ? st.error().with_source(in) : st.error();
        return fail(e);
    }
    std::printf("%s\n", out.c_str());
    return kExitOk;
}

}  // namespace semvec_cli
