#include "kernels/matmul/desc.hpp"

#include <algorithm>
#include <cctype>

#include "ir/error.hpp"
#include "ir/types.hpp"
#include "kernels/common/desc_fields.hpp"

namespace octet::kernels {
namespace {

constexpr size_t kMaxRank = 12;  // benchdnn's limit on tensor rank

std::string join_dims(const std::vector<int64_t>& dims) {
    std::string s;
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
    return s;
}

// "16x384x64" -> {16, 384, 64}; every dim in [1, 2^30].
std::vector<int64_t> parse_dims(const std::string& group, const char* tensor, const std::string& where) {
    std::vector<int64_t> dims;
    size_t pos = 0;
    while (true) {
        size_t x = group.find('x', pos);
        std::string digits = group.substr(pos, x == std::string::npos ? std::string::npos : x - pos);
        if (digits.empty())
            throw ArgumentError(where + ": " + tensor + " dims '" + group + "' have an empty dimension");
        size_t first = digits.find_first_not_of('0');
        std::string sig = first == std::string::npos ? "0" : digits.substr(first);
        if (sig.size() > 10 || std::stoll(sig) > detail::kMaxField)
            throw ArgumentError(where + ": " + tensor + " dimension " + digits + " is larger than 2^30");
        int64_t v = std::stoll(sig);
        if (v < 1) throw ArgumentError(where + ": " + tensor + " dimension must be positive, got " + digits);
        dims.push_back(v);
        if (dims.size() > kMaxRank)
            throw ArgumentError(where + ": " + tensor + " has more than " + std::to_string(kMaxRank) + " dims");
        if (x == std::string::npos) break;
        pos = x + 1;
    }
    if (dims.size() < 2) throw ArgumentError(where + ": " + tensor + " dims '" + group + "' need at least 2 dims");
    return dims;
}

void check_sizes(const MatmulDesc& d, const std::string& where) {
    int64_t b = detail::checked_product(d.batch_dims, ir::kMaxElements, where + ": the batch");
    detail::checked_product({b, d.m, d.k}, ir::kMaxElements, where + ": tensor A");
    detail::checked_product({b, d.k, d.n}, ir::kMaxElements, where + ": tensor B");
    detail::checked_product({b, d.m, d.n}, ir::kMaxElements, where + ": the destination tensor");
}

MatmulDesc parse_benchdnn_form(const std::string& text, const std::string& where) {
    size_t end = 0;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == 'x' ||
                                 text[end] == ':'))
        ++end;
    std::vector<std::string> groups;
    for (size_t pos = 0;;) {
        size_t c = text.find(':', pos);
        if (c == std::string::npos || c >= end) { groups.push_back(text.substr(pos, end - pos)); break; }
        groups.push_back(text.substr(pos, c - pos));
        pos = c + 1;
    }
    if (groups.size() < 2 || groups.size() > 3)
        throw ArgumentError(where + ": expected 'MxK:KxN' or 'MxK:KxN:MxN'");

    MatmulDesc d;
    size_t rest = end;
    while (rest < text.size() && text[rest] == '_') ++rest;
    if (rest < text.size()) {
        detail::DescFields f = detail::split_fields(text.substr(rest), {}, "matmul");
        d.name = f.name;
        d.repeat = f.repeat;
    }

    const std::vector<int64_t> a = parse_dims(groups[0], "A", where);
    const std::vector<int64_t> b = parse_dims(groups[1], "B", where);
    if (a.size() != b.size())
        throw ArgumentError(where + ": A and B have different ranks (" + std::to_string(a.size()) + " and " +
                            std::to_string(b.size()) + ")");
    const size_t r = a.size();
    d.m = a[r - 2];
    d.k = a[r - 1];
    d.n = b[r - 1];
    if (b[r - 2] != d.k)
        throw ArgumentError(where + ": K of A (" + std::to_string(d.k) + ") differs from K of B (" +
                            std::to_string(b[r - 2]) + ")");
    d.batch_dims.assign(a.begin(), a.end() - 2);
    if (!std::equal(d.batch_dims.begin(), d.batch_dims.end(), b.begin()))
        throw UnsupportedError(where + ": batch dims of A and B differ (broadcasting is not supported)");
    if (groups.size() == 3) {
        std::vector<int64_t> want = d.batch_dims;
        want.push_back(d.m);
        want.push_back(d.n);
        if (parse_dims(groups[2], "dst", where) != want)
            throw ArgumentError(where + ": dst dims '" + groups[2] + "' do not match " + join_dims(want));
    }
    return d;
}

