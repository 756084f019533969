#pragma once
// A created f32 generator and its entry point `void(const Args*)`: what the
// f32 kernel families (eltwise, softmax, mvn, pool) hand to the engine.
// Exec type jit_<avx2|avx512>_FP32, as OpenVINO names its f32 JIT nodes.
#include <memory>
#include <string>
#include <utility>

#include "jit/generator.hpp"
#include "kernels/f32/math_injector.hpp"

namespace octet::kernels::f32 {

template <class Args> class F32Kernel {
public:
    F32Kernel(std::unique_ptr<jit::Generator> g, jit::Isa isa) : g_(std::move(g)), isa_(isa) {
        g_->create();
        fn_ = g_->function<void(const Args*)>();
    }
    void operator()(const Args& a) const { fn_(&a); }
    std::string name() const { return g_->name(); }
    std::string exec_type() const { return std::string("jit_") + jit::exec_isa_tag(isa_) + "_FP32"; }
    jit::Isa isa() const { return isa_; }  // avx2 or avx512_core

private:
    std::unique_ptr<jit::Generator> g_;
    jit::Isa isa_;
    void (*fn_)(const Args*) = nullptr;
};

}  // namespace octet::kernels::f32
