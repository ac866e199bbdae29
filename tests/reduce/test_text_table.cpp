#include <catch2/catch.hpp>

#include <semvec/io/text_table.hpp>

#include "../test_support.hpp"

TEST_CASE("CSV, TSV and space-separated numbers parse into a matrix", "[text_table]") {
    auto m = semvec::parse_text_table("# comment\nx,y,z\n1,2,3\r\n\n4.5, -6e-1 ,7\n");
    REQUIRE(m.ok());
    CHECK(m->rows() == 2);
    CHECK(m->cols() == 3);
    CHECK((*m)(1, 1) == Approx(-0.6f));
    auto t = semvec::parse_text_table("1\t2\n3\t4");
    REQUIRE(t.ok());
    CHECK((*t)(1, 0) == 3.0f);
    auto s = semvec::parse_text_table("  1  2 \n3 4\n");
    REQUIRE(s.ok());
    CHECK(s->cols() == 2);
}

TEST_CASE("text tables report the file, line and column of bad fields", "[text_table]") {
    auto r = semvec::parse_text_table("1,2\n3,abc\n", "in.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what() == "in.csv: line 2: column 2: 'abc' is not a number");
    r = semvec::parse_text_table("1,2\n3\n", "in.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what() == "in.csv: line 2: expected 2 fields (as on the first data row), found 1");
    r = semvec::parse_text_table("1,2\n3,nan\n", "in.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("line 2: column 2: non-finite") != std::string::npos);
    r = semvec::parse_text_table("1,,2\n", "in.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("column 2: '' is not a number") != std::string::npos);
    r = semvec::parse_text_table("# only a comment\n", "in.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what() == "in.csv: no numeric rows");
    CHECK_FALSE(semvec::read_text_table("no/such/file.csv").ok());
}

TEST_CASE("a written text table reads back exactly", "[text_table]") {
    semvec::Matrix m(3, 2);
    m << 1.0f / 3.0f, -2e-7f, 1e20f, 0.0f, 5.0f, -7.25f;
    const std::string path = semvec_test::temp_path("table.tsv");
    REQUIRE(semvec::write_text_table(path, m, '\t').ok());
    auto back = semvec::read_text_table(path);
    REQUIRE(back.ok());
    CHECK(*back == m);
}
