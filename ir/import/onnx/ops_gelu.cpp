// GELU in its erf form as exporters write it, x * 0.5 * (1 + erf(x / sqrt(2))):
// Div by sqrt(2) -> Erf -> Add 1 -> Mul x -> Mul 0.5 (operands in either
// order). octet has no Erf or Div op, so each step defines a
// GeluPartial value and the last Mul emits one Gelu node; any other reader of
// a partial value fails with UnsupportedError naming it.
#include <onnx/onnx_pb.h>

#include <cmath>

#include "ir/error.hpp"
#include "ir/import/onnx/op_table.hpp"

namespace octet::ir::onnx_import {

namespace {

bool scalar_near(const OnnxNode& n, size_t i, double want) {
    const ConstTensor* c = n.const_input(i);
    return c && c->is_float() && c->numel() == 1 && std::fabs(c->floats[0] - want) <= 1e-4 * std::fabs(want);
}

// The IR port of input i when it is an ordinary value (not a partial or pending one).
bool plain_port(const OnnxNode& n, size_t i, PortRef& p) {
    if (!n.has_input(i) || n.gelu_input(i) || n.pending_q_input(i)) return false;
    p = n.input(i);
    return true;
}

PortRef gelu_of(const OnnxNode& n, PortRef x) {
    if (n.ctx_desc(x).type != ElemType::f32) n.unsupported("GELU needs a FLOAT input");
    Attributes a;
    a.set("approximation_mode", "erf");
    return n.add("Gelu", "", {x}, a);
}

void div(const OnnxNode& n) {
    n.expect_attrs({});
    PortRef x;
    if (!scalar_near(n, 1, std::sqrt(2.0)) || !plain_port(n, 0, x))
        n.unsupported("Div is supported only as x / sqrt(2) inside GELU's erf form");
    n.set_output_gelu(0, {x, GeluPartial::scaled});
}

void erf(const OnnxNode& n) {
    n.expect_attrs({});
    const GeluPartial* g = n.gelu_input(0);
    if (!g || g->stage != GeluPartial::scaled)
        n.unsupported("Erf is supported only as erf(x / sqrt(2)) inside GELU's erf form");
    n.set_output_gelu(0, {g->x, GeluPartial::erf});
}

}  // namespace

bool gelu_step(const OnnxNode& n) {
    const std::string& op = n.op_type();
    if (op != "Add" && op != "Mul") return false;
    for (size_t i = 0; i < 2; ++i) {
        const GeluPartial* g = n.gelu_input(i);
        const size_t other = 1 - i;
        PortRef o;
        if (!g) continue;
        if (op == "Add" && g->stage == GeluPartial::erf && scalar_near(n, other, 1.0)) {
            n.set_output_gelu(0, {g->x, GeluPartial::one_plus_erf});
            return true;
        }
        if (op == "Mul" && g->stage == GeluPartial::one_plus_erf && plain_port(n, other, o) && o == g->x) {
            n.set_output_gelu(0, {g->x, GeluPartial::x_times});  // x * (1 + erf): the 0.5 comes next
            return true;
        }
        if (op == "Mul" && g->stage == GeluPartial::x_times && scalar_near(n, other, 0.5)) {
            n.set_output(0, gelu_of(n, g->x));
            return true;
        }
        n.unsupported("input " + std::to_string(i) + " is a partial GELU result used outside the pattern x * 0.5 * (1 + erf(x / sqrt(2)))");
    }
    return false;
}

void register_gelu_ops(OpTable& t) {
    t["Div"] = div;
    t["Erf"] = erf;
}

}  // namespace octet::ir::onnx_import
