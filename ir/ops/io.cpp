// Parameter, Constant, Result.
#include "ir/error.hpp"
#include "ir/ops/infer_fns.hpp"

namespace octet::ir::infer {

using namespace opcheck;

Outputs parameter(const Node& n, const Inputs& in) {
    expect_inputs(in, 0);
    const std::string type = n.attrs.get_string("element_type");
    TensorDesc d;
    try {
        d.type = parse_elem_type(type);
    } catch (const FormatError&) {
        throw UnsupportedError("element_type '" + type + "' is not supported (expected f32, s32, u8 or s8)");
    }
    d.shape = n.attrs.get_ints("shape");
    check_shape(d.shape);  // rejects negative dims and absurd sizes
    return {d};
}

Outputs constant(const Node& n, const Inputs& in) {
    expect_inputs(in, 0);
    if (n.value.empty()) throw ValidationError("has no value");
    check_shape(n.value.shape());
    return {{n.value.type(), n.value.shape()}};
}

Outputs result(const Node& n, const Inputs& in) {
    expect_inputs(in, 1);
    return {};
}

}  // namespace octet::ir::infer
