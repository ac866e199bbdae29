// Inputs that crashed (or broke an invariant of) a fuzz target, as Catch2 cases. The same inputs are in
// tests/fuzz/corpus/<target>/regress_* and replayed by the fuzz_replay_* ctests.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include <semvec/io/safetensors.hpp>
#include <semvec/io/text_table.hpp>

#include "../test_support.hpp"

TEST_CASE("fuzz text_table: a finite double beyond float range is an error, not Inf", "[robust][fuzz_regression]") {
    // corpus/text_table/regress_float_overflow: "2e56" parsed as a double is finite, as a float it is Inf.
    auto m = semvec::parse_text_table("#\xff\n 1     2e56\n", "t.csv");
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.error().what(), Catch::Contains("line 2: column 2: '2e56' is out of the float range"));
    CHECK_THAT(semvec::parse_text_table("1,-1e39\n").error().what(), Catch::Contains("'-1e39' is out of the float range"));
    auto small = semvec::parse_text_table("1,1e-40,3.4e38\n");  // subnormal and near-max floats stay valid
    REQUIRE(small.ok());
    CHECK(small->allFinite());
    // allow_non_finite accepts NaN/Inf literals; a finite number too large for a float is still an error.
    auto allowed = semvec::parse_text_table("inf,2e56\n", "t.csv", {0, /*allow_non_finite=*/true});
    REQUIRE_FALSE(allowed.ok());
    CHECK_THAT(allowed.error().what(), Catch::Contains("column 2: '2e56' is out of the float range"));
}

TEST_CASE("fuzz text_table: a line of vertical tabs is blank, not a 0-column row", "[robust][fuzz_regression]") {
    // corpus/text_table/regress_zero_columns: a non-numeric header, then "\t\v\t": split on whitespace it has
    // no field; it used to be accepted as a row of zero columns (a 1×0 matrix).
    const std::string bytes = semvec_test::read_file(std::string(SEMVEC_SOURCE_DIR) + "/tests/fuzz/corpus/text_table/regress_zero_columns");
    REQUIRE(bytes.size() > 1);
    auto m = semvec::parse_text_table(bytes.substr(1));
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.error().what(), Catch::Contains("no numeric rows"));
    auto ok = semvec::parse_text_table("x y\n\v\f\n1 2\n\v\n3 4\n");
    REQUIRE(ok.ok());
    CHECK(ok->rows() == 2);
    CHECK(ok->cols() == 2);
}

TEST_CASE("error messages never dump deeply nested JSON (stack overflow)", "[robust][fuzz_regression]") {
    // nlohmann's dump() recurses per level: 100k levels overflowed the stack in the error path.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const std::string header = R"({"t":{"dtype":"F32","shape":[)" + deep + R"(],"data_offsets":[0,0]}})";
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<char>(static_cast<std::uint64_t>(header.size()) >> (8 * i));
    bytes += header;
    auto f = semvec::SafetensorsFile::from_buffer(bytes.data(), bytes.size());
    REQUIRE_FALSE(f.ok());
    CHECK_THAT(f.error().what(), Catch::Contains("shape [[...]] holds a non-integer"));
    const auto j = nlohmann::json::parse(deep);
    CHECK(semvec::detail::json_preview(j) == "[[...]]");
    CHECK(semvec::detail::json_preview(nlohmann::json::parse("[1,2,3]")) == "[1,2,3]");
    CHECK(semvec::detail::json_preview(nlohmann::json(std::string(500, 'x'))).size() == 123);
}
