#include "layer_args.hpp"

#include <cerrno>
#include <cstdlib>

#include "args.hpp"

namespace octet::tools {
namespace {

constexpr long kMaxIterations = 1000000000L;
constexpr int kMaxThreads = 4096;
constexpr long kMaxMb = 1L << 20;

const char* const kModes[] = {"--conv", "--matmul", "--ip", "--pool"};
// benchdnn options passed through to the problem builder, as in a batch file.
const char* const kBenchdnnOptions[] = {"--dt", "--dir", "--alg", "--attr-scales", "--attr-post-ops",
                                        "--attr-zero-points", "--bia-dt", "--bia_mask"};

// "--name=value" -> ("--name", "value", true); anything else -> (word, "", false).
void split_eq(const std::string& word, std::string& flag, std::string& value, bool& has_value) {
    const size_t eq = word.find('=');
    has_value = word.rfind("--", 0) == 0 && eq != std::string::npos;
    flag = has_value ? word.substr(0, eq) : word;
    value = has_value ? word.substr(eq + 1) : "";
}

}  // namespace

bool is_layer_mode(const std::vector<std::string>& argv) {
    for (const std::string& a : argv) {
        std::string flag, value;
        bool has_value = false;
        split_eq(a, flag, value, has_value);
        if (flag == "--batch") return true;
        for (const char* m : kModes)
            if (flag == m) return true;
    }
    return false;
}

LayerArgs parse_layer_args(const std::vector<std::string>& argv) {
    LayerArgs a;
    std::string post;
    for (size_t i = 0; i < argv.size(); ++i) {
        std::string flag, inline_value;
        bool has_value = false;
        split_eq(argv[i], flag, inline_value, has_value);
        auto value = [&]() -> std::string {
            if (has_value) return inline_value;
            if (i + 1 >= argv.size()) throw UsageError(flag + " needs a value (see -h)");
            return argv[++i];
        };
        auto no_value = [&]() {
            if (has_value) throw UsageError(flag + " takes no value");
        };
        bool known = false;
        for (const char* m : kModes) {
            if (flag != m) continue;
            if (!a.family.empty() || !a.batch_file.empty())
                throw UsageError(flag + ": give one of --conv, --matmul, --ip, --pool, --batch");
            a.family = flag.substr(2);
            a.desc = value();
            known = true;
        }
        for (const char* o : kBenchdnnOptions) {
            if (flag != o) continue;
            a.options[flag.substr(2)] = value();
            known = true;
        }
        if (known) continue;
        if (flag == "-h" || flag == "-help" || flag == "--help") a.help = true;
        else if (flag == "--batch") {
            if (!a.batch_file.empty() || !a.desc.empty())
                throw UsageError("--batch: give one of --conv, --matmul, --ip, --pool, --batch");
            a.batch_file = value();
        } else if (flag == "--driver") a.options["driver"] = value();
        else if (flag == "--post") post = value();
        else if (flag == "--mb") a.mb = parse_int(flag, value(), 1, kMaxMb);
        else if (flag == "--check") { no_value(); a.check = true; }
        else if (flag == "-json" || flag == "--json") { no_value(); a.json = true; }
        else if (flag == "--dump-kernels" || flag == "-dump_kernels") {
            a.dump_kernels = value();
            if (a.dump_kernels.empty()) throw UsageError(flag + " needs a directory");
        }
        else if (flag == "-niter" || flag == "--niter") a.niter = parse_int(flag, value(), 1, kMaxIterations);
        else if (flag == "-nthreads" || flag == "--nthreads")
            a.nthreads = int(parse_int(flag, value(), 0, kMaxThreads));
        else throw UsageError("unknown flag '" + argv[i] + "' in single-layer mode (see -h)");
    }
    if (a.help) return a;
    if (a.desc.empty() && a.batch_file.empty())
        throw UsageError("single-layer mode needs --conv, --matmul, --ip, --pool or --batch");
    if (a.options.count("driver")) {
        if (a.batch_file.empty()) throw UsageError("--driver goes with --batch");
        a.family = a.options["driver"];
        a.options.erase("driver");
        if (a.family != "conv" && a.family != "matmul" && a.family != "ip" && a.family != "pool")
            throw UsageError("--driver expects conv, matmul, ip or pool, got '" + a.family + "'");
    }
    if (!post.empty()) {
        if (a.options.count("attr-post-ops")) throw UsageError("--post and --attr-post-ops: give one of them");
        // --post lists post-ops with ',' where benchdnn joins them with '+'.
        for (char& c : post)
            if (c == ',') c = '+';
        a.options["attr-post-ops"] = post;
    }
    return a;
}

std::string layer_help_text() {
    return R"(
single-layer modes (benchdnn style):
  jitbench --conv DESC | --matmul DESC | --ip DESC | --pool DESC | --batch FILE [options]
  --conv DESC      a benchdnn conv descriptor: "mb1ic64ih56oc64oh56kh3ph1"
  --matmul DESC    "384x1024:1024x1024", batched "16x384x64:16x64x384", or "mb1m128n768k768"
  --ip DESC        an inner product: "mb1ic2048oc1000"
  --pool DESC      a pooling window: "mb1ic64ih112oh56kh3sh2ph1" (with --alg max|avg_np|avg_p)
  --batch FILE     every descriptor of a benchdnn batch file, with its --mb=, --dt=, --dir=,
                   --attr-* lines and nested --batch= files; the family comes from the file
                   name (conv_..., matmul_..., ip_..., pool_...) or --driver
  --dt X           src:wei:dst, e.g. u8:s8:u8 (the default), s8:s8:s32; pool: u8 or s8
  --dir X          FWD_B (with bias, the default), FWD_D or FWD_I (no bias)
  --attr-scales X  src:common:S+wei:per_oc+dst:common:D -> scale[oc] = S*w[oc], out_scale = 1/D
  --attr-post-ops X  relu, clip:lo:hi, sum[:scale[:zp[:dt]]], linear:a:b (last only)
  --post X         the same as a list: relu,sum
  --attr-zero-points X  src:common:Z, dst:common:Z or dst:per_dim_1 (weight zero points: skipped)
  --mb N           batch size of conv, ip and pool, overriding the descriptor and the batch
                   file (benchdnn matmul has no minibatch: its shapes run as written)
  --check          compare the output bit for bit with the reference kernel
  -niter N         timed runs (default 10; a warm-up run first when N > 1); median reported
  -nthreads N      threads (0 = all cores)
  -json            one JSON object per layer: desc, name, exec_type, isa, ms, gops, check
  --dump-kernels D each generated kernel as D/<name>.bin with its objdump listing D/<name>.s
                   (also spelled -dump_kernels, as in model mode)
  Combinations the kernels cannot express are printed as "skipped: <why>" and counted.
  Exit code 1 when a check fails, a descriptor is malformed or a kernel fails (the run
  goes on to the next layer); 2 for a bad flag.
)";
}

}  // namespace octet::tools
