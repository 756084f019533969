#include "ir/serialize/byte_source.hpp"

#include <cstring>
#include <filesystem>

#include "ir/error.hpp"

namespace octet::ir::format_detail {

void MemorySource::read(uint64_t offset, void* dst, size_t n) {
    if (n != 0) std::memcpy(dst, data_ + offset, n);
}

void FileSource::open() {
    if (opened_) return;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec))
        throw FormatError("cannot open weights file '" + path_ + "': no such file");
    in_.open(path_, std::ios::binary);
    if (!in_) throw FormatError("cannot open weights file '" + path_ + "'");
    in_.seekg(0, std::ios::end);
    std::streamoff end = in_.tellg();
    if (end < 0) throw FormatError("cannot read the size of weights file '" + path_ + "'");
    size_ = uint64_t(end);
    opened_ = true;
}

uint64_t FileSource::size() {
    open();
    return size_;
}

void FileSource::read(uint64_t offset, void* dst, size_t n) {
    open();
    if (n == 0) return;
    in_.clear();
    in_.seekg(std::streamoff(offset));
    in_.read(static_cast<char*>(dst), std::streamsize(n));
    if (!in_ || size_t(in_.gcount()) != n)
        throw FormatError("weights file '" + path_ + "' ended early reading " + std::to_string(n) +
                          " bytes at offset " + std::to_string(offset) + " (was it changed while loading?)");
}

}  // namespace octet::ir::format_detail
