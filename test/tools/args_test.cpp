// jitbench's flag parser.
#include <catch2/catch.hpp>

#include "args.hpp"

using namespace octet::tools;
using Catch::Matchers::Contains;

TEST_CASE("jitbench flags parse, with benchmark_app defaults", "[tools]") {
    Args d = parse_args({});
    CHECK(d.model == "zoo:resnet50-int8");
    CHECK_FALSE(d.niter.has_value());
    CHECK(d.time_s == 5.0);
    CHECK(d.nstreams == 1);
    CHECK_FALSE(d.async);
    CHECK(d.report_type.empty());
    CHECK(d.report_folder == ".");
    CHECK(d.perf_counts);
    CHECK_FALSE(d.cpu_time);  // the CPU-time column costs a system call per step: only on request
    CHECK_FALSE(d.compare_fp32);

    Args a = parse_args({"-m", "m.json", "-niter", "5", "-t", "0.5", "-nthreads", "4", "-i", "x:a.raw", "-o",
                         "y.npy", "-pc", "-compare_fp32"});
    CHECK(a.model == "m.json");
    CHECK(*a.niter == 5);
    CHECK(a.time_s == 0.5);
    CHECK(a.nthreads == 4);
    CHECK(a.inputs == "x:a.raw");
    CHECK(a.outputs == "y.npy");
    CHECK(a.compare_fp32);
    CHECK(a.cpu_time);
    CHECK(parse_args({"-h"}).help);
    CHECK(parse_args({"--help"}).help);
}

TEST_CASE("jitbench rejects bad flags and values", "[tools]") {
    CHECK_THROWS_WITH(parse_args({"-x"}), Contains("unknown flag '-x'"));
    CHECK_THROWS_WITH(parse_args({"-niter"}), Contains("-niter needs a value"));
    for (const char* v : {"0", "-3", "1.5", "abc", "", "99999999999999999999"})
        CHECK_THROWS_AS(parse_args({"-niter", v}), UsageError);
    for (const char* v : {"0", "-1", "nan", "inf", "1e99", "x"}) CHECK_THROWS_AS(parse_args({"-t", v}), UsageError);
    CHECK_THROWS_AS(parse_args({"-nthreads", "-1"}), UsageError);
    CHECK_THROWS_AS(parse_args({"-nthreads", "100000"}), UsageError);
    CHECK_THROWS_WITH(parse_args({"-m", ""}), Contains("-m needs a model"));
}

TEST_CASE("jitbench engine flags: streams, api, reports, dumps", "[tools]") {
    Args a = parse_args({"-api", "async", "-nstreams", "4", "-report_type", "detailed_counters", "-report_folder",
                         "out", "-dump_kernels", "k", "-json_stats", "s.json"});
    CHECK(a.async);
    CHECK(a.nstreams == 4);
    CHECK(a.report_type == "detailed_counters");
    CHECK(a.report_folder == "out");
    CHECK(a.dump_kernels == "k");
    CHECK(a.json_stats == "s.json");
    CHECK_FALSE(parse_args({"-api", "sync"}).async);
    CHECK_THROWS_WITH(parse_args({"-api", "both"}), Contains("-api expects sync or async"));
    CHECK_THROWS_WITH(parse_args({"-nstreams", "2"}), Contains("needs -api async"));
    CHECK_THROWS_AS(parse_args({"-api", "async", "-nstreams", "0"}), UsageError);
    CHECK_THROWS_WITH(parse_args({"-report_type", "all"}), Contains("average_counters or detailed_counters"));
    CHECK_THROWS_WITH(parse_args({"-report_folder", ""}), Contains("non-empty"));
    CHECK_THROWS_WITH(parse_args({"-dump_kernels"}), Contains("-dump_kernels needs a value"));
}

TEST_CASE("jitbench -parallel_profile flags", "[tools][threads]") {
    const Args d = parse_args({});
    CHECK(d.parallel_profile == 0);
    CHECK(d.dispatch_us < 0);  // measured at start
    const Args a = parse_args({"-parallel_profile", "4", "-pp_runs", "3", "-pp_top", "0", "-dispatch_us", "1.5"});
    CHECK(a.parallel_profile == 4);
    CHECK(a.pp_runs == 3);
    CHECK(a.pp_top == 0);
    CHECK(a.dispatch_us == 1.5);
    CHECK_THROWS_AS(parse_args({"-parallel_profile", "1"}), UsageError);  // against 1 thread: at least 2
    CHECK_THROWS_AS(parse_args({"-pp_runs", "0"}), UsageError);
    for (const char* v : {"-1", "x", "nan", ""}) CHECK_THROWS_AS(parse_args({"-dispatch_us", v}), UsageError);
}
