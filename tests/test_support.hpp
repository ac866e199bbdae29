// Helpers shared by the tests: fixture paths and small file utilities.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace semvec_test {

/// Path of a fixture below tests/data/.
inline std::string data_path(const std::string& rel) { return std::string(SEMVEC_TEST_DATA) + "/" + rel; }

/// A fresh scratch path in the build tree (tests run with the build folder as working directory).
inline std::string temp_path(const std::string& name) { return "semvec_test_tmp_" + name; }

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace semvec_test
