// -i/-o specs and the tensor files behind them.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "args.hpp"
#include "ir/error.hpp"
#include "npy.hpp"
#include "tensor_io.hpp"

using namespace octet;
using namespace octet::tools;
using Catch::Matchers::Contains;

namespace {

const std::vector<PortInfo> kOne = {{"x", {ir::ElemType::f32, {1, 3}}}};
const std::vector<PortInfo> kTwo = {{"a", {ir::ElemType::f32, {2}}}, {"b:c", {ir::ElemType::u8, {4}}}};

std::string temp_path(const std::string& name) { return std::string(OCTET_BINARY_DIR) + "/tensor_io_" + name; }

void write_file(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

}  // namespace

TEST_CASE("io specs map files to ports", "[tools]") {
    auto one = parse_io_spec("in.raw", kOne, "-i", true);
    REQUIRE(one.size() == 1);
    CHECK(one[0] == std::make_pair(size_t(0), std::string("in.raw")));
    CHECK(parse_io_spec("x:dir/in.raw", kOne, "-i", true)[0].second == "dir/in.raw");
    auto two = parse_io_spec("b:c:/tmp/b.raw,a:a.raw", kTwo, "-i", true);
    CHECK(two[0] == std::make_pair(size_t(1), std::string("/tmp/b.raw")));
    CHECK(two[1] == std::make_pair(size_t(0), std::string("a.raw")));
    CHECK_THROWS_WITH(parse_io_spec("a.raw", kTwo, "-i", true), Contains("a, b:c"));
    CHECK_THROWS_WITH(parse_io_spec("a:a.raw", kTwo, "-i", true), Contains("no file for input 'b:c'"));
    CHECK(parse_io_spec("a:a.raw", kTwo, "-o", false).size() == 1);
    CHECK_THROWS_WITH(parse_io_spec("a:x,a:y", kTwo, "-o", false), Contains("twice"));
    CHECK_THROWS_WITH(parse_io_spec("a:", kTwo, "-o", false), Contains("names no file"));
}

TEST_CASE("raw files hold K tensors back to back", "[tools]") {
    const std::string path = temp_path("k3.raw");
    std::string bytes(3 * 12, '\0');
    for (size_t i = 0; i < bytes.size() / 4; ++i) {
        const float v = float(i);
        std::memcpy(&bytes[i * 4], &v, 4);
    }
    write_file(path, bytes);
    std::vector<ir::Tensor> ts = read_tensor_file(path, kOne[0]);
    REQUIRE(ts.size() == 3);
    CHECK(ts[2].shape() == ir::Shape{1, 3});
    CHECK(ts[2].data<float>()[2] == 8.f);

    write_file(path, bytes.substr(1));
    CHECK_THROWS_WITH(read_tensor_file(path, kOne[0]), Contains("not a whole number of 12-byte tensors"));
    write_file(path, "");
    CHECK_THROWS_AS(read_tensor_file(path, kOne[0]), ArgumentError);
    CHECK_THROWS_WITH(read_tensor_file(temp_path("absent.raw"), kOne[0]), Contains("cannot open"));
    std::remove(path.c_str());
}

TEST_CASE("npy files: [K, shape], [K, shape minus leading 1] or the shape itself", "[tools]") {
    const std::string path = temp_path("in.npy");
    const std::string data(2 * 12, '\x01');
    for (ir::Shape shape : {ir::Shape{2, 1, 3}, ir::Shape{2, 3}}) {
        write_file(path, make_npy_header(ir::ElemType::f32, shape) + data);
        CHECK(read_tensor_file(path, kOne[0]).size() == 2);
    }
    write_file(path, make_npy_header(ir::ElemType::f32, {1, 3}) + data.substr(12));
    CHECK(read_tensor_file(path, kOne[0]).size() == 1);
    write_file(path, make_npy_header(ir::ElemType::f32, {3, 2}) + data.substr(0, 24));
    CHECK_THROWS_WITH(read_tensor_file(path, kOne[0]), Contains("does not fit input"));
    write_file(path, make_npy_header(ir::ElemType::s32, {2, 1, 3}) + data);
    CHECK_THROWS_WITH(read_tensor_file(path, kOne[0]), Contains("holds s32"));
    write_file(path, make_npy_header(ir::ElemType::f32, {0, 1, 3}));
    CHECK_THROWS_WITH(read_tensor_file(path, kOne[0]), Contains("no tensors"));
    std::remove(path.c_str());
}

TEST_CASE("written tensors read back the same, raw and npy", "[tools]") {
    std::vector<ir::Tensor> ts;
    for (int k = 0; k < 2; ++k) {
        ir::Tensor t(ir::ElemType::f32, {1, 3});
        for (int i = 0; i < 3; ++i) t.data<float>()[i] = float(10 * k + i) + 0.5f;
        ts.push_back(t);
    }
    for (const char* name : {"out.raw", "out.npy"}) {
        const std::string path = temp_path(name);
        write_tensor_file(path, ts, kOne[0]);
        std::vector<ir::Tensor> back = read_tensor_file(path, kOne[0]);
        REQUIRE(back.size() == 2);
        CHECK(back[0].equals(ts[0]));
        CHECK(back[1].equals(ts[1]));
        std::remove(path.c_str());
    }
}

TEST_CASE("all -i files must hold the same number of inferences", "[tools]") {
    const std::string a = temp_path("a.raw"), b = temp_path("b.raw");
    write_file(a, std::string(2 * 8, '\0'));
    write_file(b, std::string(3 * 4, '\0'));
    CHECK_THROWS_WITH(read_inputs("a:" + a + ",b:c:" + b, kTwo), Contains("holds 3 tensors, the other inputs 2"));
    write_file(b, std::string(2 * 4, '\0'));
    TensorSets sets = read_inputs("a:" + a + ",b:c:" + b, kTwo);
    REQUIRE(sets.size() == 2);
    CHECK(sets[1][1].type() == ir::ElemType::u8);
    std::remove(a.c_str());
    std::remove(b.c_str());
}

TEST_CASE("random inputs are seeded", "[tools]") {
    TensorSets x = random_inputs(kTwo, 1), y = random_inputs(kTwo, 1), z = random_inputs(kTwo, 2);
    REQUIRE(x.size() == 1);
    CHECK(x[0][0].equals(y[0][0]));
    CHECK(x[0][1].equals(y[0][1]));
    CHECK_FALSE(x[0][0].equals(z[0][0]));
}
