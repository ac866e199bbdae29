// Atomic writes (util/file_io.hpp): every writer of semvec writes a temporary file beside the target and
// renames it over the target, so a writer that fails midway (its own error, a full disk, a file size limit)
// leaves the old file as it was and no temporary file behind.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <csignal>
#include <sys/resource.h>
#define SEMVEC_TEST_HAVE_RLIMIT 1
#endif

#include <semvec/index/index.hpp>
#include <semvec/io/npy.hpp>
#include <semvec/io/safetensors.hpp>
#include <semvec/io/text_table.hpp>
#include <semvec/plot/html.hpp>
#include <semvec/plot/svg.hpp>
#include <semvec/util/file_io.hpp>

#include "../test_support.hpp"

namespace fs = std::filesystem;

namespace {

// A fresh folder of its own, so that a left-over temporary file shows.
fs::path fresh_dir(const std::string& name) {
    const fs::path d = fs::u8path(semvec_test::temp_path("file_io_" + name));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().u8string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string slurp(const fs::path& p) { return semvec_test::read_file(p.u8string()); }

semvec::Matrix big_matrix(Eigen::Index rows = 300, Eigen::Index cols = 100) {
    semvec::Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(i % 977) * 0.25f - 3.0f;
    return m;
}

#if SEMVEC_TEST_HAVE_RLIMIT
// Caps the size of any file this process writes (a full disk, as the writer sees it: fwrite fails with
// EFBIG) for the scope; SIGXFSZ is ignored meanwhile.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &old_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit r = old_;
        r.rlim_cur = bytes;
        ok_ = setrlimit(RLIMIT_FSIZE, &r) == 0;
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }
    bool ok() const { return ok_; }

private:
    rlimit old_{};
    void (*old_handler_)(int) = nullptr;
    bool ok_ = false;
};
#endif

}  // namespace

TEST_CASE("write_file_atomic replaces a file and leaves only the file", "[file_io]") {
    const fs::path dir = fresh_dir("replace");
    const std::string path = (dir / "out.txt").u8string();
    REQUIRE(semvec::detail::write_file_atomic(path, std::string("old content\n")).ok());
    CHECK(slurp(path) == "old content\n");
    REQUIRE(semvec::detail::write_file_atomic(path, std::string("new\n")).ok());
    CHECK(slurp(path) == "new\n");
    REQUIRE(semvec::detail::write_file_atomic(path, nullptr, 0).ok());  // an empty file is a file
    CHECK(fs::file_size(fs::u8path(path)) == 0);
    CHECK(names_in(dir) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("a writer that fails midway leaves the old file intact and no temporary file", "[file_io]") {
    const fs::path dir = fresh_dir("midway");
    const std::string path = (dir / "data.bin").u8string();
    REQUIRE(semvec::detail::write_file_atomic(path, std::string("the old file")).ok());
    auto st = semvec::detail::write_file_atomic(path, [](std::FILE* f) -> semvec::Status {
        std::fputs("half of the new ", f);
        std::fflush(f);  // the bytes are on disk, in the temporary file
        return semvec::make_error(semvec::ErrorCode::invalid_data, "the serializer gave up");
    });
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == semvec::ErrorCode::invalid_data);
    CHECK(st.error().source == path);  // the writer's error, named after the target
    CHECK(st.error().what().find("the serializer gave up") != std::string::npos);
    CHECK(slurp(path) == "the old file");
    CHECK(names_in(dir) == std::vector<std::string>{"data.bin"});
}

TEST_CASE("a write into a missing folder is an io error naming the path", "[file_io]") {
    const fs::path dir = fresh_dir("missing");
    const std::string path = (dir / "no_such_folder" / "x.csv").u8string();
    auto st = semvec::detail::write_file_atomic(path, std::string("1,2\n"));
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == semvec::ErrorCode::io);
    CHECK(st.error().source == path);
    auto table = semvec::write_text_table(path, big_matrix(2, 2));
    REQUIRE_FALSE(table.ok());
    CHECK(table.error().code == semvec::ErrorCode::io);
    CHECK(names_in(dir).empty());
}

TEST_CASE("write_file_atomic takes UTF-8 paths", "[file_io]") {
    const fs::path dir = fresh_dir("utf8");
    const std::string path = (dir / fs::u8path("caf\xC3\xA9_\xE6\x9D\xB1\xE4\xBA\xAC.txt")).u8string();
    REQUIRE(semvec::detail::write_file_atomic(path, std::string("x")).ok());
    REQUIRE(semvec::detail::write_file_atomic(path, std::string("y")).ok());
    CHECK(slurp(fs::u8path(path)) == "y");
    CHECK(names_in(dir) == std::vector<std::string>{"caf\xC3\xA9_\xE6\x9D\xB1\xE4\xBA\xAC.txt"});
}

