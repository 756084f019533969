#pragma once
// benchmark_app's counter reports: -report_type average_counters writes one
// table averaged over every request and iteration, detailed_counters one table
// per request; each as ';'-separated CSV (benchmark_<type>_report.csv) with a
// Total row after every table, and the same data as JSON beside it.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "octet/perf_counter.hpp"

namespace octet::engine {

enum class CounterReport { average, detailed };

// "average_counters" / "detailed_counters"; false for any other name.
bool parse_counter_report(const std::string& name, CounterReport& out);
const char* counter_report_name(CounterReport type);

// Row-wise mean of tables of the same model (ArgumentError when they differ
// in length or layer names). Empty input gives an empty table.
std::vector<PerfCounter> average_counters(const std::vector<std::vector<PerfCounter>>& tables);

// One CSV block per table: header, a row per layer, a Total row, a blank line.
void write_counters_csv(std::ostream& os, const std::vector<std::vector<PerfCounter>>& tables);
// {"report_type": ..., "tables": [{"request": i, "layers": [...], "total": {...}}]}
nlohmann::json counters_json(CounterReport type, const std::vector<std::vector<PerfCounter>>& tables);

// Writes <folder>/benchmark_<type>_report.csv and .json (the folder is created
// if missing); for `average` the tables are averaged first. Returns the CSV
// path; octet::Error when a file cannot be written.
std::string write_counter_report(const std::string& folder, CounterReport type,
                                 const std::vector<std::vector<PerfCounter>>& per_request);

}  // namespace octet::engine
