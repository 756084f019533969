#pragma once
// Packed weights and tables that generated code reads with vector loads: 64-byte
// aligned, zero-filled, with 64 bytes of zeroed slack past the end so a kernel's
// last full-vector load of a padded block never leaves the allocation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace octet::kernels {

class AlignedBuffer {
public:
    AlignedBuffer() = default;
    explicit AlignedBuffer(size_t bytes);
    uint8_t* data() { return p_.get(); }
    const uint8_t* data() const { return p_.get(); }
    size_t size() const { return size_; }

private:
    struct Free { void operator()(uint8_t* p) const { std::free(p); } };
    std::unique_ptr<uint8_t, Free> p_;
    size_t size_ = 0;
};

}  // namespace octet::kernels
