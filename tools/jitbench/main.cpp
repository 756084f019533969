// jitbench: load, compile and time a model, then print the per-layer counters.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <new>

#include "args.hpp"
#include "engine/compare.hpp"
#include "engine/strip_fake_quantize.hpp"
#include "ir/error.hpp"
#include "model_run.hpp"
#include "octet/octet.hpp"
#include "report.hpp"
#include "tensor_io.hpp"

using namespace octet;
using namespace octet::tools;

namespace {

constexpr uint32_t kInputSeed = 1;

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void print_ports(const char* what, const std::vector<PortInfo>& ports) {
    for (const PortInfo& p : ports)
        std::cout << "[ INFO ] " << what << " '" << p.name << "': " << ir::to_string(p.desc.type) << " "
                  << ir::to_string(p.desc.shape) << "\n";
}

void compare_with_fp32(const Model& model, const TensorSets& inputs, const TensorSets& outputs) {
    size_t fq = 0;
    for (const ir::Node& n : model.graph().nodes()) fq += n.op == "FakeQuantize";
    std::cout << "[ INFO ] -compare_fp32: bypassing " << fq << " FakeQuantize node(s)\n";
    const Model fp32 = Model::from_graph(engine::strip_fake_quantize(model.graph()));
    const CompiledModel compiled = compile(fp32);
    const TensorSets reference = infer_all(compiled, inputs);
    std::vector<AgreementRow> rows;
    for (size_t k = 0; k < reference.size(); ++k)
        for (size_t o = 0; o < reference[k].size(); ++o)
            rows.push_back({k, compiled.outputs()[o].name, engine::compare_outputs(outputs[k][o], reference[k][o])});
    print_agreement(std::cout, rows);
}

int run(const Args& args) {
    const char* cap = std::getenv("OCTET_MAX_ISA");
    std::cout << "[ INFO ] jitbench (octet) v0\n";

    auto t0 = std::chrono::steady_clock::now();
    const Model model = Model::load(args.model);
    std::cout << "[ INFO ] Read model " << args.model << " took " << ms_since(t0) << " ms\n";

    CompileOptions options;
    options.threads = args.nthreads;
    t0 = std::chrono::steady_clock::now();
    const CompiledModel compiled = compile(model, options);
    std::cout << "[ INFO ] Compile model took " << ms_since(t0) << " ms\n"
              << "[ INFO ] ISA: " << compiled.isa() << " (OCTET_MAX_ISA " << (cap && *cap ? cap : "not set") << ")\n"
              << "[ INFO ] Threads: " << args.nthreads << (args.nthreads == 0 ? " (all cores)" : "")
              << "; the reference path of this version runs single-threaded\n";
    print_ports("Input", compiled.inputs());
    print_ports("Output", compiled.outputs());

    const TensorSets inputs = args.inputs.empty() ? random_inputs(compiled.inputs(), kInputSeed)
                                                  : read_inputs(args.inputs, compiled.inputs());
    if (!args.outputs.empty()) parse_io_spec(args.outputs, compiled.outputs(), "-o", false);  // check before the run
    if (args.niter && size_t(*args.niter) < inputs.size())
        throw UsageError("-niter " + std::to_string(*args.niter) + " is less than the " +
                         std::to_string(inputs.size()) + " inferences in -i: each must run at least once");
    std::cout << "[ INFO ] Inputs: " << (args.inputs.empty() ? "random N(0,1), seed 1" : args.inputs) << ", "
              << inputs.size() << " set(s)\n";
    if (args.niter) std::cout << "[ INFO ] Running " << *args.niter << " iterations\n";
    else std::cout << "[ INFO ] Running for " << args.time_s << " s\n";

    const RunStats stats = run_model(compiled, inputs, args.niter, args.time_s);
    const ir::Shape& first = compiled.inputs().at(0).desc.shape;
    print_latency(std::cout, stats, first.empty() ? 1 : first[0]);
    if (!args.outputs.empty()) {
        write_outputs(args.outputs, compiled.outputs(), stats.outputs);
        std::cout << "[ INFO ] Wrote the outputs of " << stats.outputs.size() << " inference(s) to " << args.outputs
                  << "\n";
    }
    if (args.compare_fp32) compare_with_fp32(model, inputs, stats.outputs);
    if (args.perf_counts) print_counters(std::cout, stats.counters);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse_args(std::vector<std::string>(argv + 1, argv + argc));
        if (args.help) {
            std::cout << help_text();
            return 0;
        }
        return run(args);
    } catch (const UsageError& e) {
        std::cerr << "jitbench: " << e.what() << "\n";
        return 2;
    } catch (const octet::Error& e) {
        std::cerr << "jitbench: error: " << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << "jitbench: error: out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "jitbench: error: " << e.what() << "\n";
        return 1;
    }
}
