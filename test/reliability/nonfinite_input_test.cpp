// NaN and ±Inf in the f32 input of an int8 model quantize to defined values:
// NaN and -Inf to the low end of the FakeQuantize range, +Inf to the high end
// (the numeric contract's clamp with maxps/minps semantics, ir/epilogue.hpp).
// Checked end to end, at every ISA cap the machine runs: the output of an input
// holding non-finite values equals, bit for bit, the output of the same input
// with those values replaced by far out-of-range finite ones.
#include <catch2/catch.hpp>

#include <limits>
#include <optional>
#include <string>

#include "int8_graph.hpp"
#include "ir/error.hpp"
#include "octet/octet.hpp"

using namespace octet;

namespace {

ir::Tensor infer_once(const CompiledModel& compiled, const ir::Tensor& input) {
    InferRequest request = compiled.create_request();
    request.set_input(0, input);
    request.infer();
    return request.output(0);
}

}  // namespace

TEST_CASE("NaN and -Inf quantize to the range's low end, +Inf to its high end, at every ISA",
          "[reliability][nonfinite]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const Model model = Model::from_zoo("mobilenetv2-int8");  // its input FakeQuantize feeds an int8 conv
    ir::Tensor special = test::random_tensor(ir::ElemType::f32, model.inputs().at(0).desc.shape, 99);
    ir::Tensor stand_in = special.clone();
    // Spread over both channels, borders and the middle (the conv's padding paths).
    const int positions[] = {0, 5, 7, 223, 224, 447, 5000, 50175, 50176, 100000, 150527};
    const float values[] = {nan, -nan, inf, -inf};
    const float finite[] = {-1e30f, -1e30f, 1e30f, -1e30f};
    for (size_t k = 0; k < sizeof(positions) / sizeof(positions[0]); ++k) {
        special.data<float>()[positions[k]] = values[k % 4];
        stand_in.data<float>()[positions[k]] = finite[k % 4];
    }
    int isas_run = 0;
    for (const char* cap : {"sse42", "avx2", ""}) {
        INFO("max_isa '" << cap << "'");
        CompileOptions options;
        options.threads = 2;
        options.max_isa = cap;
        std::optional<CompiledModel> compiled;
        try {
            compiled.emplace(compile(model, options));
        } catch (const UnsupportedError&) {
            continue;  // this CPU lacks the cap's ISA
        }
        // The int8 path really ran (a Quantize kernel, not the f32 reference, saw the NaNs).
        bool int8 = false;
        InferRequest r = compiled->create_request();
        r.set_input(0, special);
        r.infer();
        std::string executed;
        for (const PerfCounter& pc : r.perf_counters()) {
            if (pc.exec_status == "EXECUTED") executed += pc.layer_name + ":" + pc.exec_type + " ";
            int8 = int8 || pc.exec_type.find("I8") != std::string::npos;
        }
        INFO("executed: " << executed);
        CHECK(int8);
        const ir::Tensor got = infer_once(*compiled, special);
        const ir::Tensor want = infer_once(*compiled, stand_in);
        if (!got.equals(want)) {
            for (int64_t i = 0; i < got.numel(); ++i)
                if (got.data<float>()[i] != want.data<float>()[i]) {
                    FAIL_CHECK("output element " << i << " is " << got.data<float>()[i] << " with non-finite inputs, "
                                                 << want.data<float>()[i] << " with their finite stand-ins");
                    break;
                }
        }
        ++isas_run;
    }
    CHECK(isas_run >= 2);
}
