#pragma once
// The base of every generated kernel: Xbyak code generation with a System V
// ABI frame, W^X executable memory, and the dump/verbose hooks.
//
//   class MyKernel : public Generator {
//       std::string name() const override { return "requant_avx2_s32u8_c67"; }
//       void generate() override { preamble(); ...; postamble(); }
//   };
//   MyKernel k(Isa::avx2); k.create(); auto* fn = k.function<void(const Args*)>();
//
// Memory: the code buffer is mapped read+write while generate() runs and is
// switched to read+exec by create(); it is never writable and executable at
// once (Xbyak's default would map it rwx from the start: we opt out).
#include <cstddef>
#include <cstdint>
#include <string>

#include <xbyak/xbyak.h>

#include "jit/isa.hpp"

namespace octet::jit {

class Generator : public Xbyak::CodeGenerator {
public:
    static constexpr size_t kDefaultMaxCodeSize = 256 * 1024;  // reserved, not committed

    explicit Generator(Isa isa, size_t max_code_size = kDefaultMaxCodeSize);
    ~Generator() override = default;
    Generator(const Generator&) = delete;
    Generator& operator=(const Generator&) = delete;

    // What the kernel is: family, ISA, variant, types, shape; also its dump file name.
    virtual std::string name() const = 0;
    Isa isa() const { return isa_; }

    // Runs generate(), switches the buffer to read+exec, then the hooks: the
    // raw code to $OCTET_JIT_DUMP/<name>.bin and, with OCTET_VERBOSE=1, a log line
    // (name, bytes, generation µs). Once per object; Xbyak errors become octet::Error.
    void create();
    bool created() const { return created_; }

    const uint8_t* code() const;  // after create()
    size_t code_size() const { return getSize(); }
    double generation_us() const { return generation_us_; }
    template <typename Fn> Fn* function() const { return reinterpret_cast<Fn*>(const_cast<uint8_t*>(code())); }

protected:
    virtual void generate() = 0;

    // System V AMD64 argument registers.
    const Xbyak::Reg64 abi_param1 = rdi, abi_param2 = rsi, abi_param3 = rdx,
                       abi_param4 = rcx, abi_param5 = r8, abi_param6 = r9;

    // Saves rbp and the callee-saved rbx, r12-r15, sets rbp as the frame pointer
    // and reserves `frame_bytes` of scratch stack aligned to 64 (room for a zmm),
    // addressed with frame(offset). Every other GPR is free after it, but the
    // incoming args are still in rdi, rsi, ... (rbp is the frame: do not use it).
    void preamble(int frame_bytes = 0);
    // Undoes preamble(); vzeroupper first on VEX/EVEX ISAs so SSE code in the
    // caller does not pay the AVX-SSE transition; then ret.
    void postamble();
    // Scratch stack slot reserved by preamble(frame_bytes): [rsp + offset].
    Xbyak::RegExp frame(int offset) const;

private:
    Isa isa_;
    int frame_bytes_ = 0;
    bool created_ = false;
    double generation_us_ = 0;
};

}  // namespace octet::jit
