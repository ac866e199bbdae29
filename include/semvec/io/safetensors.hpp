// semvec/io/safetensors.hpp — the safetensors container: a validating, zero-copy reader and a writer.
//
// Layout (public spec): 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping tensor names to
// {"dtype", "shape", "data_offsets"} (+ an optional "__metadata__" object of string → string), then the
// byte buffer. Files are memory-mapped read-only, so a 90 MB model costs no copy and many processes share
// its pages. Every check runs before any tensor byte is touched: a hostile file gives an Error, never a
// read out of bounds.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../result.hpp"
#include "dtype.hpp"
#include "../util/half.hpp"
#include "../util/file_io.hpp"

#if defined(__unix__) || defined(__APPLE__)
#define SEMVEC_HAVE_MMAP 1
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#define SEMVEC_HAVE_MMAP 0
#endif

namespace semvec {

/// A tensor inside a file: its description and a pointer to its bytes (valid while the file lives).
struct TensorView {
    std::string name;
    Dtype dtype = Dtype::f32;
    std::vector<std::int64_t> shape;
    const unsigned char* data = nullptr;
    std::size_t nbytes = 0;

    std::size_t numel() const { return nbytes / dtype_size(dtype); }
    std::size_t rank() const { return shape.size(); }

    /// Typed zero-copy pointer, or nullptr when T's size differs from the dtype's or the bytes are not
    /// aligned for T (files whose header length is not a multiple of 8): copy with to_f32() then.
    template <class T>
    const T* data_as() const {
        if (sizeof(T) != dtype_size(dtype)) return nullptr;
        if (reinterpret_cast<std::uintptr_t>(data) % alignof(T) != 0) return nullptr;
        return reinterpret_cast<const T*>(data);
    }

    /// "[2, 3]"
    std::string shape_string() const {
        std::string s = "[";
        for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
        return s + "]";
    }

    /// Widening copy of a float tensor (F64, F32, F16, BF16) into float32; an Error for other dtypes.
    Result<std::vector<float>> to_f32() const {
        std::vector<float> out(numel());
        const unsigned char* p = data;
        switch (dtype) {
            case Dtype::f32:
                if (!out.empty()) std::memcpy(out.data(), p, nbytes);
                break;
            case Dtype::f64:
                for (std::size_t i = 0; i < out.size(); ++i) {
                    double v;
                    std::memcpy(&v, p + 8 * i, 8);
                    out[i] = static_cast<float>(v);
                }
                break;
            case Dtype::f16:
            case Dtype::bf16:
                for (std::size_t i = 0; i < out.size(); ++i) {
                    std::uint16_t h;
                    std::memcpy(&h, p + 2 * i, 2);
                    out[i] = dtype == Dtype::f16 ? f16_to_f32(h) : bf16_to_f32(h);
                }
                break;
            default:
                return make_error(std::string("dtype ") + dtype_name(dtype) + " is not a float type", {},
                                  "tensor '" + name + "'");
        }
        return out;
    }
};

namespace detail {

/// Owns the bytes of an opened file: a read-only mapping, an owned copy, or nothing (borrowed buffer).
class FileBytes {
public:
    FileBytes() = default;
    FileBytes(const FileBytes&) = delete;
    FileBytes& operator=(const FileBytes&) = delete;
    ~FileBytes() {
#if SEMVEC_HAVE_MMAP
        if (mapped_ && data_) munmap(const_cast<unsigned char*>(data_), size_);
#endif
    }

    static Result<std::shared_ptr<FileBytes>> map_file(const std::string& path) {
        auto fb = std::make_shared<FileBytes>();
#if SEMVEC_HAVE_MMAP
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return make_error(std::string("cannot open: ") + std::strerror(errno), path);
        struct stat st;
        if (::fstat(fd, &st) != 0) {
            ::close(fd);
            return make_error(std::string("cannot stat: ") + std::strerror(errno), path);
        }
        if (!S_ISREG(st.st_mode)) {
            ::close(fd);
            return make_error("not a regular file", path);
        }
        fb->size_ = static_cast<std::size_t>(st.st_size);
        if (fb->size_ > 0) {
            void* p = ::mmap(nullptr, fb->size_, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED) {
                ::close(fd);
                return read_whole_file(path);  // e.g. a file system without mmap
            }
            fb->data_ = static_cast<const unsigned char*>(p);
            fb->mapped_ = true;
        }
        ::close(fd);
        return fb;
#else
        return read_whole_file(path);
#endif
    }

