// tools/cli/args.hpp — the CLI's small flag parser (CLI-only: nothing here a library user needs).
//
// Each subcommand declares its flags once; the same table drives parsing and `semvec CMD --help`.
// Exit codes follow the CLI contract: 0 success, 1 input error, 2 usage error.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <semvec/util/numbers.hpp>

namespace semvec_cli {

constexpr int kExitOk = 0;
constexpr int kExitInputError = 1;
constexpr int kExitUsage = 2;

struct Flag {
    std::string name;        ///< "--model"; a short alias may follow after '|', e.g. "-k|--top-k"
    std::string value_name;  ///< "FILE"; empty for a boolean switch
    std::string help;
    std::string default_value;  ///< shown in --help; empty for none
};

class Args {
public:
    Args(std::string command, std::string summary, std::vector<Flag> flags, std::string positional_help = {})
        : command_(std::move(command)), summary_(std::move(summary)), flags_(std::move(flags)),
          positional_help_(std::move(positional_help)) {}

    /// Parses argv (argv[0] is the subcommand name). Returns false and sets exit_code on --help or error.
    bool parse(int argc, char** argv, int& exit_code) {
        for (int i = 1; i < argc; ++i) {
            std::string tok = argv[i];
            if (tok == "--help" || tok == "-h") {
                print_help(stdout);
                exit_code = kExitOk;
                return false;
            }
            if (tok.size() > 1 && tok[0] == '-' && !only_positional_) {
                if (tok == "--") { only_positional_ = true; continue; }
                std::string value;
                bool has_inline = false;
                if (auto eq = tok.find('='); eq != std::string::npos && tok.rfind("--", 0) == 0) {
                    value = tok.substr(eq + 1);
                    tok = tok.substr(0, eq);
                    has_inline = true;
                }
                const Flag* f = find(tok);
                if (!f) return usage_error("unknown flag '" + tok + "'", exit_code);
                const std::string key = canonical(*f);
                if (f->value_name.empty()) {
                    if (has_inline) return usage_error("flag '" + tok + "' takes no value", exit_code);
                    values_[key] = "1";
                } else {
                    if (!has_inline) {
                        if (i + 1 >= argc) return usage_error("flag '" + tok + "' needs a value " + f->value_name, exit_code);
                        value = argv[++i];
                    }
                    values_[key] = value;
                }
            } else {
                positional_.push_back(tok);
            }
        }
        return true;
    }

    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string get(const std::string& name, const std::string& fallback = {}) const {
        auto it = values_.find(name);
        return it == values_.end() ? fallback : it->second;
    }
    /// Integer flag; on a malformed value prints a usage error and returns nullopt.
    std::optional<long long> get_int(const std::string& name, long long fallback) const {
        auto it = values_.find(name);
        if (it == values_.end()) return fallback;
        const auto v = semvec::detail::parse_integer(it->second);  // the same in every C locale
        if (!v) {
            std::fprintf(stderr, "semvec %s: %s expects an integer, got '%s'\n", command_.c_str(), name.c_str(),
                         it->second.c_str());
            return std::nullopt;
        }
        return static_cast<long long>(*v);
    }
    std::optional<double> get_double(const std::string& name, double fallback) const {
        auto it = values_.find(name);
        if (it == values_.end()) return fallback;
        const auto v = semvec::detail::parse_double(it->second);  // the same in every C locale
        if (!v) {
            std::fprintf(stderr, "semvec %s: %s expects a number, got '%s'\n", command_.c_str(), name.c_str(),
                         it->second.c_str());
            return std::nullopt;
        }
        return *v;
    }
    const std::vector<std::string>& positional() const { return positional_; }

    void print_help(std::FILE* out) const {
        std::fprintf(out, "usage: semvec %s [flags]%s%s\n\n%s\n", command_.c_str(), positional_help_.empty() ? "" : " ",
                     positional_help_.c_str(), summary_.c_str());
        if (!flags_.empty()) std::fprintf(out, "\nflags:\n");
        for (const auto& f : flags_) {
            std::string left = "  " + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
            if (left.size() < 30) left.resize(30, ' ');
            std::fprintf(out, "%s %s%s\n", left.c_str(), f.help.c_str(),
                         f.default_value.empty() ? "" : (" (default: " + f.default_value + ")").c_str());
        }
        std::fprintf(out, "  %-28s %s\n", "-h|--help", "show this help");
    }

    /// Prints "semvec CMD: message" and the usage line; returns false with exit code 2.
    bool usage_error(const std::string& message, int& exit_code) const {
        std::fprintf(stderr, "semvec %s: %s\n(see 'semvec %s --help')\n", command_.c_str(), message.c_str(),
                     command_.c_str());
        exit_code = kExitUsage;
        return false;
    }

private:
    static std::vector<std::string> names_of(const Flag& f) {
        std::vector<std::string> out;
        std::string cur;
        for (char c : f.name) {
            if (c == '|') { out.push_back(cur); cur.clear(); } else cur += c;
        }
        out.push_back(cur);
        return out;
    }
    /// The long name (last alias) is the key used by has()/get().
    static std::string canonical(const Flag& f) { return names_of(f).back(); }
    const Flag* find(const std::string& tok) const {
        for (const auto& f : flags_)
            for (const auto& n : names_of(f))
                if (n == tok) return &f;
        return nullptr;
    }

    std::string command_, summary_;
    std::vector<Flag> flags_;
    std::string positional_help_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positional_;
    bool only_positional_ = false;
};

}  // namespace semvec_cli
