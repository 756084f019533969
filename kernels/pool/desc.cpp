#include "kernels/pool/desc.hpp"

#include "ir/error.hpp"
#include "ir/types.hpp"
#include "kernels/common/desc_fields.hpp"

namespace octet::kernels {

const char* to_string(PoolAlg a) {
    switch (a) {
    case PoolAlg::max: return "max";
    case PoolAlg::avg_np: return "avg_np";
    case PoolAlg::avg_p: return "avg_p";
    }
    return "?";
}

PoolAlg parse_pool_alg(const std::string& s) {
    if (s == "max" || s == "pooling_max") return PoolAlg::max;
    if (s == "avg_np" || s == "avg" || s == "pooling_avg_exclude_padding") return PoolAlg::avg_np;
    if (s == "avg_p" || s == "pooling_avg_include_padding") return PoolAlg::avg_p;
    throw ArgumentError("unknown pooling algorithm '" + s + "' (expected max, avg_np or avg_p)");
}

bool PoolDesc::operator==(const PoolDesc& o) const {
    return mb == o.mb && ic == o.ic && ih == o.ih && iw == o.iw && oh == o.oh && ow == o.ow && kh == o.kh &&
           kw == o.kw && sh == o.sh && sw == o.sw && ph == o.ph && pw == o.pw && ph_end == o.ph_end &&
           pw_end == o.pw_end && alg == o.alg && name == o.name && repeat == o.repeat;
}

PoolDesc parse_pool_desc(const std::string& text, PoolAlg alg) {
    static const std::vector<std::string> keys = {"mb", "ic", "id", "ih", "iw", "od", "oh", "ow", "kd", "kh",
                                                  "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"};
    detail::DescFields f = detail::split_fields(text, keys, "pool");
    const std::string where = "pool descriptor '" + text + "'";
    for (const char* k : {"id", "od", "kd", "sd", "pd", "dd"})
        if (f.has(k)) throw UnsupportedError(where + ": 3D pooling (field '" + std::string(k) + "') is not supported");
    for (const char* k : {"dh", "dw"})
        if (f.get(k, 0) != 0)
            throw UnsupportedError(where + ": dilated pooling (field '" + std::string(k) + "') is not supported");

    PoolDesc d;
    d.alg = alg;
    d.mb = f.get("mb", 2);
    d.ic = f.get("ic", 0);
    d.name = f.name;
    d.repeat = f.repeat;
    if (d.mb < 1) throw ArgumentError(where + ": field 'mb' must be positive");
    if (d.ic < 1) throw ArgumentError(where + ": field 'ic' must be given and positive");

    const bool has_h = detail::axis_given(f, 'h'), has_w = detail::axis_given(f, 'w');
    if (!has_h && !has_w) throw ArgumentError(where + ": no spatial size given (fields 'ih'/'iw')");
    if (has_h && !has_w) detail::copy_axis_fields(f, 'h', 'w');
    const detail::Axis h = has_h ? detail::deduce_axis(f, 'h', where) : detail::unit_axis();
    const detail::Axis w = detail::deduce_axis(f, 'w', where);
    d.ih = h.in; d.oh = h.out; d.kh = h.kernel; d.sh = h.stride; d.ph = h.pad; d.ph_end = h.pad_end;
    d.iw = w.in; d.ow = w.out; d.kw = w.kernel; d.sw = w.stride; d.pw = w.pad; d.pw_end = w.pad_end;

    detail::checked_product({d.mb, d.ih, d.iw, d.ic}, ir::kMaxElements, where + ": the source tensor");
    detail::checked_product({d.mb, d.oh, d.ow, d.ic}, ir::kMaxElements, where + ": the destination tensor");
    // The avg sum is an s32 of up to kh*kw taps of |x| <= 255: 2^23 taps keep it exact.
    detail::checked_product({d.kh, d.kw}, int64_t(1) << 23, where + ": the window kh*kw");
    return d;
}

std::string to_string(const PoolDesc& d) {
    auto f = [](const char* k, int64_t v) { return k + std::to_string(v); };
    return f("mb", d.mb) + f("ic", d.ic) + f("ih", d.ih) + f("iw", d.iw) + f("oh", d.oh) + f("ow", d.ow) +
           f("kh", d.kh) + f("kw", d.kw) + f("sh", d.sh) + f("sw", d.sw) + f("ph", d.ph) + f("pw", d.pw) +
           detail::name_field(d.name, d.repeat);
}

}  // namespace octet::kernels
