#pragma once
// Nearest Interpolate of u8/s8 NCHW planes as generated code: every output
// element of a plane copies the input element at a precomputed offset within
// its plane (the same map for every plane), so the kernel is a byte gather by
// an int32 offset table (scalar moves unrolled by 4). The engine derives the
// table from the reference Interpolate itself (run once on an index plane),
// so coordinate modes and rounding modes cannot drift from it.
// Exec type jit_<isa>_nearest_I8. Work units: planes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.hpp"
#include "ir/types.hpp"
#include "jit/isa.hpp"
#include "kernels/kernel.hpp"

namespace octet::kernels {

struct NearestProblem {
    int64_t planes = 1;                 // N * C
    int64_t in_plane = 1;               // H * W
    std::vector<int32_t> source;        // OH * OW offsets into an input plane, each in [0, in_plane)
    ir::ElemType type = ir::ElemType::u8;
    std::string name;
};

// The problem of a nearest Interpolate node reading `type` data of NCHW shape
// `in`: the offset map is the reference Interpolate (kernels/ref) of an index
// plane (s32 iota [1,1,H,W]) under the node's attributes.
NearestProblem nearest_problem_of(const ir::Node& n, const ir::Shape& in, ir::ElemType type);

struct NearestArgs {
    const void* src = nullptr;
    void* dst = nullptr;
};

class NearestKernel : public Kernel {
public:
    virtual void run(const NearestArgs& args, int64_t begin, int64_t end) const = 0;
    void run(const NearestArgs& args) const { run(args, 0, work_units()); }
    virtual jit::Isa isa() const = 0;
};

// nullptr with the reason in `why` (not u8/s8, an empty map, an offset outside
// the plane). `isa` is the cap (amx -> avx512_core_vnni).
std::unique_ptr<NearestKernel> make_nearest_jit_kernel(const NearestProblem& p, jit::Isa isa, std::string& why);

}  // namespace octet::kernels
