#pragma once
// NumPy .npy files (format versions 1, 2 and 3): the header that describes
// the array, read from untrusted files and written for jitbench -o.
#include <cstdint>
#include <iosfwd>
#include <string>

#include "ir/types.hpp"

namespace octet::tools {

struct NpyHeader {
    ir::ElemType type = ir::ElemType::f32;
    ir::Shape shape;
    uint64_t data_offset = 0;  // where the array's bytes start in the file
};

// Parses and validates the header of a .npy file of `file_size` bytes:
// magic, version, header length within the file, a dict with exactly 'descr'
// (little-endian f4/i4/u1/i1), 'fortran_order' (False) and 'shape' (a tuple of
// non-negative ints whose element count is bounded), and a payload of exactly
// the array's size. Throws FormatError naming `path` and what is wrong.
NpyHeader read_npy_header(std::istream& in, uint64_t file_size, const std::string& path);

// The complete header (magic to padding) for an array of this type and shape.
std::string make_npy_header(ir::ElemType type, const ir::Shape& shape);

}  // namespace octet::tools
