// bench_pool: int8 pooling, octet against oneDNN int8 pooling (NHWC u8), at 1 and 2 threads.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"
#include "engine/threads.hpp"
#include "jit/cpu.hpp"
#include "kernels/registry.hpp"
#include "peers.hpp"

using namespace octet;
using namespace octet::bench;

int main(int argc, char** argv) {
    const std::string omp_policy = ensure_omp_wait_policy(argv);
    Options o = parse_options(argc, argv,
                              "usage: bench_pool [--threads 1,2] [--csv FILE] [--min-time S] [--filter SUBSTR] "
                              "[--octet-only] [--no-check] [--cold]\n");
    struct Shape { const char* desc; kernels::PoolAlg alg; };
    const Shape shapes[] = {
        {"mb1ic64ih112oh56kh3sh2ph1n\"resnet50_pool1_max\"", kernels::PoolAlg::max},
        {"mb1ic2048ih7oh1kh7n\"resnet50_pool5_gavg\"", kernels::PoolAlg::avg_np},
        {"mb1ic1280ih7oh1kh7n\"mobilenetv2_gavg\"", kernels::PoolAlg::avg_np},
        {"mb1ic1024ih7oh1kh7n\"mobilenet_v1_gavg\"", kernels::PoolAlg::avg_np},
    };
    std::printf("# bench_pool\n# %s\n# OMP_WAIT_POLICY=%s (oneDNN's OpenMP workers)\n", machine_summary().c_str(), omp_policy.c_str());
    const jit::Isa isa = jit::best_isa();
    std::printf("# octet isa: %s\n", jit::isa_name(isa));
    Csv csv({"shape", "alg", "threads", "octet_exec_type", "octet_ms", "dnnl_ms", "octet_gbs", "dnnl_gbs",
             "speedup_vs_dnnl", "diff_n", "diff_max", "dnnl_impl"});
    for (int t : o.threads) {
        engine::ThreadPool pool(t);
        set_peer_threads(t);
        std::printf("\n## %d thread(s); GB/s = (src + dst bytes) / time; speedup = oneDNN ms / octet ms\n", t);
        std::printf("%-22s %-7s %-22s %9s %9s | %7s %7s | %6s | %-9s %s\n", "shape", "alg", "octet exec", "octet",
                    "dnnl", "GB/s", "dnnl", "x/dnnl", "diff", "dnnl impl");
        for (const auto& s : shapes) {
            kernels::PoolDesc d = kernels::parse_pool_desc(s.desc, s.alg);
            if (!o.filter.empty() && d.name.find(o.filter) == std::string::npos) continue;
            std::mt19937 rng(7);
            std::vector<uint8_t> src(size_t(d.src_elems())), dst(size_t(d.dst_elems()));
            fill_u8(src, rng);
            kernels::PoolProblem p;
            p.desc = d;
            p.type = ir::ElemType::u8;
            auto k = kernels::create_pool_kernel(p, isa);
            kernels::PoolArgs args;
            args.src = src.data();
            args.dst = dst.data();
            const int64_t units = k->work_units();
            auto run_octet = [&] { pool.parallel_for(units, [&](int64_t b, int64_t e) { k->run(args, b, e); }); };
            double ms[2] = {time_ms(run_octet, o.min_time), NAN};
            run_octet();
            PeerTiming peer;
            if (!o.no_peers)
                peer = time_peer([&] { return make_dnnl_pool(d, src); }, d.name, "oneDNN", o.min_time,
                                 o.check ? &dst : nullptr);
            ms[1] = peer.ms;
            const double bytes = double(d.src_elems() + d.dst_elems());
            std::printf("%-22s %-7s %-22s %9.5f %9.5f | %7.1f %7.1f | %6.2f | %-9s %s\n", d.name.c_str(),
                        kernels::to_string(d.alg), k->exec_type().c_str(), ms[0], ms[1], bytes / (ms[0] * 1e6),
                        bytes / (ms[1] * 1e6), ms[1] / ms[0], peer.diff.str().c_str(), peer.impl.c_str());
            std::fflush(stdout);
            csv.add({d.name, kernels::to_string(d.alg), std::to_string(t), k->exec_type(), fmt("%.5f", ms[0]),
                     fmt("%.5f", ms[1]), fmt("%.2f", bytes / (ms[0] * 1e6)), fmt("%.2f", bytes / (ms[1] * 1e6)),
                     fmt("%.3f", ms[1] / ms[0]), peer.diff.ok ? std::to_string(peer.diff.n) : "",
                     peer.diff.ok ? std::to_string(peer.diff.max) : "", "\"" + peer.impl + "\""});
        }
    }
    std::printf("# load average at the end: %s\n", load_average().c_str());
    csv.write(o.csv);
    return 0;
}
