// Data-movement ops: Concat, Reshape (constant shape), Flatten, Transpose,
// Squeeze/Unsqueeze (axes as an attribute before opset 13, a constant input
// after), Resize (nearest/linear over H,W -> Interpolate) and Constant.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>

#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"

namespace octet::ir::onnx_import {

namespace {

using AP = onnx::AttributeProto;

void concat(const OnnxNode& n) {
    n.expect_attrs({"axis"});
    if (!n.has_attr("axis")) n.invalid("attribute 'axis' is required");
    std::vector<PortRef> in;
    for (size_t i = 0; i < n.input_count(); ++i) in.push_back(n.input(i));
    if (in.empty()) n.invalid("has no inputs");
    const int64_t rank = int64_t(n.input_desc(0).shape.size());
    Attributes a;
    a.set("axis", AttrValue(normalize_axis(n, n.attr_int("axis", 0), rank)));
    n.set_output(0, n.add("Concat", "", in, a));
}

PortRef reshape_to(const OnnxNode& n, PortRef x, const Shape& shape, bool special_zero, const std::string& suffix) {
    Attributes a;
    a.set("shape", shape);
    a.set("special_zero", special_zero);
    return n.add("Reshape", suffix, {x}, a);
}

void reshape(const OnnxNode& n) {
    n.expect_attrs({"allowzero"});
    const std::vector<int64_t> shape = n.require_const(1, "shape").as_ints(n.prefix() + "input 1 (shape)");
    const bool allowzero = n.attr_int("allowzero", 0) != 0;
    if (allowzero && std::count(shape.begin(), shape.end(), 0) && std::count(shape.begin(), shape.end(), -1))
        n.invalid("shape has both 0 and -1 with allowzero = 1");
    n.set_output(0, reshape_to(n, n.input(0), shape, !allowzero, ""));
}

void flatten(const OnnxNode& n) {
    n.expect_attrs({"axis"});
    const Shape s = n.input_desc(0).shape;
    const int64_t rank = int64_t(s.size());
    int64_t axis = n.attr_int("axis", 1);
    if (axis < -rank || axis > rank) n.invalid("attribute 'axis' = " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    if (axis < 0) axis += rank;
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= s[size_t(d)];
    n.set_output(0, reshape_to(n, n.input(0), {outer, inner}, false, ""));
}

void transpose(const OnnxNode& n) {
    n.expect_attrs({"perm"});
    const int64_t rank = int64_t(n.input_desc(0).shape.size());
    std::vector<int64_t> perm = n.attr_ints("perm", {});
    if (perm.empty())
        for (int64_t d = rank - 1; d >= 0; --d) perm.push_back(d);
    Attributes a;
    a.set("order", perm);
    n.set_output(0, n.add("Transpose", "", {n.input(0)}, a));
}

// Axes from the attribute (opset < 13) or the optional constant input 1.
std::vector<int64_t> axes_of(const OnnxNode& n, bool& given) {
    given = true;
    if (n.opset() < 13) {
        n.expect_attrs({"axes"});
        given = n.has_attr("axes");
        return n.attr_ints("axes", {});
    }
    n.expect_attrs({});
    if (!n.has_input(1)) {
        given = false;
        return {};
    }
    return n.require_const(1, "axes").as_ints(n.prefix() + "input 1 (axes)");
}

void squeeze(const OnnxNode& n) {
    bool given = false;
    std::vector<int64_t> axes = axes_of(n, given);
    const int64_t rank = int64_t(n.input_desc(0).shape.size());
    for (int64_t& a : axes) a = normalize_axis(n, a, rank, "squeeze axis");
    Attributes a;
    a.set("axes", axes);
    n.set_output(0, n.add("Squeeze", "", {n.input(0)}, a));
}

void unsqueeze(const OnnxNode& n) {
    bool given = false;
    std::vector<int64_t> axes = axes_of(n, given);
    if (!given) n.invalid("axes are required");
    const int64_t out_rank = int64_t(n.input_desc(0).shape.size() + axes.size());
    for (int64_t& a : axes) a = normalize_axis(n, a, out_rank, "unsqueeze axis");
    Attributes a;
    a.set("axes", axes);
    n.set_output(0, n.add("Unsqueeze", "", {n.input(0)}, a));
}

void resize(const OnnxNode& n) {
    n.expect_attrs({"mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside",
                    "extrapolation_value"});
    const Shape s = n.input_desc(0).shape;
    if (s.size() != 4) n.unsupported("only rank-4 inputs are supported, got " + to_string(s));
    const std::string mode = n.attr_string("mode", "nearest");
    if (mode != "nearest" && mode != "linear") n.unsupported("attribute 'mode' = '" + mode + "' is not supported");
    if (n.attr_int("exclude_outside", 0) != 0) n.unsupported("attribute 'exclude_outside' = 1 is not supported");
    Attributes a;
    a.set("mode", mode);
    std::string ctm = n.opset() < 11 ? "asymmetric" : n.attr_string("coordinate_transformation_mode", "half_pixel");
    if (ctm != "half_pixel" && ctm != "asymmetric" && ctm != "align_corners" && ctm != "pytorch_half_pixel" &&
        ctm != "tf_half_pixel_for_nn")
        n.unsupported("attribute 'coordinate_transformation_mode' = '" + ctm + "' is not supported");
    a.set("coordinate_transformation_mode", ctm);
    std::string nearest = n.opset() < 11 ? "floor" : n.attr_string("nearest_mode", "round_prefer_floor");
    if (nearest != "round_prefer_floor" && nearest != "round_prefer_ceil" && nearest != "floor" && nearest != "ceil")
        n.unsupported("attribute 'nearest_mode' = '" + nearest + "' is not supported");
    a.set("nearest_mode", nearest);

    const size_t scales_at = n.opset() < 11 ? 1 : 2;
    const ConstTensor* scales = n.has_input(scales_at) ? &n.require_const(scales_at, "scales") : nullptr;
    const ConstTensor* sizes = n.opset() >= 11 && n.has_input(3) ? &n.require_const(3, "sizes") : nullptr;
    if (scales && scales->numel() == 0) scales = nullptr;
    if (sizes && sizes->numel() == 0) sizes = nullptr;
    if (bool(scales) == bool(sizes)) n.invalid("exactly one of 'scales' and 'sizes' must be given");
    if (scales) {
        const std::vector<double> v = scales->as_doubles();
        if (v.size() != 4) n.invalid("scales must have 4 values, got " + std::to_string(v.size()));
        if (v[0] != 1.0 || v[1] != 1.0) n.unsupported("scales on the N and C axes must be 1");
        a.set("scales", std::vector<double>{v[2], v[3]});
    } else {
        const std::vector<int64_t> v = sizes->as_ints(n.prefix() + "input 3 (sizes)");
        if (v.size() != 4) n.invalid("sizes must have 4 values, got " + std::to_string(v.size()));
        if (v[0] != s[0] || v[1] != s[1]) n.unsupported("sizes must keep the N and C axes");
        a.set("sizes", std::vector<int64_t>{v[2], v[3]});
    }
    if (ctm == "align_corners") {
        // ONNX's align_corners divides by (output size - 1): undefined for an output of 1.
        for (size_t d = 2; d < 4; ++d)
            if ((scales && int64_t(std::floor(double(s[d]) * scales->as_doubles()[d])) == 1) ||
                (sizes && sizes->ints[d] == 1))
                n.unsupported("coordinate_transformation_mode 'align_corners' with an output size of 1 (division by zero in ONNX's formula)");
    }
    n.set_output(0, n.add("Interpolate", "", {n.input(0)}, a));
}

void constant(const OnnxNode& n) {
    if (n.proto().attribute_size() != 1) n.invalid("must have exactly one attribute");
    const AP& a = n.proto().attribute(0);
    const std::string& name = a.name();
    ConstTensor c;
    if (name == "value") {
        n.attr("value", AP::TENSOR);
        ByteBudget budget{8 * uint64_t(a.t().ByteSizeLong()) + 64};  // inline data only (int64 varints: up to 8x)
        c = read_tensor(a.t(), "", budget, n.prefix() + "attribute 'value'");
    } else if (name == "value_float") {
        c = ConstTensor::from_floats({}, {n.attr_float("value_float", 0.f)});
    } else if (name == "value_floats") {
        std::vector<float> v = n.attr_floats("value_floats");
        c = ConstTensor::from_floats({int64_t(v.size())}, v);
    } else if (name == "value_int" || name == "value_ints") {
        c.data_type = onnx::TensorProto::INT64;
        if (name == "value_int") {
            c.ints = {n.attr_int("value_int", 0)};
        } else {
            c.ints = n.attr_ints("value_ints", {});
            c.dims = {int64_t(c.ints.size())};
        }
    } else {
        n.unsupported("attribute '" + name + "' is not supported");
    }
    n.set_output_const(0, std::move(c));
}

}  // namespace

void register_shape_ops(OpTable& t) {
    t["Concat"] = concat;
    t["Reshape"] = reshape;
    t["Flatten"] = flatten;
    t["Transpose"] = transpose;
    t["Squeeze"] = squeeze;
    t["Unsqueeze"] = unsqueeze;
    t["Resize"] = resize;
    t["Constant"] = constant;
}

}  // namespace octet::ir::onnx_import
