#include "kernels/common/desc_fields.hpp"

#include <algorithm>
#include <cctype>

#include "ir/error.hpp"

namespace octet::kernels::detail {
namespace {

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Parses the name field starting right after the 'n'.
void parse_name(const std::string& text, size_t pos, DescFields& f, const char* what) {
    std::string name;
    if (pos < text.size() && text[pos] == '"') {
        size_t close = text.find('"', pos + 1);
        if (close == std::string::npos)
            throw ArgumentError(std::string(what) + " descriptor " + quoted(text) + ": name has no closing quote");
        name = text.substr(pos + 1, close - pos - 1);
        for (size_t i = close + 1; i < text.size(); ++i)
            if (!std::isspace(static_cast<unsigned char>(text[i])))
                throw ArgumentError(std::string(what) + " descriptor " + quoted(text) +
                                    ": unexpected text after the name");
    } else {
        name = text.substr(pos);
    }
    f.has_name = true;
    f.name = name;
    split_repeat(f.name, f.repeat, std::string(what) + " descriptor " + quoted(text));
}

}  // namespace

void split_repeat(std::string& name, int64_t& repeat, const std::string& what) {
    repeat = 1;
    size_t star = name.rfind('*');
    if (star == std::string::npos) return;
    std::string digits = name.substr(star + 1);
    // Only "*<digits>" is a repeat suffix; any other '*' is part of the name.
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return;
    int64_t n = digits.size() > 10 ? kMaxRepeat + 1 : std::stoll(digits);
    if (n < 1 || n > kMaxRepeat)
        throw ArgumentError(what + ": repeat count " + digits + " of the name is out of range [1, 2^30]");
    repeat = n;
    name.resize(star);
}

std::string name_field(const std::string& name, int64_t repeat) {
    if (name.empty() && repeat == 1) return "";
    std::string s = "n\"" + name;
    if (repeat != 1) s += "*" + std::to_string(repeat);
    return s + "\"";
}

DescFields split_fields(const std::string& text, const std::vector<std::string>& keys, const char* what) {
    const std::string where = std::string(what) + " descriptor " + quoted(text);
    const bool n_is_key = std::find(keys.begin(), keys.end(), "n") != keys.end();
    DescFields f;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '_') { ++i; continue; }
        if (c == 'n' && !(n_is_key && i + 1 < text.size() && is_digit(text[i + 1]))) {
            parse_name(text, i + 1, f, what);
            break;
        }
        if (!is_letter(c))
            throw ArgumentError(where + ": unexpected character " + quoted(std::string(1, c)) + " at offset " +
                                std::to_string(i));
        size_t k0 = i;
        while (i < text.size() && is_letter(text[i])) ++i;
        std::string key = text.substr(k0, i - k0);
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            throw ArgumentError(where + ": unknown field " + quoted(key));
        size_t v0 = i;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (i == v0) throw ArgumentError(where + ": field " + quoted(key) + " has no value");
        std::string digits = text.substr(v0, i - v0);
        // Compare lengths before converting so that a huge number cannot overflow stoll.
        size_t first = digits.find_first_not_of('0');
        std::string sig = first == std::string::npos ? "0" : digits.substr(first);
        if (sig.size() > 10 || std::stoll(sig) > kMaxField)
            throw ArgumentError(where + ": field " + quoted(key) + " = " + digits + " is larger than 2^30");
        if (!f.values.emplace(key, std::stoll(sig)).second)
            throw ArgumentError(where + ": field " + quoted(key) + " is given twice");
    }
    if (f.values.empty() && !f.has_name) throw ArgumentError(std::string(what) + " descriptor is empty");
    return f;
}

bool axis_given(const DescFields& f, char a) {
    const std::string s(1, a);
    return f.get("i" + s, 0) != 0 || f.get("o" + s, 0) != 0 || f.get("k" + s, 0) != 0 ||
           f.get("d" + s, 0) != 0 || f.get("s" + s, 1) != 1 || f.get("p" + s, 0) >= 1;
}

void copy_axis_fields(DescFields& f, char from, char to) {
    for (const char* p : {"i", "o", "k", "s", "p", "d"}) {
        auto it = f.values.find(std::string(p) + from);
        if (it != f.values.end()) f.values[std::string(p) + to] = it->second;
    }
}

Axis unit_axis() {
    Axis ax;
    ax.in = ax.out = ax.kernel = ax.stride = 1;
    return ax;
}

Axis deduce_axis(const DescFields& f, char a, const std::string& what) {
    const std::string s(1, a);
    auto field = [&](const char* p) { return quoted(std::string(p) + s); };
    Axis ax;
    ax.in = f.get("i" + s, 0);
    ax.kernel = f.get("k" + s, 0);
    ax.stride = f.get("s" + s, 1);
    ax.dilation = f.get("d" + s, 0);
    if (ax.in < 1) throw ArgumentError(what + ": field " + field("i") + " must be given and positive");
    if (ax.kernel < 1) throw ArgumentError(what + ": field " + field("k") + " must be given and positive");
    if (ax.stride < 1) throw ArgumentError(what + ": field " + field("s") + " must be positive");
    // All fields are below 2^30, so none of the expressions below can overflow int64.
    const int64_t ext_kernel = (ax.kernel - 1) * (ax.dilation + 1) + 1;
    const bool pad_given = f.has("p" + s);
    if (f.get("o" + s, 0) == 0) {  // benchdnn: an output size of 0 means "deduce it"
        ax.pad = pad_given ? f.get("p" + s, 0) : 0;
        const int64_t span = ax.in - ext_kernel + 2 * ax.pad;
        if (span < 0)
            throw ArgumentError(what + ": the kernel along " + s + " (extent " + std::to_string(ext_kernel) +
                                ") is larger than the padded input (" + std::to_string(ax.in + 2 * ax.pad) + ")");
        ax.out = span / ax.stride + 1;
    } else {
        ax.out = f.get("o" + s, 0);
        ax.pad = pad_given ? f.get("p" + s, 0)
                           : std::max<int64_t>(0, ((ax.out - 1) * ax.stride - ax.in + ext_kernel) / 2);
    }
    ax.pad_end = (ax.out - 1) * ax.stride - ax.in + ext_kernel - ax.pad;
    return ax;
}

int64_t checked_mul(int64_t a, int64_t b, int64_t limit, const std::string& what) {
    int64_t r = 0;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) || r > limit)
        throw ArgumentError(what + " is too large (more than " + std::to_string(limit) + ")");
    return r;
}

int64_t checked_product(const std::vector<int64_t>& dims, int64_t limit, const std::string& what) {
    int64_t r = 1;
    for (int64_t d : dims) r = checked_mul(r, d, limit, what);
    return r;
}

}  // namespace octet::kernels::detail
