#include "kernels/common/benchdnn_batch.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/error.hpp"

namespace octet::kernels {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 16;
constexpr std::uintmax_t kMaxFileBytes = 16u << 20;

struct Word {
    std::string text;
    int line;
};

std::string rstrip(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}
std::string lstrip(const std::string& s) {
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

// Splits text into words with their line numbers. A line ending in '\' continues on
// the next with the blanks around the break removed ("a, \" + "  b" is "a,b", as
// benchdnn reads option lists). In a line, whitespace separates words except inside
// double quotes, and a word starting with '#' comments out the rest of the line.
std::vector<Word> split_words(const std::string& text, const std::string& label) {
    std::vector<Word> words;
    std::istringstream in(text);
    std::string raw;
    int line = 0;
    while (std::getline(in, raw)) {
        const int first_line = ++line;
        std::string logical = rstrip(raw);
        while (!logical.empty() && logical.back() == '\\' && std::getline(in, raw)) {
            ++line;
            logical = rstrip(logical.substr(0, logical.size() - 1)) + lstrip(rstrip(raw));
        }
        if (!logical.empty() && logical.back() == '\\') logical.pop_back();  // a break on the last line
        std::string cur;
        bool in_quote = false;
        for (size_t i = 0; i < logical.size(); ++i) {
            const char c = logical[i];
            if (!in_quote && std::isspace(static_cast<unsigned char>(c))) {
                if (!cur.empty()) words.push_back({cur, first_line});
                cur.clear();
                continue;
            }
            if (!in_quote && c == '#' && cur.empty()) break;  // comment to the end of the line
            if (c == '"') in_quote = !in_quote;
            cur += c;
        }
        if (in_quote) throw FormatError(label + ":" + std::to_string(first_line) + ": unterminated quote");
        if (!cur.empty()) words.push_back({cur, first_line});
    }
    return words;
}

std::string read_file(const fs::path& p, bool& ok) {
    ok = false;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return {};
    const std::uintmax_t size = fs::file_size(p, ec);
    if (ec) return {};
    if (size > kMaxFileBytes)
        throw FormatError("benchdnn batch file '" + p.string() + "' is larger than 16 MiB");
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    ok = true;
    return ss.str();
}

class Reader {
public:
    BatchFile result;

    void run(const std::string& text, const fs::path& dir, const std::string& label, int depth) {
        if (depth > kMaxDepth)
            throw FormatError("benchdnn batch '" + label + "': batch files nest deeper than " +
                              std::to_string(kMaxDepth) + " (a cycle?)");
        for (const Word& w : split_words(text, label)) {
            if (w.text.rfind("--", 0) != 0) {
                result.entries.push_back({w.text, options_, label, w.line});
                continue;
            }
            const size_t eq = w.text.find('=');
            const std::string name = w.text.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            const std::string value = eq == std::string::npos ? "" : w.text.substr(eq + 1);
            if (name == "reset") {
                options_.clear();
            } else if (name == "batch") {
                nested(value, dir, label, w.line, depth);
            } else {
                options_[name] = value;
            }
        }
    }

private:
    std::map<std::string, std::string> options_;

    void nested(const std::string& name, const fs::path& dir, const std::string& label, int line, int depth) {
        const std::string base = fs::path(label).filename().string();
        const size_t us = base.find('_');
        std::vector<fs::path> candidates = {dir / name};
        if (us != std::string::npos) candidates.push_back(dir / (base.substr(0, us + 1) + name));
        for (const fs::path& p : candidates) {
            bool ok = false;
            std::string text = read_file(p, ok);
            if (ok) {
                run(text, p.parent_path(), p.string(), depth + 1);
                return;
            }
        }
        result.missing_batches.push_back(name + " (referenced from " + label + ":" + std::to_string(line) + ")");
    }
};

}  // namespace

std::string BatchEntry::option(const std::string& name, const std::string& def) const {
    auto it = options.find(name);
    return it == options.end() ? def : it->second;
}

BatchFile parse_benchdnn_batch(const std::string& text, const std::string& dir, const std::string& label) {
    Reader r;
    r.run(text, fs::path(dir), label, 0);
    return std::move(r.result);
}

BatchFile read_benchdnn_batch(const std::string& path) {
    bool ok = false;
    std::string text = read_file(fs::path(path), ok);
    if (!ok) throw ArgumentError("cannot read benchdnn batch file '" + path + "'");
    Reader r;
    r.run(text, fs::path(path).parent_path(), path, 0);
    return std::move(r.result);
}

}  // namespace octet::kernels
