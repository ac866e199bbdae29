// semvec/util/file_io.hpp — atomic file writes: the one way semvec writes a file.
//
// write_file_atomic(path, ...) writes to a temporary file beside the target (same folder, so the same file
// system) and renames it over the target only when every byte is written and the file is closed. A crash, a
// full disk or a writer that gives up midway never leaves half a file under the final name: the target keeps
// its old content (or does not appear), and the temporary file is removed on every error path.
//
// POSIX: std::rename, which is rename(2) (atomic replacement). Windows: std::filesystem::rename, which
// libstdc++ (MinGW-w64) and MSVC's STL implement with MoveFileExW(MOVEFILE_REPLACE_EXISTING) — std::rename
// there is the CRT's, which refuses an existing target — and paths are converted from UTF-8 to UTF-16
// (_wfopen). No POSIX or Windows header is included: only <cstdio>, and <filesystem> on Windows.
//
// Not a durability guarantee across a power cut (no fsync: it would cost milliseconds per file); a crash of
// the process or of the writer is covered. The new file gets default permissions, not the old file's.
//
// Single-part header (inline, no SEMVEC_DEFINITIONS): it is small and both parts of semvec::compiled reach it
// (io/ writers in one, plots and index files in the other), like util/half.hpp.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "../result.hpp"

#if defined(_WIN32)
#include <filesystem>
#include <system_error>
#endif

namespace semvec {
namespace detail {

/// A name beside `path` that no other writer (thread or process) uses at the same time: two writers of the
/// same target each write their own temporary file, and the last rename wins with a whole file.
inline std::string temp_path_beside(const std::string& path) {
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t x = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                      (static_cast<std::uint64_t>(std::hash<std::thread::id>()(std::this_thread::get_id())) << 17) ^
                      (counter.fetch_add(1, std::memory_order_relaxed) * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 31;  // mix the bits so that the name does not show the clock
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 29;
    static const char kHex[] = "0123456789abcdef";
    std::string name = path + ".tmp-";
    for (int i = 0; i < 12; ++i) name += kHex[(x >> (4 * i)) & 15];
    return name;
}

/// fopen(path, "wb") with a UTF-8 path on every system.
inline std::FILE* open_for_writing(const std::string& path) {
#if defined(_WIN32)
    return _wfopen(std::filesystem::u8path(path).c_str(), L"wb");
#else
    return std::fopen(path.c_str(), "wb");
#endif
}

/// Removes a file, ignoring errors (clean-up of a temporary file).
inline void remove_quietly(const std::string& path) {
#if defined(_WIN32)
    std::error_code ignored;
    std::filesystem::remove(std::filesystem::u8path(path), ignored);
#else
    std::remove(path.c_str());
#endif
}

/// Renames `from` over `to`, replacing it atomically. On failure: false and `why`.
inline bool replace_file(const std::string& from, const std::string& to, std::string& why) {
#if defined(_WIN32)
    std::error_code ec;
    std::filesystem::rename(std::filesystem::u8path(from), std::filesystem::u8path(to), ec);  // MoveFileExW
    if (ec) why = ec.message();
    return !ec;
#else
    if (std::rename(from.c_str(), to.c_str()) == 0) return true;
    why = std::strerror(errno);
    return false;
#endif
}

/// Writes `path` atomically (see the header comment) through `fill`, which writes the content into the open
/// temporary file. `fill` may return an error to give up: the target is left as it was. Write errors are
/// found from the stream (ferror, fflush, fclose), so `fill` need not check each fwrite. Errors name `path`:
/// ErrorCode::io for the system's, `fill`'s own error as it returned it (with `path` as source if it had none).
inline Status write_file_atomic(const std::string& path, const std::function<Status(std::FILE*)>& fill) {
    const std::string tmp = temp_path_beside(path);
    std::FILE* f = open_for_writing(tmp);
    if (!f) return make_error(ErrorCode::io, std::string("cannot create a file in its folder: ") + std::strerror(errno), path);
    Status st = fill(f);
    if (!st) {
        std::fclose(f);
        remove_quietly(tmp);
        Error e = st.error();
        if (e.source.empty()) e.source = path;
        return e;
    }
    const bool written = std::ferror(f) == 0 && std::fflush(f) == 0;
    const int saved = errno;
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) {
        remove_quietly(tmp);
        return make_error(ErrorCode::io, std::string("write failed (disk full?): ") + std::strerror(written ? errno : saved), path);
    }
    std::string why;
    if (!replace_file(tmp, path, why)) {
        remove_quietly(tmp);
        return make_error(ErrorCode::io, "cannot replace the file with its new content: " + why, path);
    }
    return {};
}

/// Writes `size` bytes to `path` atomically.
inline Status write_file_atomic(const std::string& path, const void* data, std::size_t size) {
    return write_file_atomic(path, [&](std::FILE* f) -> Status {
        if (size > 0) std::fwrite(data, 1, size, f);
        return {};
    });
}

/// Writes a string of bytes to `path` atomically.
inline Status write_file_atomic(const std::string& path, std::string_view bytes) {
    return write_file_atomic(path, bytes.data(), bytes.size());
}

}  // namespace detail
}  // namespace semvec
