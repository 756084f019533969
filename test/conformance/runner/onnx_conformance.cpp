// ONNX backend node tests as octet's conformance suite. For every
// test_*/model.onnx whose ops are all in octet's supported ONNX op set, each
// test_data_set_* is run: inputs that ONNX passes at parameter positions
// (weights, shapes, axes, scales, zero points) are made initializers, as a
// deployed model has them; the model is imported, compiled and run by the
// engine; outputs are compared exactly for integer types and with ONNX's
// backend tolerance (rtol 1e-3, atol 1e-7) for float. Exit status 1 if any
// selected test fails.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ir/import/onnx/const_tensor.hpp"
#include "ir/import/onnx/proto_reader.hpp"
#include "ir/import/onnx_import.hpp"
#include "octet/octet.hpp"

namespace fs = std::filesystem;
using namespace octet;

namespace {

const std::set<std::string> kSupportedOps = {
    "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
    "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Relu", "Clip", "Add", "Mul", "Sub", "Concat",
    "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Softmax", "Gemm", "MatMul", "Resize",
    "Identity", "Dropout", "Constant", "LayerNormalization"};
// Ops whose inputs after the first are activations in real models too.
const std::set<std::string> kActivationOps = {"Add", "Sub", "Mul", "MatMul", "Concat", "Gemm"};

onnx::TensorProto read_tensor_file(const fs::path& p) {
    const std::string bytes = ir::onnx_import::read_model_file(p.string());
    onnx::TensorProto t;
    if (!t.ParseFromString(bytes)) throw FormatError("cannot parse tensor file " + p.string());
    return t;
}

ir::onnx_import::ConstTensor to_const(const onnx::TensorProto& t, const std::string& what) {
    ir::onnx_import::ByteBudget budget{uint64_t(1) << 32};
    return ir::onnx_import::read_tensor(t, "", budget, what);
}

// "" when equal within tolerance, else why not.
std::string compare(const ir::Tensor& got, const ir::onnx_import::ConstTensor& want, const std::string& name) {
    if (got.shape() != want.dims)
        return "output '" + name + "' has shape " + ir::to_string(got.shape()) + ", expected " + ir::to_string(want.dims);
    const ir::ElemType wt = want.ir_type("expected output '" + name + "'");
    if (got.type() != wt)
        return "output '" + name + "' is " + ir::to_string(got.type()) + ", expected " + ir::to_string(wt);
    const ir::Tensor w = want.to_tensor(name);
    for (int64_t i = 0; i < got.numel(); ++i) {
        if (wt == ir::ElemType::f32) {
            const float a = got.data<float>()[i], e = w.data<float>()[i];
            if (std::isnan(a) && std::isnan(e)) continue;
            if (!(std::fabs(a - e) <= 1e-7 + 1e-3 * std::fabs(e))) {
                std::ostringstream s;
                s << "output '" << name << "' element " << i << " is " << a << ", expected " << e;
                return s.str();
            }
        } else {
            int64_t a = 0, e = 0;
            switch (wt) {
            case ir::ElemType::u8: a = got.data<uint8_t>()[i]; e = w.data<uint8_t>()[i]; break;
            case ir::ElemType::s8: a = got.data<int8_t>()[i]; e = w.data<int8_t>()[i]; break;
            default: a = got.data<int32_t>()[i]; e = w.data<int32_t>()[i]; break;
            }
            if (a != e)
                return "output '" + name + "' element " + std::to_string(i) + " is " + std::to_string(a) + ", expected " +
                       std::to_string(e);
        }
    }
    return "";
}

std::vector<fs::path> sorted(const fs::path& dir, const std::string& prefix) {
    std::vector<fs::path> r;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind(prefix, 0) == 0) r.push_back(e.path());
    std::sort(r.begin(), r.end(), [](const fs::path& a, const fs::path& b) {
        // input_10 after input_9
        const std::string x = a.filename().string(), y = b.filename().string();
        return x.size() != y.size() ? x.size() < y.size() : x < y;
    });
    return r;
}

enum class Outcome { passed, failed, unsupported };

