#pragma once
// One layer of jitbench's single-layer modes: a descriptor and its benchdnn options
// turned into a problem with seeded random data, the kernel the registry picks for it,
// and the reference that checks it.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/types.hpp"
#include "jit/isa.hpp"
#include "kernels/kernel.hpp"

namespace octet::tools {

struct LayerSpec {
    std::string family;  // conv, matmul, ip, pool
    std::string desc;    // as written
    // One value per benchdnn option ("dt" -> "u8:s8:u8"; lists already expanded).
    std::map<std::string, std::string> options;
    std::optional<int64_t> mb;  // the command line's --mb
};

struct PreparedLayer {
    std::string name;  // the descriptor's n"..." name, may be empty
    std::unique_ptr<kernels::Kernel> kernel;
    std::vector<std::string> declined;             // candidates the registry passed over, and why
    std::function<void(int64_t, int64_t)> run;     // the kernel over work units [begin, end)
    std::function<void(void* dst)> reference;      // writes the expected output
    std::vector<uint8_t> src, residual, dst;       // dst is where run() writes
    ir::ElemType dst_type = ir::ElemType::u8;
    double work = 0;         // ops (2 * MACs) for conv/matmul/ip, bytes of src + dst for pool
    bool work_is_bytes = false;
};

// The seed of every layer's data: the same problem gets the same data in every run.
constexpr uint32_t kLayerSeed = 1;

// True for benchdnn options that cannot change an output value (layouts, implementation
// filters, measurement knobs: --stag, --skip-impl, ...): accepted and ignored.
bool is_no_effect_option(const std::string& name);

// Builds the problem and creates the kernel at `isa`. UnsupportedError (with the reason)
// for what octet cannot run or express; ArgumentError for malformed text.
std::unique_ptr<PreparedLayer> prepare_layer(const LayerSpec& spec, jit::Isa isa);

}  // namespace octet::tools
