#include "kernels/eltwise/jit_nearest_kernel.hpp"

#include <cstddef>

#include "ir/error.hpp"
#include "jit/cpu.hpp"
#include "jit/generator.hpp"
#include "kernels/eltwise/jit_row_copy_generator.hpp"
#include "kernels/ref/ref.hpp"

namespace octet::kernels {
namespace {

using namespace Xbyak;
using jit::Isa;

struct Call {
    const uint8_t* src;    // the input plane
    uint8_t* dst;          // the output plane
    const int32_t* table;  // its offsets
};

// One output plane: dst[j] = src[table[j]] for j < count.
class JitNearestPlane : public jit::Generator {
public:
    JitNearestPlane(Isa isa, int64_t count, std::string name) : Generator(isa), count_(count), name_(std::move(name)) {}
    std::string name() const override { return name_; }

private:
    const Reg64 reg_src = r8, reg_dst = r9, reg_tbl = r10, reg_cnt = r11, reg_off = rax;
    const Reg8 reg_byte = cl;

    void one(int j) {
        mov(reg_off.cvt32(), dword[reg_tbl + 4 * j]);  // zero-extends into reg_off
        mov(reg_byte, byte[reg_src + reg_off]);
        mov(byte[reg_dst + j], reg_byte);
    }

    void generate() override {
        constexpr int kUnroll = 4;
        preamble();
        mov(reg_src, ptr[abi_param1 + offsetof(Call, src)]);
        mov(reg_dst, ptr[abi_param1 + offsetof(Call, dst)]);
        mov(reg_tbl, ptr[abi_param1 + offsetof(Call, table)]);
        if (count_ >= kUnroll) {
            Label loop;
            mov(reg_cnt, count_ / kUnroll);
            L(loop);
            for (int j = 0; j < kUnroll; ++j) one(j);
            add(reg_tbl, 4 * kUnroll);
            add(reg_dst, kUnroll);
            dec(reg_cnt);
            jnz(loop, T_NEAR);
        }
        for (int j = 0; j < int(count_ % kUnroll); ++j) one(j);
        postamble();
    }

    int64_t count_;
    std::string name_;
};

class JitNearestKernel final : public NearestKernel {
public:
    JitNearestKernel(const NearestProblem& p, Isa isa) : p_(p), isa_(isa) {
        exec_type_ = std::string("jit_") + jit::exec_isa_tag(isa) + "_nearest_I8";
        name_ = std::string("nearest_") + jit::exec_isa_tag(isa) + "_" + ir::to_string(p.type) + "_" +
                std::to_string(p.in_plane) + "to" + std::to_string(p.source.size()) +
                (p.name.empty() ? "" : "_" + p.name);
        gen_ = std::make_unique<JitNearestPlane>(isa, int64_t(p.source.size()), name_);
        gen_->create();
        fn_ = gen_->function<void(const Call*)>();
    }
    std::string exec_type() const override { return exec_type_; }
    std::string name() const override { return name_; }
    int64_t work_units() const override { return p_.planes; }
    Isa isa() const override { return isa_; }

    void run(const NearestArgs& args, int64_t begin, int64_t end) const override {
        if (!jit::isa_supported(isa_))
            throw UnsupportedError(name_ + ": this CPU cannot run " + jit::isa_name(isa_) + " code");
        check_work_range(name_, begin, end, p_.planes);
        if (begin == end) return;
        if (!args.src || !args.dst) throw ArgumentError(name_ + ": null src or dst");
        const int64_t out_plane = int64_t(p_.source.size());
        for (int64_t pl = begin; pl < end; ++pl) {
            const Call call{static_cast<const uint8_t*>(args.src) + pl * p_.in_plane,
                            static_cast<uint8_t*>(args.dst) + pl * out_plane, p_.source.data()};
            fn_(&call);
        }
    }

private:
    NearestProblem p_;
    Isa isa_;
    std::unique_ptr<jit::Generator> gen_;
    void (*fn_)(const Call*) = nullptr;
    std::string exec_type_, name_;
};

}  // namespace

NearestProblem nearest_problem_of(const ir::Node& n, const ir::Shape& in, ir::ElemType type) {
    if (in.size() != 4 || n.outputs.empty() || n.outputs[0].shape.size() != 4)
        throw ArgumentError(ir::node_prefix(n) + "nearest Interpolate needs NCHW input and output");
    const ir::Shape& out = n.outputs[0].shape;
    ir::Node index = n;
    index.inputs.resize(1);
    index.outputs = {ir::TensorDesc{ir::ElemType::s32, {1, 1, out[2], out[3]}}};
    ir::Tensor plane(ir::ElemType::s32, {1, 1, in[2], in[3]});
    for (int64_t i = 0; i < plane.numel(); ++i) plane.data<int32_t>()[i] = int32_t(i);
    const ir::Tensor map = ref::eval_node(index, {plane}).at(0);
    NearestProblem p;
    p.planes = in[0] * in[1];
    p.in_plane = in[2] * in[3];
    p.source.assign(map.data<int32_t>(), map.data<int32_t>() + map.numel());
    p.type = type;
    p.name = n.name;
    return p;
}

std::unique_ptr<NearestKernel> make_nearest_jit_kernel(const NearestProblem& p, Isa isa, std::string& why) {
    if (p.type != ir::ElemType::u8 && p.type != ir::ElemType::s8) {
        why = std::string("element type ") + ir::to_string(p.type) + " is not u8/s8";
        return nullptr;
    }
    if (p.source.empty() || p.planes < 1 || p.in_plane < 1 || p.in_plane > (int64_t(1) << 31)) {
        why = "an empty plane or map";
        return nullptr;
    }
    for (int32_t o : p.source)
        if (o < 0 || o >= p.in_plane) {
            why = "an offset outside the input plane";
            return nullptr;
        }
    if (isa == Isa::amx) isa = Isa::avx512_core_vnni;
    return std::make_unique<JitNearestKernel>(p, isa);
}

}  // namespace octet::kernels