    static Result<std::shared_ptr<FileBytes>> read_whole_file(const std::string& path) {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) return make_error("cannot open", path);
        auto fb = std::make_shared<FileBytes>();
        unsigned char chunk[1 << 16];
        std::size_t got;
        while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) fb->owned_.insert(fb->owned_.end(), chunk, chunk + got);
        const bool failed = std::ferror(f) != 0;
        std::fclose(f);
        if (failed) return make_error("read error", path);
        fb->data_ = fb->owned_.data();
        fb->size_ = fb->owned_.size();
        return fb;
    }

    static std::shared_ptr<FileBytes> own(std::vector<unsigned char> bytes) {
        auto fb = std::make_shared<FileBytes>();
        fb->owned_ = std::move(bytes);
        fb->data_ = fb->owned_.data();
        fb->size_ = fb->owned_.size();
        return fb;
    }

    static std::shared_ptr<FileBytes> borrow(const void* data, std::size_t size) {
        auto fb = std::make_shared<FileBytes>();
        fb->data_ = static_cast<const unsigned char*>(data);
        fb->size_ = size;
        return fb;
    }

    const unsigned char* data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    const unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
    bool mapped_ = false;
    std::vector<unsigned char> owned_;
};

/// a*b, or nullopt on overflow of std::size_t.
inline std::optional<std::size_t> checked_mul(std::size_t a, std::size_t b) {
    if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return std::nullopt;
    return a * b;
}

/// `j.dump()` for error messages, safe on hostile input: nlohmann's dump() recurses once per nesting level,
/// so a value nested 100k deep (a few hundred KB of "[[[[") would overflow the stack. Values nested deeper
/// than one level are abbreviated ("[...]", "{...}") and the text is cut after `max` bytes.
inline std::string json_preview(const nlohmann::json& j, std::size_t max = 120) {
    std::string s;
    if (!j.is_structured()) {
        s = j.dump();
    } else {
        bool flat = true;
        for (const auto& e : j) flat = flat && !e.is_structured();
        if (flat) {
            s = j.dump();
        } else {
            s = j.is_array() ? "[" : "{";
            for (auto it = j.begin(); it != j.end() && s.size() <= max; ++it) {
                if (s.size() > 1) s += ",";
                if (j.is_object()) s += nlohmann::json(it.key()).dump() + ":";
                s += it->is_structured() ? (it->is_array() ? "[...]" : "{...}") : it->dump();
            }
            s += j.is_array() ? "]" : "}";
        }
    }
    if (s.size() > max) s = s.substr(0, max) + "...";
    return s;
}

}  // namespace detail

/// Largest accepted JSON header (the spec's own limit).
constexpr std::uint64_t kSafetensorsMaxHeader = 100'000'000;

/// An opened safetensors file or buffer. Cheap to copy (shares the bytes); views stay valid while any copy lives.
class SafetensorsFile {
public:
    /// Memory-maps `path` read-only (falls back to reading it into memory) and validates it.
    static Result<SafetensorsFile> open(const std::string& path) {
        auto bytes = detail::FileBytes::map_file(path);
        if (!bytes) return bytes.error();
        return parse(std::move(*bytes), path);
    }

    /// Validates a caller's buffer without copying it: the buffer must outlive the returned object.
    static Result<SafetensorsFile> from_buffer(const void* data, std::size_t size, std::string name = "<buffer>") {
        return parse(detail::FileBytes::borrow(data, size), std::move(name));
    }

