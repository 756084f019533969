#include "jit/generator.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

#include "ir/error.hpp"
#include "jit/dump.hpp"

namespace octet::jit {

namespace {

bool verbose() {
    const char* v = std::getenv("OCTET_VERBOSE");
    return v && *v && std::strcmp(v, "0") != 0;
}

// rbx, r12-r15 pushed after rbp: the frame pointer sits this far above them.
constexpr int kSavedBelowRbp = 5 * 8;

}  // namespace

// DontSetProtectRWE: Xbyak allocates the buffer read+write and leaves it so;
// create() is the only place that makes it executable (and read-only).
Generator::Generator(Isa isa, size_t max_code_size)
    : Xbyak::CodeGenerator(max_code_size, Xbyak::DontSetProtectRWE), isa_(isa) {}

void Generator::preamble(int frame_bytes) {
    frame_bytes_ = frame_bytes;
    push(rbp);
    mov(rbp, rsp);
    push(rbx);
    push(r12);
    push(r13);
    push(r14);
    push(r15);
    if (frame_bytes > 0) {
        sub(rsp, (frame_bytes + 63) & ~63);
        and_(rsp, -64);
    }
}

void Generator::postamble() {
    if (isa_ != Isa::sse42) vzeroupper();
    if (frame_bytes_ > 0) lea(rsp, ptr[rbp - kSavedBelowRbp]);
    pop(r15);
    pop(r14);
    pop(r13);
    pop(r12);
    pop(rbx);
    pop(rbp);
    ret();
}

Xbyak::RegExp Generator::frame(int offset) const {
    if (offset < 0 || offset >= frame_bytes_)
        throw Error(name() + ": frame offset " + std::to_string(offset) + " outside the " +
                    std::to_string(frame_bytes_) + "-byte frame");
    return rsp + offset;
}

const uint8_t* Generator::code() const {
    if (!created_) throw Error("jit kernel '" + name() + "': code() before create()");
    return getCode();
}

void Generator::create() {
    if (created_) throw Error("jit kernel '" + name() + "': create() called twice");
    const auto t0 = std::chrono::steady_clock::now();
    try {
        generate();
        if (hasUndefinedLabel()) throw Error("jit kernel '" + name() + "': undefined label");
        setProtectModeRE();
    } catch (const Xbyak::Error& e) {
        throw Error("jit kernel '" + name() + "': xbyak: " + e.what());
    }
    generation_us_ =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    created_ = true;

    dump_kernel(name(), getCode(), getSize());
    perf_map_register(name(), getCode(), getSize());
    if (verbose())
        spdlog::info("octet jit: created {} ({} bytes, {:.1f} us)", name(), getSize(), generation_us_);
}

}  // namespace octet::jit
