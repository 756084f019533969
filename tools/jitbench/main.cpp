// jitbench: load, compile and time a model, then print the per-layer counters.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <thread>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "engine/compare.hpp"
#include "engine/counters_report.hpp"
#include "engine/layer_sqnr.hpp"
#include "engine/parallel_profile.hpp"
#include "engine/strip_fake_quantize.hpp"
#include "ir/error.hpp"
#include "jit/dump.hpp"
#include "lpt/pass_manager.hpp"
#include "layer_args.hpp"
#include "layer_run.hpp"
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

void compare_with_fp32(const Model& model, const CompiledModel& int8, const TensorSets& inputs,
                       const TensorSets& outputs, nlohmann::json& summary) {
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
    for (const AgreementRow& r : rows)
        summary["compare_fp32"]["outputs"].push_back({{"inference", r.inference},
                                                      {"output", r.output},
                                                      {"cosine_similarity", r.agreement.cosine_similarity},
                                                      {"max_abs_diff", r.agreement.max_abs_diff},
                                                      {"top5_overlap", r.agreement.top5_overlap}});
    if (fq == 0) return;  // nothing quantized: every layer would match exactly
    // The int8 tensors the compiled model computes (its graph after the LPT);
    // a model the LPT left in f32 falls back to the FakeQuantize graph itself.
    const bool lowered = int8.graph().size() != model.graph().size() || [&] {
        for (const ir::Node& n : int8.graph().nodes())
            if (n.op == "Quantize") return true;
        return false;
    }();
    const std::vector<engine::LayerSqnr> layers =
        lowered ? engine::per_layer_sqnr_int8(int8.graph(), fp32.graph(), inputs.at(0))
                : engine::per_layer_sqnr(model.graph(), fp32.graph(), inputs.at(0));
    print_layer_sqnr(std::cout, layers, lowered);
    for (const engine::LayerSqnr& l : layers)  // JSON has no infinity: null for an exact layer
        summary["compare_fp32"]["layers"].push_back({{"name", l.name},
                                                     {"op", l.op},
                                                     {"computed_by", l.computed_by},
                                                     {"sqnr_db", std::isfinite(l.sqnr_db) ? nlohmann::json(l.sqnr_db) : nullptr}});
}

// benchmark_app splits -nthreads between the streams.
int threads_per_request(const Args& args) {
    if (!args.async || args.nstreams <= 1) return args.nthreads;
    const int total = args.nthreads > 0 ? args.nthreads : int(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, total / args.nstreams);
}

