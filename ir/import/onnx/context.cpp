// The importer's value table, node creation with immediate shape inference,
// and typed, checked access to ONNX node attributes.
#include "ir/import/onnx/context.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include "ir/error.hpp"
#include "ir/ops.hpp"

namespace octet::ir::onnx_import {

using AP = onnx::AttributeProto;

std::string Context::unique_name(const std::string& base) {
    std::string name = base.empty() ? "node" : base;
    for (int k = 1; node_names.count(name); ++k) name = base + "_" + std::to_string(k);
    node_names.insert(name);
    return name;
}

PortRef Context::add_node(Node n) {
    std::vector<TensorDesc> in;
    for (const PortRef& p : n.inputs) in.push_back(desc(p));
    try {
        n.outputs = infer_outputs(n, in);
    } catch (const ValidationError& e) {
        throw ValidationError(node_prefix(n) + e.what());
    } catch (const UnsupportedError& e) {
        throw UnsupportedError(node_prefix(n) + e.what());
    }
    return {graph.add_node(std::move(n)), 0};
}

PortRef Context::port_of(const std::string& value, const std::string& who) {
    auto it = values.find(value);
    if (it == values.end()) throw ValidationError(who + "reads '" + value + "', which nothing defines");
    Value& v = it->second;
    if (v.port) return *v.port;
    if (v.gelu)
        throw UnsupportedError(who + "reads '" + value + "', a partial result of Div/Erf; octet imports those ops only "
                               "inside GELU's erf form x * 0.5 * (1 + erf(x / sqrt(2)))");
    Node n;
    if (v.konst) {
        n.name = unique_name(value);
        n.op = "Constant";
        n.value = v.konst->to_tensor(who + "input '" + value + "'");
    } else {
        const PendingQuantize& q = *v.pending_q;
        n.op = "QuantizeLinear";
        n.name = unique_name(q.node_name);
        n.inputs = {q.x};
        n.attrs.set("destination_type", to_string(q.type));
        n.attrs.set("scale", q.scale);
        n.attrs.set("zero_point", q.zero_point);
        n.attrs.set("axis", AttrValue(q.axis));
    }
    v.port = add_node(std::move(n));
    return *v.port;
}

OnnxNode::OnnxNode(Context& ctx, const onnx::NodeProto& proto, std::string name)
    : ctx_(ctx), proto_(proto), name_(std::move(name)) {}

const std::string& OnnxNode::op_type() const { return proto_.op_type(); }
std::string OnnxNode::prefix() const { return "node '" + name_ + "' (" + proto_.op_type() + "): "; }
int OnnxNode::opset() const { return ctx_.opset; }

size_t OnnxNode::input_count() const { return size_t(proto_.input_size()); }
bool OnnxNode::has_input(size_t i) const { return i < input_count() && !proto_.input(int(i)).empty(); }

PortRef OnnxNode::input(size_t i) const {
    if (!has_input(i)) invalid("input " + std::to_string(i) + " is missing");
    return ctx_.port_of(proto_.input(int(i)), prefix());
}

const TensorDesc& OnnxNode::input_desc(size_t i) const { return ctx_.desc(input(i)); }
const TensorDesc& OnnxNode::ctx_desc(PortRef p) const { return ctx_.desc(p); }

const ConstTensor* OnnxNode::const_input(size_t i) const {
    if (!has_input(i)) return nullptr;
    auto it = ctx_.values.find(proto_.input(int(i)));
    return it != ctx_.values.end() && it->second.konst ? &*it->second.konst : nullptr;
}

const ConstTensor& OnnxNode::require_const(size_t i, const char* what) const {
    if (!has_input(i)) invalid(std::string("input ") + std::to_string(i) + " (" + what + ") is missing");
    const ConstTensor* c = const_input(i);
    if (!c)
        unsupported(std::string("input ") + std::to_string(i) + " (" + what + ", '" + proto_.input(int(i)) +
                    "') must be a constant (an initializer or a Constant node)");
    return *c;
}

const PendingQuantize* OnnxNode::pending_q_input(size_t i) const {
    if (!has_input(i)) return nullptr;
    auto it = ctx_.values.find(proto_.input(int(i)));
    return it != ctx_.values.end() && it->second.pending_q && !it->second.port ? &*it->second.pending_q : nullptr;
}

const GeluPartial* OnnxNode::gelu_input(size_t i) const {
    if (!has_input(i)) return nullptr;
    auto it = ctx_.values.find(proto_.input(int(i)));
    return it != ctx_.values.end() && it->second.gelu ? &*it->second.gelu : nullptr;
}

void OnnxNode::set_output_gelu(size_t i, GeluPartial g) const {
    if (i >= output_count()) invalid("has no output " + std::to_string(i));
    ctx_.values[proto_.output(int(i))].gelu = g;
}

size_t OnnxNode::output_count() const { return size_t(proto_.output_size()); }

bool OnnxNode::output_used(size_t i) const {
    if (i >= output_count() || proto_.output(int(i)).empty()) return false;
    const std::string& v = proto_.output(int(i));
    return ctx_.readers.count(v) || ctx_.graph_outputs.count(v);
}

void OnnxNode::set_output(size_t i, PortRef p) const {
    if (i >= output_count()) invalid("has no output " + std::to_string(i));
    ctx_.values[proto_.output(int(i))].port = p;
}
void OnnxNode::set_output_const(size_t i, ConstTensor c) const {
    if (i >= output_count()) invalid("has no output " + std::to_string(i));
    ctx_.values[proto_.output(int(i))].konst = std::move(c);
}
void OnnxNode::set_output_pending(size_t i, PendingQuantize q) const {
    if (i >= output_count()) invalid("has no output " + std::to_string(i));
    ctx_.values[proto_.output(int(i))].pending_q = std::move(q);
}

void OnnxNode::expect_attrs(std::initializer_list<const char*> known) const {
    for (const AP& a : proto_.attribute()) {
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return a.name() == k; }))
            unsupported("attribute '" + a.name() + "' is not supported");
    }
}