    /// Takes ownership of `bytes` and validates them.
    static Result<SafetensorsFile> from_bytes(std::vector<unsigned char> bytes, std::string name = "<buffer>") {
        return parse(detail::FileBytes::own(std::move(bytes)), std::move(name));
    }

    /// All tensors, in the order of their data offsets.
    const std::vector<TensorView>& tensors() const { return tensors_; }
    /// The tensor called `name`, or nullptr.
    const TensorView* find(std::string_view name) const {
        auto it = index_.find(std::string(name));
        return it == index_.end() ? nullptr : &tensors_[it->second];
    }
    /// The `__metadata__` entries (empty when absent).
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    /// The metadata value for `key`, or nullptr.
    const std::string* metadata_value(const std::string& key) const {
        auto it = metadata_.find(key);
        return it == metadata_.end() ? nullptr : &it->second;
    }
    /// The path (or buffer name) this was read from; used in error messages.
    const std::string& source() const { return source_; }
    /// Total bytes of the file.
    std::size_t file_size() const { return bytes_ ? bytes_->size() : 0; }
    /// Bytes of the JSON header.
    std::size_t header_size() const { return header_size_; }

private:
    static Result<SafetensorsFile> parse(std::shared_ptr<detail::FileBytes> bytes, std::string source) {
        using nlohmann::json;
        auto fail = [&source](std::string msg, std::string item = {}) {
            return make_error(std::move(msg), source, std::move(item));
        };
        const std::size_t size = bytes->size();
        const unsigned char* p = bytes->data();
        if (size < 8)
            return fail("file is " + std::to_string(size) + " bytes; a safetensors file starts with an 8-byte header length");
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i) n = (n << 8) | p[i];
        if (n < 2) return fail("header length " + std::to_string(n) + " is too small (at least 2 bytes: \"{}\")");
        if (n > kSafetensorsMaxHeader)
            return fail("header length " + std::to_string(n) + " exceeds the 100 MB limit");
        if (n > size - 8)
            return fail("header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(size) +
                        " bytes)");
        const char* hbegin = reinterpret_cast<const char*>(p + 8);
        const char* hend = hbegin + n;

