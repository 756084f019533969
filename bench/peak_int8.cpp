// peak_int8: the int8 multiply-accumulate peak of this core, per instruction chain,
// at 1 and 2 threads (see peak.hpp). Usage: peak_int8 [--threads 1,2]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common.hpp"
#include "peak.hpp"

int main(int argc, char** argv) {
    std::vector<int> threads = {1, 2};
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = octet::bench::parse_int_list(argv[++i]);
        else { std::fprintf(stderr, "usage: %s [--threads 1,2]\n", argv[0]); return 2; }
    }
    std::printf("# %s\n", octet::bench::machine_summary().c_str());
    octet::bench::Peak p = octet::bench::measure_all_peaks(threads);
    for (int t : threads)
        std::printf("best chain at %d thread(s): %s, %.1f GOPS (%.1f per core)\n", t, p.best_chain(t).c_str(),
                    p.best_gops(t), p.best_gops(t) / t);
    return 0;
}
