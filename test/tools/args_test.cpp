// jitbench's flag parser.
#include <catch2/catch.hpp>

#include "args.hpp"

using namespace octet::tools;
using Catch::Matchers::Contains;

TEST_CASE("jitbench flags parse, with benchmark_app defaults", "[tools]") {
    Args d = parse_args({});
    CHECK(d.model == "zoo:resnet50-int8");
    CHECK_FALSE(d.niter.has_value());
    CHECK(d.time_s == 10.0);
    CHECK(d.perf_counts);
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