TEST_CASE("concurrent writers of one file leave one whole version of it", "[file_io][concurrency]") {
    const fs::path dir = fresh_dir("concurrent");
    const std::string path = (dir / "shared.txt").u8string();
    std::vector<std::string> versions;
    for (int t = 0; t < 4; ++t) versions.push_back(std::string(20000 + 1000 * t, static_cast<char>('a' + t)));
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int k = 0; k < 25; ++k)
                if (!semvec::detail::write_file_atomic(path, versions[t]).ok()) ++failures[t];
        });
    for (auto& th : threads) th.join();
    CHECK(failures == std::vector<int>(4, 0));
    const std::string got = slurp(path);
    CHECK(std::find(versions.begin(), versions.end(), got) != versions.end());
    CHECK(names_in(dir) == std::vector<std::string>{"shared.txt"});
}

TEST_CASE("the library's writers replace files atomically", "[file_io]") {
    const fs::path dir = fresh_dir("writers");
    const semvec::Matrix a = big_matrix(4, 3), b = big_matrix(5, 2);
    const auto p = [&](const char* name) { return (dir / name).u8string(); };
    for (const semvec::Matrix* m : {&a, &b}) {
        REQUIRE(semvec::write_npy(p("m.npy"), *m).ok());
        REQUIRE(semvec::write_text_table(p("m.csv"), *m).ok());
        REQUIRE(semvec::save_safetensors(p("m.safetensors"), {semvec::tensor_f32("m", std::vector<float>(m->data(), m->data() + m->size()),
                                                                                {m->rows(), m->cols()})})
                    .ok());
    }
    CHECK(*semvec::read_npy(p("m.npy")) == b);
    CHECK(*semvec::read_text_table(p("m.csv")) == b);
    auto st = semvec::SafetensorsFile::open(p("m.safetensors"));
    REQUIRE(st.ok());
    CHECK(st->find("m")->shape == std::vector<std::int64_t>{5, 2});
    const semvec::Matrix pts = big_matrix(6, 2);
    REQUIRE(semvec::write_svg(p("m.svg"), pts).ok());
    REQUIRE(semvec::write_html(p("m.html"), pts).ok());
    CHECK(slurp(p("m.svg")) == *semvec::render_svg(pts));
    CHECK(slurp(p("m.html")) == *semvec::render_html(pts));
    auto index = semvec::Index::build(big_matrix(20, 8));
    REQUIRE(index.ok());
    REQUIRE(index->save(p("m.svx")).ok());
    REQUIRE(index->save(p("m.svx")).ok());
    CHECK(semvec::Index::load(p("m.svx")).ok());
    CHECK(names_in(dir) == std::vector<std::string>{"m.csv", "m.html", "m.npy", "m.safetensors", "m.svg", "m.svx"});
}

#if SEMVEC_TEST_HAVE_RLIMIT
TEST_CASE("writers that hit a full disk midway leave the old files intact", "[file_io]") {
    const fs::path dir = fresh_dir("full_disk");
    const auto p = [&](const char* name) { return (dir / name).u8string(); };
    const semvec::Matrix small = big_matrix(2, 2), big = big_matrix();  // 120 KB of floats
    const semvec::Matrix pts = big_matrix(3000, 2);
    REQUIRE(semvec::write_npy(p("m.npy"), small).ok());
    REQUIRE(semvec::write_text_table(p("m.csv"), small).ok());
    REQUIRE(semvec::save_safetensors(p("m.safetensors"), {semvec::tensor_f32("m", {1, 2, 3, 4}, {2, 2})}).ok());
    REQUIRE(semvec::write_svg(p("m.svg"), small).ok());
    REQUIRE(semvec::write_html(p("m.html"), small).ok());
    const std::vector<std::string> before = names_in(dir);
    std::vector<std::string> old;
    for (const auto& n : before) old.push_back(slurp(dir / n));
    {
        const FileSizeLimit limit(16 * 1024);  // every new file below is bigger
        REQUIRE(limit.ok());
        const std::vector<semvec::Status> results = {
            semvec::write_npy(p("m.npy"), big),
            semvec::write_text_table(p("m.csv"), big),
            semvec::save_safetensors(p("m.safetensors"),
                                     {semvec::tensor_f32("m", std::vector<float>(big.data(), big.data() + big.size()), {big.rows(), big.cols()})}),
            semvec::write_svg(p("m.svg"), pts),
            semvec::write_html(p("m.html"), pts),
        };
        for (std::size_t i = 0; i < results.size(); ++i) {
            INFO("writer " << i);
            REQUIRE_FALSE(results[i].ok());
            CHECK(results[i].error().code == semvec::ErrorCode::io);
            CHECK(results[i].error().what().find("write failed") != std::string::npos);
        }
    }
    CHECK(names_in(dir) == before);  // no temporary file left
    for (std::size_t i = 0; i < before.size(); ++i) {
        INFO(before[i]);
        CHECK(slurp(dir / before[i]) == old[i]);
    }
}
#endif
