#pragma once
// The generated strided row copy that the int8 data-movement kernels share
// (kernels/eltwise/jit_permute_kernel.hpp, jit_concat_kernel.hpp): one call
// copies `rows` rows of `row_bytes` bytes, row r from src + r·src_row to
// dst + r·dst_row.
//   contiguous (src_elem == 1): full vectors, unrolled by 4, then the tail (an
//              opmask on AVX-512, 16/8/4/2/1-byte moves below);
//   gather     (src_elem > 1): byte j of a row is read at src + j·src_elem
//              (scalar moves unrolled by 8: a permute whose innermost dim moves).
//   interleave (src_elem > 1, src_row == 1, dense rows of 2-4 bytes: the
//              NCHW -> NHWC reorder of a network input with 3 channels): the
//              rows' bytes are row_bytes source planes read 16 rows at a time,
//              one xmm per plane, and interleaved with unpacks (2, 4 planes) or
//              pshufb masks (3 planes); rows past the last 16 are gathered. The
//              gather form moved one byte per instruction pair, a third of the
//              network input's quantize step.
#include <cstdint>
#include <memory>
#include <string>

#include "jit/generator.hpp"
#include "jit/isa.hpp"

namespace octet::kernels::row_copy {

struct Config {
    int64_t row_bytes = 1;  // bytes per row (>= 1)
    int64_t src_row = 0;    // source bytes between consecutive rows
    int64_t dst_row = 0;    // destination bytes between consecutive rows
    int64_t src_elem = 1;   // source bytes between consecutive bytes of a row
    std::string name;       // the generated function's name
};

struct Call {
    const uint8_t* src;  // first byte of the first row
    uint8_t* dst;
    int64_t rows;        // >= 1
};

using Fn = void(const Call*);

enum class Form { contiguous, gather, interleave };
Form form_of(const Config& c);

// UnsupportedError when a stride is beyond the generated addressing (src_elem·8 >= 2^31).
std::unique_ptr<jit::Generator> make_generator(jit::Isa isa, const Config& c);


}  // namespace octet::kernels::row_copy
