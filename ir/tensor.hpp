#pragma once
// A typed, shaped, 64-byte aligned buffer. Copies share the buffer (like
// ov::Tensor); clone() makes a deep copy.
#include <memory>
#include <string>

#include "ir/error.hpp"
#include "ir/types.hpp"

namespace octet::ir {

template <class T> struct ElemTypeOf;
template <> struct ElemTypeOf<float> { static constexpr ElemType value = ElemType::f32; };
template <> struct ElemTypeOf<int32_t> { static constexpr ElemType value = ElemType::s32; };
template <> struct ElemTypeOf<uint8_t> { static constexpr ElemType value = ElemType::u8; };
template <> struct ElemTypeOf<int8_t> { static constexpr ElemType value = ElemType::s8; };

class Tensor {
public:
    Tensor() = default;
    Tensor(ElemType type, Shape shape);  // zero-filled
    // A non-owning view of `data` (e.g. a slice of an activation arena); the
    // tensor keeps `keepalive` (the arena's owner) alive while it exists.
    static Tensor view(ElemType type, Shape shape, void* data, std::shared_ptr<void> keepalive) {
        Tensor t;
        t.type_ = type;
        t.shape_ = std::move(shape);
        t.numel_ = num_elements(t.shape_);
        t.buf_ = std::shared_ptr<uint8_t>(std::move(keepalive), static_cast<uint8_t*>(data));
        return t;
    }

    bool empty() const { return !buf_; }
    ElemType type() const { return type_; }
    const Shape& shape() const { return shape_; }
    int64_t numel() const { return numel_; }
    size_t nbytes() const { return size_t(numel_) * elem_size(type_); }

    void* raw() { return buf_.get(); }
    const void* raw() const { return buf_.get(); }
    template <class T> T* data() { check<T>(); return reinterpret_cast<T*>(buf_.get()); }
    template <class T> const T* data() const { check<T>(); return reinterpret_cast<const T*>(buf_.get()); }

    Tensor clone() const;
    // Same buffer, new shape with the same element count.
    Tensor reshaped(Shape shape) const;
    // True when type, shape and every byte are equal.
    bool equals(const Tensor& o) const;

private:
    template <class T> void check() const {
        if (ElemTypeOf<T>::value != type_)
            throw ArgumentError(std::string("tensor holds ") + to_string(type_) + ", accessed as " +
                                to_string(ElemTypeOf<T>::value));
    }
    ElemType type_ = ElemType::f32;
    Shape shape_;
    int64_t numel_ = 0;
    std::shared_ptr<uint8_t> buf_;
};

}  // namespace octet::ir
