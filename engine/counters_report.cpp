// CSV and JSON counter reports in benchmark_app's layout.
#include "engine/counters_report.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ir/error.hpp"

namespace octet::engine {

namespace {

// benchmark_app prints times with std::to_string: six decimals.
std::string ms(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

nlohmann::json layer_json(const PerfCounter& pc) {
    return {{"layerName", pc.layer_name}, {"execStatus", pc.exec_status}, {"layerType", pc.layer_type},
            {"execType", pc.exec_type},   {"realTime_ms", pc.real_time_ms}, {"cpuTime_ms", pc.cpu_time_ms}};
}

}  // namespace

bool parse_counter_report(const std::string& name, CounterReport& out) {
    if (name == "average_counters") out = CounterReport::average;
    else if (name == "detailed_counters") out = CounterReport::detailed;
    else return false;
    return true;
}

const char* counter_report_name(CounterReport type) {
    return type == CounterReport::average ? "average_counters" : "detailed_counters";
}

std::vector<PerfCounter> average_counters(const std::vector<std::vector<PerfCounter>>& tables) {
    if (tables.empty()) return {};
    std::vector<PerfCounter> mean = tables[0];
    for (size_t t = 1; t < tables.size(); ++t) {
        if (tables[t].size() != mean.size())
            throw ArgumentError("average_counters: tables of " + std::to_string(mean.size()) + " and " +
                                std::to_string(tables[t].size()) + " layers");
        for (size_t i = 0; i < mean.size(); ++i) {
            if (tables[t][i].layer_name != mean[i].layer_name)
                throw ArgumentError("average_counters: layer " + std::to_string(i) + " is '" + mean[i].layer_name +
                                    "' in one table and '" + tables[t][i].layer_name + "' in another");
            mean[i].real_time_ms += tables[t][i].real_time_ms;
            mean[i].cpu_time_ms += tables[t][i].cpu_time_ms;
        }
    }
    for (PerfCounter& pc : mean) {
        pc.real_time_ms /= double(tables.size());
        pc.cpu_time_ms /= double(tables.size());
    }
    return mean;
}

void write_counters_csv(std::ostream& os, const std::vector<std::vector<PerfCounter>>& tables) {
    for (const auto& table : tables) {
        os << "layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms)\n";
        double real = 0, cpu = 0;
        for (const PerfCounter& pc : table) {
            os << pc.layer_name << ';' << pc.exec_status << ';' << pc.layer_type << ';' << pc.exec_type << ';'
               << ms(pc.real_time_ms) << ';' << ms(pc.cpu_time_ms) << '\n';
            real += pc.real_time_ms;
            cpu += pc.cpu_time_ms;
        }
        os << "Total;;;;" << ms(real) << ';' << ms(cpu) << "\n\n";
    }
}

nlohmann::json counters_json(CounterReport type, const std::vector<std::vector<PerfCounter>>& tables) {
    nlohmann::json out = {{"report_type", counter_report_name(type)}, {"tables", nlohmann::json::array()}};
    for (size_t t = 0; t < tables.size(); ++t) {
        nlohmann::json layers = nlohmann::json::array();
        double real = 0, cpu = 0;
        for (const PerfCounter& pc : tables[t]) {
            layers.push_back(layer_json(pc));
            real += pc.real_time_ms;
            cpu += pc.cpu_time_ms;
        }
        nlohmann::json table = {{"layers", layers}, {"total", {{"realTime_ms", real}, {"cpuTime_ms", cpu}}}};
        if (type == CounterReport::detailed) table["request"] = t;
        out["tables"].push_back(std::move(table));
    }
    return out;
}

std::string write_counter_report(const std::string& folder, CounterReport type,
                                 const std::vector<std::vector<PerfCounter>>& per_request) {
    const std::vector<std::vector<PerfCounter>> tables =
        type == CounterReport::average ? std::vector<std::vector<PerfCounter>>{average_counters(per_request)}
                                       : per_request;
    std::error_code ec;
    std::filesystem::create_directories(folder.empty() ? "." : folder, ec);
    if (ec) throw Error("cannot create the report folder '" + folder + "': " + ec.message());
    const std::string base =
        (std::filesystem::path(folder.empty() ? "." : folder) / ("benchmark_" + std::string(counter_report_name(type)) +
                                                                   "_report"))
            .string();
    std::ofstream csv(base + ".csv");
    write_counters_csv(csv, tables);
    std::ofstream json(base + ".json");
    json << counters_json(type, tables).dump(2) << "\n";
    csv.close();
    json.close();
    if (!csv || !json) throw Error("cannot write the counter report " + base + ".csv/.json");
    return base + ".csv";
}

}  // namespace octet::engine
