// TensorProto -> ConstTensor: element types, dims, the three places data can
// live (typed fields, raw_data, an external file), each size checked against
// the shape before anything is allocated.
#include "ir/import/onnx/const_tensor.hpp"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "ir/error.hpp"

namespace octet::ir::onnx_import {

namespace fs = std::filesystem;
using TP = onnx::TensorProto;

std::string onnx_type_name(int32_t t) {
    if (TP::DataType_IsValid(t)) return TP::DataType_Name(TP::DataType(t));
    return "type " + std::to_string(t);
}

bool ir_type_of(int32_t t, ElemType& out) {
    switch (t) {
    case TP::FLOAT: out = ElemType::f32; return true;
    case TP::INT32: out = ElemType::s32; return true;
    case TP::UINT8: out = ElemType::u8; return true;
    case TP::INT8: out = ElemType::s8; return true;
    default: return false;
    }
}

bool ConstTensor::is_float() const { return data_type == TP::FLOAT; }

int64_t ConstTensor::numel() const { return is_float() ? int64_t(floats.size()) : int64_t(ints.size()); }

std::vector<int64_t> ConstTensor::as_ints(const std::string& what) const {
    if (is_float()) throw UnsupportedError(what + " must hold integers, it holds FLOAT");
    return ints;
}

std::vector<double> ConstTensor::as_doubles() const {
    return is_float() ? std::vector<double>(floats.begin(), floats.end()) : std::vector<double>(ints.begin(), ints.end());
}

ElemType ConstTensor::ir_type(const std::string& what) const {
    ElemType t;
    if (!ir_type_of(data_type, t))
        throw UnsupportedError(what + " has element type " + onnx_type_name(data_type) +
                               "; octet tensors are FLOAT, INT32, UINT8 or INT8");
    return t;
}

Tensor ConstTensor::to_tensor(const std::string& what) const {
    const ElemType t = ir_type(what);
    Tensor out(t, dims);
    const int64_t n = out.numel();
    switch (t) {
    case ElemType::f32: if (n) std::memcpy(out.raw(), floats.data(), size_t(n) * sizeof(float)); break;  // empty: null
    case ElemType::s32: for (int64_t i = 0; i < n; ++i) out.data<int32_t>()[i] = int32_t(ints[size_t(i)]); break;
    case ElemType::u8: for (int64_t i = 0; i < n; ++i) out.data<uint8_t>()[i] = uint8_t(ints[size_t(i)]); break;
    case ElemType::s8: for (int64_t i = 0; i < n; ++i) out.data<int8_t>()[i] = int8_t(ints[size_t(i)]); break;
    }
    return out;
}

ConstTensor ConstTensor::from_floats(Shape dims, std::vector<float> v) {
    ConstTensor c;
    c.data_type = TP::FLOAT;
    c.dims = std::move(dims);
    c.floats = std::move(v);
    return c;
}

void ByteBudget::take(uint64_t bytes, const std::string& what) {
    if (bytes > left)
        throw FormatError(what + " needs " + std::to_string(bytes) +
                          " bytes, more constant data than the model file can hold");
    left -= bytes;
}

namespace {

// Bytes per element in raw_data / external files, 0 for types octet does not read.
size_t raw_elem_size(int32_t t) {
    switch (t) {
    case TP::FLOAT: case TP::INT32: return 4;
    case TP::INT64: return 8;
    case TP::UINT8: case TP::INT8: case TP::BOOL: return 1;
    default: return 0;
    }
}

// Integer range of each integer type, to reject out-of-range typed-field values.
bool in_range(int32_t t, int64_t v) {
    switch (t) {
    case TP::UINT8: return v >= 0 && v <= 255;
    case TP::INT8: return v >= -128 && v <= 127;
    case TP::BOOL: return v == 0 || v == 1;
    case TP::INT32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
    }
}

void decode_raw(ConstTensor& c, const char* p, size_t n) {
    switch (c.data_type) {
    case TP::FLOAT: c.floats.resize(n); if (n) std::memcpy(c.floats.data(), p, n * 4); break;  // empty: p may be null
    case TP::INT32:
        c.ints.resize(n);
        for (size_t i = 0; i < n; ++i) { int32_t v; std::memcpy(&v, p + 4 * i, 4); c.ints[i] = v; }
        break;
    case TP::INT64: c.ints.resize(n); if (n) std::memcpy(c.ints.data(), p, n * 8); break;
    case TP::UINT8: case TP::BOOL:
        c.ints.resize(n);
        for (size_t i = 0; i < n; ++i) c.ints[i] = uint8_t(p[i]);
        break;
    case TP::INT8: c.ints.resize(n); for (size_t i = 0; i < n; ++i) c.ints[i] = int8_t(p[i]); break;
    }
}

// Strict decimal parse of an external_data offset/length.
uint64_t parse_size(const std::string& s, const std::string& what) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
        throw FormatError(what + " is not a non-negative integer: '" + s + "'");
    return std::stoull(s);
}

// location relative to base_dir; never a path that leaves it (absolute paths,
// "..", or a symlink pointing outside).
fs::path resolve_external(const std::string& location, const std::string& base_dir, const std::string& what) {
    if (base_dir.empty())
        throw FormatError(what + " stores its data in external file '" + location +
                          "', but the model was given as bytes without a base folder");
    const fs::path rel(location);
    if (location.empty() || rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
        throw FormatError(what + ": external data location '" + location + "' must be a relative path");
    for (const fs::path& part : rel)
        if (part == "..") throw FormatError(what + ": external data location '" + location + "' leaves the model's folder");
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(fs::path(base_dir), ec);
    const fs::path full = fs::weakly_canonical(fs::path(base_dir) / rel, ec);
    if (ec) throw FormatError(what + ": cannot resolve external data location '" + location + "'");
    auto b = base.begin(), f = full.begin();
    for (; b != base.end() && !b->empty(); ++b, ++f)
        if (f == full.end() || *f != *b)
            throw FormatError(what + ": external data location '" + location + "' leaves the model's folder");
    return full;
}

void read_external(ConstTensor& c, const TP& t, size_t esize, uint64_t count, const std::string& base_dir,
                   ByteBudget& budget, const std::string& what) {
    std::string location;
    uint64_t offset = 0, length = 0;
    bool has_length = false;
    for (const auto& kv : t.external_data()) {
        if (kv.key() == "location") location = kv.value();
        else if (kv.key() == "offset") offset = parse_size(kv.value(), what + " external data offset");
        else if (kv.key() == "length") { length = parse_size(kv.value(), what + " external data length"); has_length = true; }
    }
    const uint64_t bytes = count * esize;
    if (has_length && length != bytes)
        throw FormatError(what + ": external data length " + std::to_string(length) + " differs from the " +
                          std::to_string(bytes) + " bytes its shape " + to_string(c.dims) + " needs");
    const fs::path path = resolve_external(location, base_dir, what);
    std::error_code ec;
    const uint64_t file_size = fs::file_size(path, ec);
    if (ec) throw FormatError(what + ": cannot open external data file '" + location + "'");
    if (offset > file_size || bytes > file_size - offset)
        throw FormatError(what + ": external data range [" + std::to_string(offset) + ", " + std::to_string(offset + bytes) +
                          ") is past the end of '" + location + "' (" + std::to_string(file_size) + " bytes)");
    budget.take(bytes, what);
    std::ifstream f(path, std::ios::binary);
    std::string buf(bytes, '\0');
    if (!f.seekg(std::streamoff(offset)) || !f.read(&buf[0], std::streamsize(bytes)))
        throw FormatError(what + ": cannot read " + std::to_string(bytes) + " bytes of '" + location + "'");
    decode_raw(c, buf.data(), size_t(count));
}

}  // namespace

ConstTensor read_tensor(const TP& t, const std::string& base_dir, ByteBudget& budget, const std::string& what) {
    ConstTensor c;
    c.data_type = t.data_type();
    const size_t esize = raw_elem_size(c.data_type);
    if (esize == 0)
        throw UnsupportedError(what + " has element type " + onnx_type_name(c.data_type) +
                               "; the importer reads FLOAT, INT32, INT64, UINT8, INT8 and BOOL tensors");
    if (t.dims_size() > 64) throw FormatError(what + " has " + std::to_string(t.dims_size()) + " dims (at most 64)");
    uint64_t count = 1;
    for (int i = 0; i < t.dims_size(); ++i) {
        const int64_t d = t.dims(i);
        if (d < 0) throw FormatError(what + ": dims[" + std::to_string(i) + "] = " + std::to_string(d) + " is negative");
        c.dims.push_back(d);
        if (d != 0 && count > uint64_t(kMaxElements) / uint64_t(d))
            throw FormatError(what + ": shape " + to_string(c.dims) + "... has more than 2^40 elements");
        count *= uint64_t(d);
    }
    if (count > uint64_t(kMaxElements)) throw FormatError(what + ": shape " + to_string(c.dims) + " has more than 2^40 elements");
    if (t.has_segment()) throw UnsupportedError(what + " is a segmented tensor");

    auto mismatch = [&](uint64_t have, const char* where) {
        return FormatError(what + " holds " + std::to_string(have) + " values in " + where + ", its shape " +
                           to_string(c.dims) + " needs " + std::to_string(count));
    };
    if (t.data_location() == TP::EXTERNAL) {
        read_external(c, t, esize, count, base_dir, budget, what);
        return c;
    }
    if (t.has_raw_data()) {
        const std::string& raw = t.raw_data();
        if (raw.size() != count * esize) throw mismatch(raw.size() / esize, "raw_data");
        budget.take(count * esize, what);
        decode_raw(c, raw.data(), size_t(count));
        return c;
    }
    budget.take(count * esize, what);
    switch (c.data_type) {
    case TP::FLOAT:
        if (uint64_t(t.float_data_size()) != count) throw mismatch(uint64_t(t.float_data_size()), "float_data");
        c.floats.assign(t.float_data().begin(), t.float_data().end());
        break;
    case TP::INT64:
        if (uint64_t(t.int64_data_size()) != count) throw mismatch(uint64_t(t.int64_data_size()), "int64_data");
        c.ints.assign(t.int64_data().begin(), t.int64_data().end());
        break;
    default:
        if (uint64_t(t.int32_data_size()) != count) throw mismatch(uint64_t(t.int32_data_size()), "int32_data");
        c.ints.assign(t.int32_data().begin(), t.int32_data().end());
        for (int64_t v : c.ints)
            if (!in_range(c.data_type, v))
                throw FormatError(what + ": value " + std::to_string(v) + " does not fit " + onnx_type_name(c.data_type));
        break;
    }
    return c;
}

}  // namespace octet::ir::onnx_import