        // Parse, rejecting duplicate keys in any object (nlohmann would silently keep the last one).
        std::vector<std::set<std::string>> open_objects;
        std::string duplicate;
        json::parser_callback_t cb = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
            if (event == json::parse_event_t::object_start) {
                open_objects.emplace_back();
            } else if (event == json::parse_event_t::object_end) {
                if (!open_objects.empty()) open_objects.pop_back();
            } else if (event == json::parse_event_t::key && !open_objects.empty() && parsed.is_string()) {
                const auto& key = parsed.get_ref<const std::string&>();
                if (!open_objects.back().insert(key).second && duplicate.empty()) duplicate = key;
            }
            return true;
        };
        json header = json::parse(hbegin, hend, cb, /*allow_exceptions=*/false);
        if (header.is_discarded()) return fail("header is not valid JSON (or not valid UTF-8)");
        if (!duplicate.empty()) return fail("duplicate key '" + duplicate + "' in the header");
        if (!header.is_object()) return fail("header is JSON but not an object");

        SafetensorsFile file;
        file.source_ = source;
        file.header_size_ = static_cast<std::size_t>(n);
        const std::size_t buffer_size = size - 8 - static_cast<std::size_t>(n);
        const unsigned char* buffer = p + 8 + n;
        std::vector<std::pair<std::size_t, std::size_t>> ranges;  // (begin, end) per tensor, for the coverage check

        for (auto it = header.begin(); it != header.end(); ++it) {
            const std::string& name = it.key();
            const json& entry = it.value();
            if (name == "__metadata__") {
                if (!entry.is_object()) return fail("__metadata__ must be an object of strings");
                for (auto m = entry.begin(); m != entry.end(); ++m) {
                    if (!m.value().is_string())
                        return fail("__metadata__ value for key '" + m.key() + "' is not a string");
                    file.metadata_[m.key()] = m.value().get<std::string>();
                }
                continue;
            }
            const std::string item = "tensor '" + name + "'";
            if (!entry.is_object()) return fail("entry is not an object", item);
            auto dt = entry.find("dtype");
            auto sh = entry.find("shape");
            auto off = entry.find("data_offsets");
            if (dt == entry.end() || !dt->is_string()) return fail("missing or non-string \"dtype\"", item);
            if (sh == entry.end() || !sh->is_array()) return fail("missing or non-array \"shape\"", item);
            if (off == entry.end() || !off->is_array() || off->size() != 2)
                return fail("\"data_offsets\" must be an array of two integers", item);
            const std::string& dname = dt->get_ref<const std::string&>();
            auto dtype = parse_dtype(dname);
            if (!dtype) return fail("unknown dtype '" + dname + "'", item);

            TensorView view;
            view.name = name;
            view.dtype = *dtype;
            std::size_t numel = 1;
            for (const auto& d : *sh) {
                if (!d.is_number_integer()) return fail("shape " + detail::json_preview(*sh) + " holds a non-integer", item);
                if (!d.is_number_unsigned()) return fail("shape " + detail::json_preview(*sh) + " has a negative dimension", item);
                const std::uint64_t dim = d.get<std::uint64_t>();
                if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                    return fail("shape " + detail::json_preview(*sh) + " has a dimension too large", item);
                auto prod = detail::checked_mul(numel, static_cast<std::size_t>(dim));
                if (!prod) return fail("shape " + detail::json_preview(*sh) + " overflows the element count", item);
                numel = *prod;
                view.shape.push_back(static_cast<std::int64_t>(dim));
            }
            auto nbytes = detail::checked_mul(numel, dtype_size(*dtype));
            if (!nbytes) return fail("shape " + detail::json_preview(*sh) + " overflows the byte size", item);
            const json& b = (*off)[0];
            const json& e = (*off)[1];
            if (!b.is_number_unsigned() || !e.is_number_unsigned())
                return fail("\"data_offsets\" must be non-negative integers", item);
            const std::uint64_t begin = b.get<std::uint64_t>(), end = e.get<std::uint64_t>();
            if (begin > end)
                return fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] end before they begin", item);
            if (end > buffer_size)
                return fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                "] run past the end of the data (" + std::to_string(buffer_size) + " bytes)",
                            item);
            if (end - begin != *nbytes)
                return fail(std::string(dname) + " shape " + view.shape_string() + " needs " + std::to_string(*nbytes) +
                                " bytes but data_offsets span " + std::to_string(end - begin),
                            item);
            view.data = buffer + begin;
            view.nbytes = *nbytes;
            ranges.emplace_back(static_cast<std::size_t>(begin), static_cast<std::size_t>(end));
            file.tensors_.push_back(std::move(view));
        }

        // Offsets must tile the buffer exactly: no gap, no overlap, nothing left over.
        std::vector<std::size_t> order(file.tensors_.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return ranges[a] != ranges[b] ? ranges[a] < ranges[b] : file.tensors_[a].name < file.tensors_[b].name;
        });
        std::size_t covered = 0;
        for (std::size_t k = 0; k < order.size(); ++k) {
            const auto [begin, end] = ranges[order[k]];
            const std::string item = "tensor '" + file.tensors_[order[k]].name + "'";
            if (begin < covered)
                return fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                "] overlap the previous tensor (which ends at " + std::to_string(covered) + ")",
                            item);
            if (begin > covered)
                return fail("gap of " + std::to_string(begin - covered) + " bytes before data_offsets [" +
                                std::to_string(begin) + ", " + std::to_string(end) + "]",
                            item);
            covered = end;
        }
        if (covered != buffer_size)
            return fail(std::to_string(buffer_size - covered) + " bytes after the last tensor belong to no tensor");

        std::vector<TensorView> sorted;
        sorted.reserve(order.size());
        for (std::size_t i : order) sorted.push_back(std::move(file.tensors_[i]));
        file.tensors_ = std::move(sorted);
        for (std::size_t i = 0; i < file.tensors_.size(); ++i) file.index_[file.tensors_[i].name] = i;
        file.bytes_ = std::move(bytes);
        return file;
    }

    std::shared_ptr<detail::FileBytes> bytes_;
    std::string source_;
    std::size_t header_size_ = 0;
    std::vector<TensorView> tensors_;
    std::map<std::string, std::size_t> index_;
    std::map<std::string, std::string> metadata_;
};

