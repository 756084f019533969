#include "npy.hpp"

#include <cctype>
#include <cstring>
#include <istream>
#include <vector>

#include "ir/error.hpp"

namespace octet::tools {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
// A real header is ~100 bytes; anything far larger is not a .npy we wrote or
// numpy would write.
constexpr uint32_t kMaxHeaderLen = 1u << 20;
constexpr size_t kMaxRank = 32;

// A cursor over the header's Python dict literal.
class DictParser {
public:
    DictParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw FormatError(path_ + ": bad .npy header (" + what + ") in \"" + s_ + "\"");
    }
    void skip_space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool accept(char c) {
        skip_space();
        if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
        return false;
    }
    void expect(char c) {
        if (!accept(c)) fail(std::string("expected '") + c + "'");
    }
    bool at_end() { skip_space(); return i_ == s_.size(); }

    std::string string_literal() {
        skip_space();
        if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) fail("expected a quoted string");
        const char q = s_[i_++];
        std::string r;
        while (i_ < s_.size() && s_[i_] != q) {
            if (s_[i_] == '\\') fail("escapes are not supported in strings");
            r += s_[i_++];
        }
        if (i_ >= s_.size()) fail("unterminated string");
        ++i_;
        return r;
    }
    bool bool_literal() {
        skip_space();
        if (s_.compare(i_, 4, "True") == 0) { i_ += 4; return true; }
        if (s_.compare(i_, 5, "False") == 0) { i_ += 5; return false; }
        fail("expected True or False");
    }
    int64_t dim() {
        skip_space();
        size_t start = i_;
        int64_t v = 0;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            if (i_ - start >= 15) fail("a dimension is too large");
            v = v * 10 + (s_[i_++] - '0');
        }
        if (i_ == start) fail("expected a non-negative integer dimension");
        if (i_ < s_.size() && s_[i_] == 'L') ++i_;  // Python 2 long suffix
        return v;
    }
    ir::Shape shape_tuple() {
        expect('(');
        ir::Shape shape;
        if (accept(')')) return shape;
        for (;;) {
            shape.push_back(dim());
            if (shape.size() > kMaxRank) fail("more than 32 dimensions");
            if (accept(')')) return shape;
            expect(',');
            if (accept(')')) return shape;  // (3,) and trailing commas
        }
    }

private:
    const std::string& s_;
    const std::string& path_;
    size_t i_ = 0;
};

ir::ElemType parse_descr(const std::string& d, DictParser& p) {
    if (d == "<f4") return ir::ElemType::f32;
    if (d == "<i4") return ir::ElemType::s32;
    if (d == "|u1" || d == "<u1" || d == "u1") return ir::ElemType::u8;
    if (d == "|i1" || d == "<i1" || d == "i1") return ir::ElemType::s8;
    if (!d.empty() && d[0] == '>') p.fail("big-endian dtype '" + d + "' is not supported");
    p.fail("dtype '" + d + "' is not supported (expected <f4, <i4, |u1 or |i1)");
}

const char* descr_of(ir::ElemType t) {
    switch (t) {
    case ir::ElemType::f32: return "<f4";
    case ir::ElemType::s32: return "<i4";
    case ir::ElemType::u8: return "|u1";
    case ir::ElemType::s8: return "|i1";
    }
    return "?";
}

}  // namespace

NpyHeader read_npy_header(std::istream& in, uint64_t file_size, const std::string& path) {
    unsigned char pre[10];
    if (file_size < 10 || !in.read(reinterpret_cast<char*>(pre), 8) || std::memcmp(pre, kMagic, kMagicLen) != 0)
        throw FormatError(path + ": not a .npy file (missing the \\x93NUMPY magic)");
    const int major = pre[6];
    uint64_t header_len = 0;
    uint64_t prefix = 0;
    if (major == 1) {
        if (!in.read(reinterpret_cast<char*>(pre + 8), 2)) throw FormatError(path + ": truncated .npy header");
        header_len = uint64_t(pre[8]) | uint64_t(pre[9]) << 8;
        prefix = 10;
    } else if (major == 2 || major == 3) {
        unsigned char len[4];
        if (!in.read(reinterpret_cast<char*>(len), 4)) throw FormatError(path + ": truncated .npy header");
        header_len = uint64_t(len[0]) | uint64_t(len[1]) << 8 | uint64_t(len[2]) << 16 | uint64_t(len[3]) << 24;
        prefix = 12;
    } else {
        throw FormatError(path + ": unsupported .npy format version " + std::to_string(major));
    }
    if (header_len > kMaxHeaderLen || prefix + header_len > file_size)
        throw FormatError(path + ": .npy header length " + std::to_string(header_len) + " runs past the end of the " +
                          std::to_string(file_size) + "-byte file");
    std::string text(size_t(header_len), '\0');
    if (!in.read(&text[0], std::streamsize(header_len))) throw FormatError(path + ": truncated .npy header");

    DictParser p(text, path);
    bool have_descr = false, have_order = false, have_shape = false;
    NpyHeader h;
    p.expect('{');
    while (!p.accept('}')) {
        const std::string key = p.string_literal();
        p.expect(':');
        if (key == "descr" && !have_descr) {
            h.type = parse_descr(p.string_literal(), p);
            have_descr = true;
        } else if (key == "fortran_order" && !have_order) {
            if (p.bool_literal()) p.fail("Fortran order is not supported; save a C-contiguous array");
            have_order = true;
        } else if (key == "shape" && !have_shape) {
            h.shape = p.shape_tuple();
            have_shape = true;
        } else {
            p.fail("unexpected or repeated key '" + key + "'");
        }
        if (!p.accept(',')) {
            p.expect('}');
            break;
        }
    }
    if (!p.at_end()) p.fail("text after the dict");
    if (!have_descr || !have_order || !have_shape) p.fail("it needs 'descr', 'fortran_order' and 'shape'");

    int64_t count = 0;
    try {
        count = ir::num_elements(h.shape);
    } catch (const Error&) {
        throw FormatError(path + ": .npy shape " + ir::to_string(h.shape) + " has too many elements");
    }
    h.data_offset = prefix + header_len;
    const uint64_t payload = file_size - h.data_offset;
    const uint64_t expected = uint64_t(count) * ir::elem_size(h.type);
    if (payload != expected)
        throw FormatError(path + ": .npy array " + ir::to_string(h.shape) + " of " + ir::to_string(h.type) + " needs " +
                          std::to_string(expected) + " bytes of data, the file holds " + std::to_string(payload));
    return h;
}

std::string make_npy_header(ir::ElemType type, const ir::Shape& shape) {
    std::string dict = std::string("{'descr': '") + descr_of(type) + "', 'fortran_order': False, 'shape': (";
    for (size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    dict += "), }";
    // Pad with spaces so that data starts on a 64-byte boundary, ending in '\n'.
    const bool v2 = dict.size() + 1 + 10 > 65535;
    const size_t prefix = v2 ? 12 : 10;
    size_t total = prefix + dict.size() + 1;
    total = (total + 63) / 64 * 64;
    dict.append(total - prefix - dict.size() - 1, ' ');
    dict += '\n';
    std::string out(kMagic, kMagicLen);
    out += char(v2 ? 2 : 1);
    out += char(0);
    const size_t len = dict.size();
    out += char(len & 0xff);
    out += char((len >> 8) & 0xff);
    if (v2) {
        out += char((len >> 16) & 0xff);
        out += char((len >> 24) & 0xff);
    }
    return out + dict;
}

}  // namespace octet::tools