// Runs one data set; `why` says what went wrong.
Outcome run_data_set(const onnx::ModelProto& base, const fs::path& set, std::string& why) {
    onnx::ModelProto m = base;
    onnx::GraphProto* g = m.mutable_graph();
    std::set<std::string> initializers;
    for (const auto& t : g->initializer()) initializers.insert(t.name());
    std::set<std::string> promote;
    for (const auto& n : g->node())
        for (int i = 1; i < n.input_size(); ++i)
            if (!kActivationOps.count(n.op_type())) promote.insert(n.input(i));

    const std::vector<fs::path> inputs = sorted(set, "input_");
    std::vector<std::pair<std::string, onnx::TensorProto>> feeds;
    size_t k = 0;
    for (const auto& in : g->input()) {
        if (initializers.count(in.name())) continue;
        if (k >= inputs.size()) {
            why = "data set has fewer inputs than the model";
            return Outcome::failed;
        }
        onnx::TensorProto t = read_tensor_file(inputs[k++]);
        t.set_name(in.name());
        if (promote.count(in.name()))
            *g->add_initializer() = t;
        else
            feeds.emplace_back(in.name(), t);
    }
    std::string bytes;
    m.SerializeToString(&bytes);
    ir::Graph graph;
    try {
        graph = ir::import_onnx_bytes(bytes.data(), bytes.size());
    } catch (const UnsupportedError& e) {
        why = e.what();
        return Outcome::unsupported;
    } catch (const Error& e) {
        why = std::string("import: ") + e.what();
        return Outcome::failed;
    }
    try {
        CompileOptions options;
        options.threads = 1;
        CompiledModel compiled = compile(Model::from_graph(std::move(graph)), options);
        InferRequest request = compiled.create_request();
        for (const auto& f : feeds) request.set_input(f.first, to_const(f.second, "input '" + f.first + "'").to_tensor(f.first));
        request.infer();
        const std::vector<fs::path> outputs = sorted(set, "output_");
        if (outputs.size() != size_t(g->output_size())) {
            why = "data set has " + std::to_string(outputs.size()) + " outputs, the model " + std::to_string(g->output_size());
            return Outcome::failed;
        }
        for (int i = 0; i < g->output_size(); ++i) {
            const std::string& name = g->output(i).name();
            why = compare(request.output(name), to_const(read_tensor_file(outputs[size_t(i)]), name), name);
            if (!why.empty()) return Outcome::failed;
        }
    } catch (const UnsupportedError& e) {
        why = std::string("run: ") + e.what();
        return Outcome::unsupported;
    } catch (const std::exception& e) {
        why = std::string("run: ") + e.what();
        return Outcome::failed;
    }
    return Outcome::passed;
}

}  // namespace

int main(int argc, char** argv) {
    const fs::path root = argc > 1 ? argv[1] : "/usr/share/libonnx-testdata/data/node";
    const std::string only = argc > 2 ? argv[2] : "";
    if (!fs::is_directory(root)) {
        std::fprintf(stderr, "onnx_conformance: no test folder %s\n", root.c_str());
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    int selected = 0, passed = 0, failed = 0, unsupported = 0;
    std::vector<std::string> failures, unsupported_list, passed_list;
    for (const fs::path& dir : sorted(root, "test_")) {
        const std::string name = dir.filename().string();
        if (!only.empty() && name.find(only) == std::string::npos) continue;
        const fs::path model_path = dir / "model.onnx";
        if (!fs::exists(model_path)) continue;
        onnx::ModelProto model;
        try {
            const std::string bytes = ir::onnx_import::read_model_file(model_path.string());
            ir::onnx_import::parse_model(bytes.data(), bytes.size(), model, model_path.string());
        } catch (const Error&) {
            continue;  // not selectable: unreadable here
        }
        bool all_supported = model.graph().node_size() > 0;
        for (const auto& n : model.graph().node()) all_supported = all_supported && kSupportedOps.count(n.op_type());
        if (!all_supported) continue;
        ++selected;
        Outcome outcome = Outcome::passed;
        std::string why;
        for (const fs::path& set : sorted(dir, "test_data_set_")) {
            try {
                outcome = run_data_set(model, set, why);
            } catch (const std::exception& e) {
                outcome = Outcome::failed;
                why = e.what();
            }
            if (outcome != Outcome::passed) break;
        }
        switch (outcome) {
        case Outcome::passed: ++passed; passed_list.push_back(name); break;
        case Outcome::failed: ++failed; failures.push_back(name + ": " + why); break;
        case Outcome::unsupported: ++unsupported; unsupported_list.push_back(name + ": " + why); break;
        }
    }
    for (const std::string& p : passed_list) std::printf("PASSED      %s\n", p.c_str());
    for (const std::string& u : unsupported_list) std::printf("UNSUPPORTED %s\n", u.c_str());
    for (const std::string& f : failures) std::printf("FAILED      %s\n", f.c_str());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("onnx_conformance: %d selected, %d passed, %d failed, %d unsupported (%.1f s)\n", selected, passed, failed,
                unsupported, secs);
    return failed == 0 && selected > 0 ? 0 : 1;
}
