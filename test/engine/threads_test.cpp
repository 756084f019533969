#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <string>
#include <stdexcept>
#include <vector>

#include "engine/threads.hpp"

using octet::engine::ThreadPool;

TEST_CASE("thread pool: every unit runs exactly once, for any split", "[engine][threads]") {
    for (int threads : {1, 2, 3, 8}) {
        ThreadPool pool(threads);
        REQUIRE(pool.size() == threads);
        for (int64_t n : {int64_t(1), int64_t(2), int64_t(7), int64_t(1000)}) {
            std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
            for (auto& h : hits) h = 0;
            for (int rep = 0; rep < 3; ++rep)
                pool.parallel_for(n, [&](int64_t b, int64_t e) {
                    for (int64_t i = b; i < e; ++i) hits[size_t(i)]++;
                });
            for (auto& h : hits) REQUIRE(h == 3);
        }
    }
}

TEST_CASE("thread pool: an exception in a worker reaches the caller", "[engine][threads]") {
    ThreadPool pool(4);
    REQUIRE_THROWS_AS(pool.parallel_for(4, [](int64_t b, int64_t) {
        if (b == 3) throw std::runtime_error("unit 3");
    }), std::runtime_error);
    int64_t total = 0;
    pool.parallel_for(1, [&](int64_t b, int64_t e) { total += e - b; });
    REQUIRE(total == 1);
}

// Back-to-back jobs hand over through the spin window, through the condition
// variables (spin 0) and at the boundary between the two (1 µs): a lost wake-up
// would hang here (CTest's timeout fails it), a lost job would miscount.
TEST_CASE("thread pool: back-to-back jobs with spinning, sleeping and mixed hand-overs", "[engine][threads]") {
    for (const char* spin_us : {"50", "0", "1"}) {
        ::setenv("OCTET_SPIN_US", spin_us, 1);
        ThreadPool pool(3);
        ::unsetenv("OCTET_SPIN_US");
        std::atomic<int64_t> total{0};
        for (int rep = 0; rep < 3000; ++rep)
            pool.parallel_for(3 + rep % 5, [&](int64_t b, int64_t e) { total += e - b; });
        int64_t want = 0;
        for (int rep = 0; rep < 3000; ++rep) want += 3 + rep % 5;
        INFO("OCTET_SPIN_US=" << spin_us);
        REQUIRE(total == want);
    }
}

TEST_CASE("split_range: balanced contiguous cover", "[engine][threads]") {
    int64_t prev = 0;
    for (int i = 0; i < 3; ++i) {
        int64_t b, e;
        octet::engine::split_range(10, 3, i, b, e);
        REQUIRE(b == prev);
        REQUIRE(e - b >= 3);
        prev = e;
    }
    REQUIRE(prev == 10);
}