const AP* OnnxNode::attr(const char* name, int expected) const {
    const AP* found = nullptr;
    for (const AP& a : proto_.attribute())
        if (a.name() == name) {
            if (found) throw FormatError(prefix() + "attribute '" + name + "' is given twice");
            found = &a;
        }
    if (found && found->type() != expected) {
        const std::string have = AP::AttributeType_IsValid(found->type())
                                     ? AP::AttributeType_Name(AP::AttributeType(found->type()))
                                     : std::to_string(found->type());
        throw FormatError(prefix() + "attribute '" + name + "' has type " + have + ", expected " +
                          AP::AttributeType_Name(AP::AttributeType(expected)));
    }
    return found;
}

bool OnnxNode::has_attr(const char* name) const {
    for (const AP& a : proto_.attribute())
        if (a.name() == name) return true;
    return false;
}

int64_t OnnxNode::attr_int(const char* name, int64_t def) const {
    const AP* a = attr(name, AP::INT);
    return a ? a->i() : def;
}
float OnnxNode::attr_float(const char* name, float def) const {
    const AP* a = attr(name, AP::FLOAT);
    return a ? a->f() : def;
}
std::string OnnxNode::attr_string(const char* name, const std::string& def) const {
    const AP* a = attr(name, AP::STRING);
    return a ? a->s() : def;
}
std::vector<int64_t> OnnxNode::attr_ints(const char* name, const std::vector<int64_t>& def) const {
    const AP* a = attr(name, AP::INTS);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : def;
}
std::vector<float> OnnxNode::attr_floats(const char* name) const {
    const AP* a = attr(name, AP::FLOATS);
    return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : std::vector<float>{};
}

void OnnxNode::unsupported(const std::string& what) const { throw UnsupportedError(prefix() + what); }
void OnnxNode::invalid(const std::string& what) const { throw ValidationError(prefix() + what); }

PortRef OnnxNode::add(const std::string& op, const std::string& suffix, std::vector<PortRef> inputs,
                      Attributes attrs) const {
    Node n;
    n.op = op;
    n.name = ctx_.unique_name(name_ + suffix);
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    return ctx_.add_node(std::move(n));
}

PortRef OnnxNode::constant(const std::string& suffix, Tensor t) const {
    Node n;
    n.op = "Constant";
    n.name = ctx_.unique_name(name_ + suffix);
    n.value = std::move(t);
    return ctx_.add_node(std::move(n));
}

PortRef OnnxNode::f32_constant(const std::string& suffix, Shape dims, std::vector<float> v) const {
    Tensor t(ElemType::f32, std::move(dims));
    std::copy(v.begin(), v.end(), t.data<float>());
    return constant(suffix, t);
}

int64_t normalize_axis(const OnnxNode& n, int64_t axis, int64_t rank, const char* what) {
    if (axis < -rank || axis >= rank)
        n.invalid(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    return axis < 0 ? axis + rank : axis;
}

}  // namespace octet::ir::onnx_import
