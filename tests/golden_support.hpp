// Helpers shared by the tests that read the HF goldens of tests/data/models/<fixture>/golden/.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <semvec/io/npy.hpp>

namespace semvec_test {

/// The golden cases every fixture has (see ../shared/README.md): 12 single texts, a padded batch, pairs and
/// a case truncated at max length.
inline std::vector<std::string> golden_case_names() {
    std::vector<std::string> c;
    for (int i = 0; i < 12; ++i) {
        char b[32];
        std::snprintf(b, sizeof b, "single_%03d", i);
        c.push_back(b);
    }
    c.push_back("batch");
    c.push_back("pairs");
    c.push_back("truncated");
    return c;
}

/// The values of a float32 golden array.
inline const float* npy_f32(const semvec::NpyArray& a) { return reinterpret_cast<const float*>(a.data.data()); }

}  // namespace semvec_test
