#include "kernels/conv/desc.hpp"

#include "ir/error.hpp"
#include "ir/types.hpp"
#include "kernels/common/desc_fields.hpp"

namespace octet::kernels {

using detail::Axis;

bool ConvDesc::operator==(const ConvDesc& o) const {
    return g == o.g && mb == o.mb && ic == o.ic && ih == o.ih && iw == o.iw && oc == o.oc && oh == o.oh &&
           ow == o.ow && kh == o.kh && kw == o.kw && sh == o.sh && sw == o.sw && ph == o.ph && pw == o.pw &&
           ph_end == o.ph_end && pw_end == o.pw_end && dh == o.dh && dw == o.dw && name == o.name &&
           repeat == o.repeat;
}

ConvDesc parse_conv_desc(const std::string& text) {
    static const std::vector<std::string> keys = {"g",  "mb", "ic", "id", "ih", "iw", "oc", "od",
                                                  "oh", "ow", "kd", "kh", "kw", "sd", "sh", "sw",
                                                  "pd", "ph", "pw", "dd", "dh", "dw"};
    detail::DescFields f = detail::split_fields(text, keys, "conv");
    const std::string where = "conv descriptor '" + text + "'";

    for (const char* k : {"id", "od", "kd", "sd", "pd", "dd"})
        if (f.has(k))
            throw UnsupportedError(where + ": 3D convolution (field '" + std::string(k) + "') is not supported");

    ConvDesc d;
    d.g = f.get("g", 1);
    d.mb = f.get("mb", 2);
    d.ic = f.get("ic", 0);
    d.oc = f.get("oc", 0);
    d.name = f.name;
    d.repeat = f.repeat;
    if (d.g < 1) throw ArgumentError(where + ": field 'g' must be positive");
    if (d.mb < 1) throw ArgumentError(where + ": field 'mb' must be positive");
    if (d.ic < 1) throw ArgumentError(where + ": field 'ic' must be given and positive");
    if (d.oc < 1) throw ArgumentError(where + ": field 'oc' must be given and positive");
    if (d.ic % d.g != 0)
        throw ArgumentError(where + ": field 'ic' (" + std::to_string(d.ic) + ") is not divisible by g (" +
                            std::to_string(d.g) + ")");
    if (d.oc % d.g != 0)
        throw ArgumentError(where + ": field 'oc' (" + std::to_string(d.oc) + ") is not divisible by g (" +
                            std::to_string(d.g) + ")");

    const bool has_h = detail::axis_given(f, 'h'), has_w = detail::axis_given(f, 'w');
    if (!has_h && !has_w) throw ArgumentError(where + ": no spatial size given (fields 'ih'/'iw')");
    if (has_h && !has_w) detail::copy_axis_fields(f, 'h', 'w');
    const Axis h = has_h ? detail::deduce_axis(f, 'h', where) : detail::unit_axis();
    const Axis w = detail::deduce_axis(f, 'w', where);
    d.ih = h.in; d.oh = h.out; d.kh = h.kernel; d.sh = h.stride; d.ph = h.pad; d.ph_end = h.pad_end; d.dh = h.dilation;
    d.iw = w.in; d.ow = w.out; d.kw = w.kernel; d.sw = w.stride; d.pw = w.pad; d.pw_end = w.pad_end; d.dw = w.dilation;

    detail::checked_product({d.mb, d.ih, d.iw, d.ic}, ir::kMaxElements, where + ": the source tensor");
    detail::checked_product({d.mb, d.oh, d.ow, d.oc}, ir::kMaxElements, where + ": the destination tensor");
    detail::checked_product({d.oc, d.kh, d.kw, d.icg()}, ir::kMaxElements, where + ": the weights tensor");
    return d;
}

std::string to_string(const ConvDesc& d) {
    auto f = [](const char* k, int64_t v) { return k + std::to_string(v); };
    return f("g", d.g) + f("mb", d.mb) + f("ic", d.ic) + f("ih", d.ih) + f("iw", d.iw) + f("oc", d.oc) +
           f("oh", d.oh) + f("ow", d.ow) + f("kh", d.kh) + f("kw", d.kw) + f("sh", d.sh) + f("sw", d.sw) +
           f("ph", d.ph) + f("pw", d.pw) + f("dh", d.dh) + f("dw", d.dw) + detail::name_field(d.name, d.repeat);
}

}  // namespace octet::kernels
