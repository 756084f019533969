#include "kernels/common/aligned_buffer.hpp"

#include <cstring>
#include <new>

namespace octet::kernels {

AlignedBuffer::AlignedBuffer(size_t bytes) : size_(bytes) {
    const size_t alloc = (bytes + 63) / 64 * 64 + 64;
    auto* p = static_cast<uint8_t*>(std::aligned_alloc(64, alloc));
    if (!p) throw std::bad_alloc();
    std::memset(p, 0, alloc);
    p_.reset(p);
}

}  // namespace octet::kernels
