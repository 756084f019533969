// benchmark_app-style counter reports: CSV layout and the JSON beside it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/counters_report.hpp"
#include "octet/octet.hpp"
#include "test_graphs.hpp"

using namespace octet;

namespace {

PerfCounter row(const std::string& name, const std::string& status, const std::string& type,
                const std::string& exec, double real, double cpu) {
    PerfCounter pc;
    pc.layer_name = name;
    pc.exec_status = status;
    pc.layer_type = type;
    pc.exec_type = exec;
    pc.real_time_ms = real;
    pc.cpu_time_ms = cpu;
    return pc;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream f(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(f, l);) lines.push_back(l);
    return lines;
}

}  // namespace

TEST_CASE("average and detailed counter reports in benchmark_app's CSV and as JSON", "[engine][counters]") {
    const std::vector<std::vector<PerfCounter>> per_request = {
        {row("conv1", "EXECUTED", "Convolution", "ref_I8", 1.0, 0.5), row("fq", "NOT_RUN", "FakeQuantize", "undef", 0, 0)},
        {row("conv1", "EXECUTED", "Convolution", "ref_I8", 3.0, 1.5), row("fq", "NOT_RUN", "FakeQuantize", "undef", 0, 0)},
    };
    const auto dir = std::filesystem::temp_directory_path() / "octet_counters_report_test";
    std::filesystem::remove_all(dir);

    const std::string avg = engine::write_counter_report(dir.string(), engine::CounterReport::average, per_request);
    CHECK(std::filesystem::path(avg).filename() == "benchmark_average_counters_report.csv");
    const std::vector<std::string> a = lines_of(avg);
    REQUIRE(a.size() == 5);
    CHECK(a[0] == "layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms)");
    CHECK(a[1] == "conv1;EXECUTED;Convolution;ref_I8;2.000000;1.000000");
    CHECK(a[2] == "fq;NOT_RUN;FakeQuantize;undef;0.000000;0.000000");
    CHECK(a[3] == "Total;;;;2.000000;1.000000");
    CHECK(a[4].empty());

    std::ifstream aj((dir / "benchmark_average_counters_report.json").string());
    const nlohmann::json j = nlohmann::json::parse(aj);
    CHECK(j["report_type"] == "average_counters");
    REQUIRE(j["tables"].size() == 1);
    CHECK(j["tables"][0]["layers"][0]["layerName"] == "conv1");
    CHECK(j["tables"][0]["layers"][0]["realTime_ms"] == 2.0);
    CHECK(j["tables"][0]["layers"][1]["execStatus"] == "NOT_RUN");
    CHECK(j["tables"][0]["total"]["cpuTime_ms"] == 1.0);

    const std::string det = engine::write_counter_report(dir.string(), engine::CounterReport::detailed, per_request);
    const std::vector<std::string> d = lines_of(det);
    REQUIRE(d.size() == 10);  // one table per request
    CHECK(d[1] == "conv1;EXECUTED;Convolution;ref_I8;1.000000;0.500000");
    CHECK(d[6] == "conv1;EXECUTED;Convolution;ref_I8;3.000000;1.500000");
    CHECK(d[8] == "Total;;;;3.000000;1.500000");
    std::ifstream dj((dir / "benchmark_detailed_counters_report.json").string());
    const nlohmann::json jd = nlohmann::json::parse(dj);
    CHECK(jd["tables"].size() == 2);
    CHECK(jd["tables"][1]["request"] == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("counter report inputs are checked", "[engine][counters]") {
    engine::CounterReport t{};
    CHECK(engine::parse_counter_report("detailed_counters", t));
    CHECK(t == engine::CounterReport::detailed);
    CHECK_FALSE(engine::parse_counter_report("no_counters", t));
    CHECK_THROWS_AS(engine::average_counters({{row("a", "EXECUTED", "Relu", "ref_FP32", 1, 1)}, {}}), ArgumentError);
    CHECK_THROWS_AS(engine::average_counters({{row("a", "EXECUTED", "Relu", "ref_FP32", 1, 1)},
                                              {row("b", "EXECUTED", "Relu", "ref_FP32", 1, 1)}}),
                    ArgumentError);
}

TEST_CASE("a compiled model's counters go into the report row for row", "[engine][counters]") {
    const CompiledModel compiled = compile(Model::from_graph(test::conv_graph_with_fq()));
    InferRequest request = compiled.create_request();
    request.set_input(0, test::random_tensor(ir::ElemType::f32, {1, 2, 6, 6}, 5));
    request.infer();
    const std::vector<PerfCounter> pcs = request.perf_counters();
    std::ostringstream csv;
    engine::write_counters_csv(csv, {pcs});
    std::istringstream in(csv.str());
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    REQUIRE(lines.size() == pcs.size() + 3);
    double total = 0;
    for (size_t i = 0; i < pcs.size(); ++i) {
        CHECK(lines[i + 1].rfind(pcs[i].layer_name + ";" + pcs[i].exec_status + ";" + pcs[i].layer_type + ";" +
                                     pcs[i].exec_type + ";",
                                 0) == 0);
        total += pcs[i].real_time_ms;
    }
    CHECK(lines[pcs.size() + 1].rfind("Total;;;;", 0) == 0);
    CHECK(std::stod(lines[pcs.size() + 1].substr(9)) == Approx(total).margin(1e-6));
}
