#pragma once
// jitbench's single-layer modes, benchdnn style:
//   jitbench --conv DESC | --matmul DESC | --ip DESC | --pool DESC | --batch FILE
//            [--dt X] [--dir X] [--alg X] [--attr-scales X] [--attr-post-ops X]
//            [--attr-zero-points X] [--post relu,sum] [--bia-dt X] [--bia_mask X]
//            [--driver conv|matmul|ip|pool] [--mb N] [--check] [-niter N] [-nthreads N] [-json]
//            [--dump-kernels DIR]
// benchdnn options are accepted as "--name=value" or "--name value".
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace octet::tools {

struct LayerArgs {
    std::string family;      // conv, matmul, ip, pool; for --batch from --driver or the file name
    std::string desc;        // the descriptor of --conv/--matmul/--ip/--pool
    std::string batch_file;  // --batch
    // benchdnn options given on the command line ("dt", "attr-post-ops", ...): the
    // settings in force before a batch file's own lines change them.
    std::map<std::string, std::string> options;
    std::optional<int64_t> mb;  // --mb N: overrides the descriptor's and the batch file's
    bool check = false;
    bool json = false;
    long niter = 10;  // timed iterations (plus one warm-up run when more than 1)
    int nthreads = 0;  // 0 = all cores
    std::string dump_kernels;  // --dump-kernels / -dump_kernels: each kernel's .bin and listing go here
    bool help = false;
};

// True when argv asks for a single-layer mode (--conv, --matmul, --ip, --pool, --batch).
bool is_layer_mode(const std::vector<std::string>& argv);

// Throws UsageError naming the flag and what is wrong.
LayerArgs parse_layer_args(const std::vector<std::string>& argv);

// The part of -h that describes these modes.
std::string layer_help_text();

}  // namespace octet::tools
