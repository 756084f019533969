#include "ir/tensor.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace octet::ir {

Tensor::Tensor(ElemType type, Shape shape) : type_(type), shape_(std::move(shape)) {
    numel_ = num_elements(shape_);
    size_t bytes = (nbytes() + 63) / 64 * 64;
    if (bytes == 0) bytes = 64;
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    std::memset(p, 0, bytes);
    buf_ = std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

Tensor Tensor::clone() const {
    if (empty()) return {};
    Tensor t(type_, shape_);
    std::memcpy(t.raw(), raw(), nbytes());
    return t;
}

Tensor Tensor::reshaped(Shape shape) const {
    if (num_elements(shape) != numel_)
        throw ArgumentError("cannot reshape " + to_string(shape_) + " to " + to_string(shape));
    Tensor t = *this;
    t.shape_ = std::move(shape);
    return t;
}

bool Tensor::equals(const Tensor& o) const {
    if (type_ != o.type_ || shape_ != o.shape_) return false;
    if (nbytes() == 0) return true;
    return std::memcmp(raw(), o.raw(), nbytes()) == 0;
}

}  // namespace octet::ir