MatmulDesc parse_short_form(const std::string& text, const std::string& where) {
    detail::DescFields f = detail::split_fields(text, {"mb", "m", "n", "k"}, "matmul");
    MatmulDesc d;
    for (const char* key : {"m", "n", "k"})
        if (f.get(key, 0) < 1) throw ArgumentError(where + ": field '" + std::string(key) + "' must be given and positive");
    if (f.get("mb", 1) < 1) throw ArgumentError(where + ": field 'mb' must be positive");
    d.m = f.get("m", 0);
    d.n = f.get("n", 0);
    d.k = f.get("k", 0);
    if (f.get("mb", 1) != 1) d.batch_dims = {f.get("mb", 1)};
    d.name = f.name;
    d.repeat = f.repeat;
    return d;
}

}  // namespace

int64_t MatmulDesc::batch() const {
    int64_t b = 1;
    for (int64_t v : batch_dims) b *= v;
    return b;
}

bool MatmulDesc::operator==(const MatmulDesc& o) const {
    return batch_dims == o.batch_dims && m == o.m && k == o.k && n == o.n && name == o.name && repeat == o.repeat;
}

MatmulDesc parse_matmul_desc(const std::string& text) {
    const std::string where = "matmul descriptor '" + text + "'";
    if (text.empty()) throw ArgumentError("matmul descriptor is empty");
    MatmulDesc d = std::isdigit(static_cast<unsigned char>(text[0])) ? parse_benchdnn_form(text, where)
                                                                     : parse_short_form(text, where);
    check_sizes(d, where);
    return d;
}

MatmulDesc parse_ip_desc(const std::string& text) {
    const std::string where = "ip descriptor '" + text + "'";
    detail::DescFields f = detail::split_fields(text, {"mb", "ic", "id", "ih", "iw", "oc"}, "ip");
    if (f.has("id")) throw UnsupportedError(where + ": 3D inner product (field 'id') is not supported");
    const int64_t mb = f.get("mb", 2), ic = f.get("ic", 0), oc = f.get("oc", 0);
    if (mb < 1) throw ArgumentError(where + ": field 'mb' must be positive");
    if (ic < 1) throw ArgumentError(where + ": field 'ic' must be given and positive");
    if (oc < 1) throw ArgumentError(where + ": field 'oc' must be given and positive");
    const int64_t ih = f.get("ih", 1);
    const int64_t iw = f.get("iw", f.has("ih") ? ih : 1);
    if (ih < 1) throw ArgumentError(where + ": field 'ih' must be positive");
    if (iw < 1) throw ArgumentError(where + ": field 'iw' must be positive");
    MatmulDesc d;
    d.m = mb;
    d.k = detail::checked_product({ic, ih, iw}, ir::kMaxElements, where + ": ic*ih*iw");
    d.n = oc;
    d.name = f.name;
    d.repeat = f.repeat;
    check_sizes(d, where);
    return d;
}

std::string to_string(const MatmulDesc& d) {
    std::vector<int64_t> a = d.batch_dims, b = d.batch_dims;
    a.push_back(d.m); a.push_back(d.k);
    b.push_back(d.k); b.push_back(d.n);
    return join_dims(a) + ":" + join_dims(b) + detail::name_field(d.name, d.repeat);
}

}  // namespace octet::kernels