/// One tensor to write: the bytes are read from `data` (native little-endian layout, C order).
struct TensorData {
    std::string name;
    Dtype dtype = Dtype::f32;
    std::vector<std::int64_t> shape;
    const void* data = nullptr;
    std::size_t nbytes = 0;
};

/// A TensorData over a float vector (convenience for tests and users saving vectors).
inline TensorData tensor_f32(std::string name, const std::vector<float>& values, std::vector<std::int64_t> shape) {
    return TensorData{std::move(name), Dtype::f32, std::move(shape), values.data(), values.size() * sizeof(float)};
}

/// Serializes tensors and metadata to safetensors bytes. Tensors are ordered by element size (largest first)
/// then name, and the header is padded with spaces to a multiple of 8, so every tensor is aligned.
inline Result<std::vector<unsigned char>> serialize_safetensors(const std::vector<TensorData>& tensors,
                                                                 const std::map<std::string, std::string>& metadata = {}) {
    using nlohmann::json;
    std::vector<const TensorData*> order;
    std::set<std::string> names;
    for (const auto& t : tensors) {
        const std::string item = "tensor '" + t.name + "'";
        if (t.name == "__metadata__") return make_error("the name __metadata__ is reserved", {}, item);
        if (!names.insert(t.name).second) return make_error("duplicate tensor name", {}, item);
        std::size_t numel = 1;
        for (auto d : t.shape) {
            if (d < 0) return make_error("negative dimension", {}, item);
            auto prod = detail::checked_mul(numel, static_cast<std::size_t>(d));
            if (!prod) return make_error("shape overflows", {}, item);
            numel = *prod;
        }
        auto nbytes = detail::checked_mul(numel, dtype_size(t.dtype));
        if (!nbytes || *nbytes != t.nbytes)
            return make_error("shape needs " + std::to_string(nbytes ? *nbytes : 0) + " bytes, data has " +
                                  std::to_string(t.nbytes),
                              {}, item);
        if (t.nbytes > 0 && t.data == nullptr) return make_error("null data", {}, item);
        order.push_back(&t);
    }
    std::sort(order.begin(), order.end(), [](const TensorData* a, const TensorData* b) {
        const auto sa = dtype_size(a->dtype), sb = dtype_size(b->dtype);
        return sa != sb ? sa > sb : a->name < b->name;
    });
    json header = json::object();
    std::size_t offset = 0;
    for (const TensorData* t : order) {
        header[t->name] = {{"dtype", dtype_name(t->dtype)}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->nbytes}}};
        offset += t->nbytes;
    }
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string text = header.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
    while (text.size() % 8 != 0) text.push_back(' ');
    std::vector<unsigned char> out(8 + text.size() + offset);
    std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n >> (8 * i));
    std::memcpy(out.data() + 8, text.data(), text.size());
    std::size_t pos = 8 + text.size();
    for (const TensorData* t : order) {
        if (t->nbytes) std::memcpy(out.data() + pos, t->data, t->nbytes);
        pos += t->nbytes;
    }
    return out;
}

/// Writes a safetensors file atomically (util/file_io.hpp: a temporary file beside it, then renamed).
inline Status save_safetensors(const std::string& path, const std::vector<TensorData>& tensors,
                               const std::map<std::string, std::string>& metadata = {}) {
    auto bytes = serialize_safetensors(tensors, metadata);
    if (!bytes) return bytes.error().with_source(path);
    return detail::write_file_atomic(path, bytes->data(), bytes->size());
}

}  // namespace semvec
