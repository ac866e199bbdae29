// Fuzz target: the CSV/TSV reader of the reducers (parse_text_table), with the delimiter and the
// non-finite flag from the first input byte.
#include <semvec/io/text_table.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    semvec::TextTableOptions o;
    static const char delims[] = {0, ',', '\t', ' ', ';', '|', 0, 0};
    o.delimiter = delims[data[0] & 7];
    o.allow_non_finite = (data[0] & 8) != 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto m = semvec::parse_text_table(text, "fuzz", o);
    if (!m) return 0;
    if (m->rows() < 1 || m->cols() < 1) std::abort();  // an accepted table is never empty
    if (!o.allow_non_finite && !m->allFinite()) std::abort();
    return 0;
}
