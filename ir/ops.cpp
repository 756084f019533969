// Minimal op table to let the skeleton link: Parameter, Constant, Result.
// (Replaced by the full op set.)
#include "ir/ops.hpp"

#include <algorithm>

#include "ir/error.hpp"

namespace octet::ir {

const std::vector<std::string>& known_ops() {
    static const std::vector<std::string> ops = {"Parameter", "Constant", "Result"};
    return ops;
}

bool is_known_op(const std::string& op) {
    const auto& ops = known_ops();
    return std::find(ops.begin(), ops.end(), op) != ops.end();
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
    Shape r(std::max(a.size(), b.size()));
    for (size_t i = 0; i < r.size(); ++i) {
        int64_t da = i < r.size() - a.size() ? 1 : a[i - (r.size() - a.size())];
        int64_t db = i < r.size() - b.size() ? 1 : b[i - (r.size() - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ValidationError("shapes " + to_string(a) + " and " + to_string(b) + " do not broadcast");
        r[i] = da == 1 ? db : da;
    }
    return r;
}

std::vector<TensorDesc> infer_outputs(const Node& n, const std::vector<TensorDesc>& in) {
    if (n.op == "Parameter") {
        TensorDesc d{parse_elem_type(n.attrs.get_string("element_type")), n.attrs.get_ints("shape")};
        num_elements(d.shape);
        return {d};
    }
    if (n.op == "Constant") {
        if (n.value.empty()) throw ValidationError("has no value");
        return {{n.value.type(), n.value.shape()}};
    }
    if (n.op == "Result") {
        if (in.size() != 1) throw ValidationError("expects 1 input, got " + std::to_string(in.size()));
        return {};
    }
    throw UnsupportedError("unknown op '" + n.op + "'");
}

}  // namespace octet::ir
