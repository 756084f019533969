// The .npy header reader on good and malformed files.
#include <catch2/catch.hpp>

#include <sstream>

#include "ir/error.hpp"
#include "npy.hpp"

using namespace octet;
using Catch::Matchers::Contains;

namespace {

// A v1 file with this header dict and `payload` bytes of data.
std::string npy_v1(const std::string& dict, size_t payload) {
    std::string h = dict + "\n";
    std::string f = std::string("\x93NUMPY", 6) + char(1) + char(0) + char(h.size() & 0xff) + char(h.size() >> 8);
    return f + h + std::string(payload, '\0');
}

tools::NpyHeader parse(const std::string& file) {
    std::istringstream in(file);
    return tools::read_npy_header(in, file.size(), "t.npy");
}

}  // namespace

TEST_CASE("npy: headers numpy writes are read", "[tools]") {
    const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    tools::NpyHeader h = parse(npy_v1(dict, 24));
    CHECK(h.type == ir::ElemType::f32);
    CHECK(h.shape == ir::Shape{2, 3});
    CHECK(h.data_offset == 10 + dict.size() + 1);
    CHECK(parse(npy_v1("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }", 5)).shape == ir::Shape{5});
    CHECK(parse(npy_v1("{'descr': '|i1', 'fortran_order': False, 'shape': (), }", 1)).type == ir::ElemType::s8);
    CHECK(parse(npy_v1("{\"shape\": (1,2), \"descr\": \"<i4\", \"fortran_order\": False}", 8)).type ==
          ir::ElemType::s32);
}

TEST_CASE("npy: version 2 headers (4-byte length) are read", "[tools]") {
    const std::string h = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }\n";
    const std::string file = std::string("\x93NUMPY", 6) + char(2) + char(0) + char(h.size()) + std::string(3, '\0') +
                             h + std::string(12, '\0');
    tools::NpyHeader v2 = parse(file);
    CHECK(v2.type == ir::ElemType::s32);
    CHECK(v2.shape == ir::Shape{3});
    CHECK(v2.data_offset == 12 + h.size());
}

TEST_CASE("npy: make_npy_header round-trips, v1 aligned to 64", "[tools]") {
    for (ir::Shape shape : {ir::Shape{}, ir::Shape{7}, ir::Shape{2, 1, 3, 224, 224}}) {
        const std::string header = tools::make_npy_header(ir::ElemType::u8, shape);
        CHECK(header.size() % 64 == 0);
        CHECK(header.back() == '\n');
        const std::string file = header + std::string(size_t(ir::num_elements(shape)), '\0');
        tools::NpyHeader h = parse(file);
        CHECK(h.shape == shape);
        CHECK(h.type == ir::ElemType::u8);
        CHECK(h.data_offset == header.size());
    }
}

TEST_CASE("npy: malformed files are clear errors", "[tools]") {
    const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    CHECK_THROWS_WITH(parse("hello world, not npy"), Contains("magic"));
    CHECK_THROWS_WITH(parse("\x93NUMPY"), Contains("magic"));
    std::string v9 = npy_v1(ok, 8);
    v9[6] = 9;
    CHECK_THROWS_WITH(parse(v9), Contains("version 9"));
    std::string long_header = npy_v1(ok, 8);
    long_header[8] = char(0xff);
    long_header[9] = char(0xff);
    CHECK_THROWS_WITH(parse(long_header), Contains("runs past the end"));
    CHECK_THROWS_WITH(parse(npy_v1(ok, 7)), Contains("needs 8 bytes"));
    CHECK_THROWS_WITH(parse(npy_v1(ok, 9)), Contains("needs 8 bytes"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8)),
                      Contains("big-endian"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16)),
                      Contains("not supported"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8)),
                      Contains("Fortran"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'shape': (2,), }", 8)), Contains("needs"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", 8)),
                      Contains("repeated"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8)),
                      Contains("'x'"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8)),
                      Contains("non-negative"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999,), }", 8)),
                      Contains("too large"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999,99999999,99999), }", 8)),
                      Contains("too many elements"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) } junk", 8)),
                      Contains("after the dict"));
    CHECK_THROWS_WITH(parse(npy_v1("{'descr': '<f4, 'fortran_order': False", 8)), Contains("bad .npy header"));
    CHECK_THROWS_AS(parse(npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2", 8)), FormatError);
}