int run(const Args& args) {
    const char* cap = std::getenv("OCTET_MAX_ISA");
    std::cout << "[ INFO ] jitbench (octet)\n";
    nlohmann::json summary = {{"model", args.model}, {"api", args.async ? "async" : "sync"}};

    auto t0 = std::chrono::steady_clock::now();
    const Model model = Model::load(args.model);
    std::cout << "[ INFO ] Read model " << args.model << " took " << ms_since(t0) << " ms\n";

    if (!args.dump_kernels.empty()) {
        jit::set_dump_dir(args.dump_kernels, true);
        std::cout << "[ INFO ] Kernels generated while compiling go to " << args.dump_kernels
                  << (jit::objdump_available() ? " (with objdump listings)" : " (objdump not found: no listings)")
                  << "\n";
    }
    CompileOptions options;
    options.threads = threads_per_request(args);
    options.streams = args.async ? args.nstreams : 1;
    options.memory_limit_bytes = size_t(args.memory_limit_mb) << 20;
    options.cpu_time_counters = args.cpu_time;
    t0 = std::chrono::steady_clock::now();
    const CompiledModel compiled = compile(model, options);
    const double compile_ms = ms_since(t0);
    if (args.dump_graph) std::cout << "[ INFO ] Graph after the low-precision transformations:\n" << lpt::print_graph(compiled.graph());
    if (!args.dump_kernels.empty()) {
        jit::set_dump_dir("", false);
        std::error_code ec;
        size_t files = 0;
        for (auto it = std::filesystem::directory_iterator(args.dump_kernels, ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
            ++files;
        std::cout << "[ INFO ] " << files << " kernel file(s) in " << args.dump_kernels << "\n";
    }
    std::cout << "[ INFO ] Compile model took " << compile_ms << " ms\n"
              << "[ INFO ] ISA: " << compiled.isa() << " (OCTET_MAX_ISA " << (cap && *cap ? cap : "not set") << ")\n"
              << "[ INFO ] API: " << (args.async ? "async" : "sync") << ", " << options.streams
              << " stream(s), threads per request: " << options.threads
              << (options.threads == 0 ? " (all cores)" : "") << "\n"
              << "[ INFO ] Activation memory per request: " << compiled.peak_activation_bytes()
              << " bytes (largest single step " << compiled.largest_step_bytes() << ", all activations "
              << compiled.total_activation_bytes() << ")\n";
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

    RunConfig config;
    config.niter = args.niter;
    config.seconds = args.time_s;
    config.async = args.async;
    config.requests = options.streams;
    const RunStats stats = run_model(compiled, inputs, config);
    const ir::Shape& first = compiled.inputs().at(0).desc.shape;
    const int64_t batch = first.empty() ? 1 : first[0];
    print_latency(std::cout, stats, batch);
    if (!args.outputs.empty()) {
        write_outputs(args.outputs, compiled.outputs(), stats.outputs);
        std::cout << "[ INFO ] Wrote the outputs of " << stats.outputs.size() << " inference(s) to " << args.outputs
                  << "\n";
    }
    if (args.compare_fp32) compare_with_fp32(model, compiled, inputs, stats.outputs, summary);
    if (args.perf_counts) print_counters(std::cout, stats.counters, args.cpu_time);
    if (args.parallel_profile > 1) {
        const double dispatch_ms =
            args.dispatch_us >= 0 ? args.dispatch_us * 1e-3 : engine::measure_dispatch_ms(args.parallel_profile);
        InferRequest request = compiled.create_request();
        for (size_t i = 0; i < inputs.at(0).size(); ++i) request.set_input(i, inputs[0][i]);
        const engine::ParallelProfile profile = engine::profile_parallelism(request, args.pp_runs);
        engine::print_parallel_profile(std::cout, profile, args.parallel_profile, dispatch_ms, size_t(args.pp_top));
    }
    if (!args.report_type.empty()) {
        engine::CounterReport type{};
        engine::parse_counter_report(args.report_type, type);  // checked by parse_args
        const std::string csv = engine::write_counter_report(args.report_folder, type, stats.per_request);
        std::cout << "[ INFO ] Counters report: " << csv << " (and .json)\n";
    }
    if (!args.json_stats.empty()) {
        const LatencySummary lat = summarize(stats, batch);
        summary["isa"] = compiled.isa();
        summary["nstreams"] = options.streams;
        summary["threads_per_request"] = options.threads;
        summary["compile_ms"] = compile_ms;
        summary["iterations"] = lat.count;
        summary["duration_ms"] = stats.total_ms;
        summary["latency_ms"] = {{"median", lat.median}, {"average", lat.average}, {"min", lat.min}, {"max", lat.max}};
        summary["throughput_fps"] = lat.fps;
        summary["memory_bytes"] = {{"peak_activations", compiled.peak_activation_bytes()},
                                   {"largest_step", compiled.largest_step_bytes()},
                                   {"all_activations", compiled.total_activation_bytes()}};
        double real = 0;
        for (const PerfCounter& pc : stats.counters) real += pc.real_time_ms;
        summary["counters_total_ms"] = real;
        std::ofstream f(args.json_stats);
        f << summary.dump(2) << "\n";
        f.close();
        if (!f) throw Error("cannot write -json_stats file '" + args.json_stats + "'");
        std::cout << "[ INFO ] JSON summary: " << args.json_stats << "\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        const std::vector<std::string> argv_list(argv + 1, argv + argc);
        if (is_layer_mode(argv_list)) {  // --conv/--matmul/--ip/--pool/--batch: layer_args.hpp
            const LayerArgs layer = parse_layer_args(argv_list);
            if (layer.help) {
                std::cout << help_text() << layer_help_text();
                return 0;
            }
            return run_layer_mode(layer, std::cout, std::cerr);
        }
        args = parse_args(argv_list);
        if (args.help) {
            std::cout << help_text() << layer_help_text();
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
