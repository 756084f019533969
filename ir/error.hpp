#pragma once
// The exception classes octet throws. Every message names what is wrong and,
// where there is one, the node: "node 'conv1' (Convolution): ...".
#include <stdexcept>
#include <string>

namespace octet {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// A model file that cannot be read: syntax, truncation, offsets, sizes, versions.
class FormatError : public Error { using Error::Error; };
// A graph that is read but wrong: dangling inputs, cycles, shape or type mismatches.
class ValidationError : public Error { using Error::Error; };
// Something valid that octet does not implement (an op, an attribute value, an ISA).
class UnsupportedError : public Error { using Error::Error; };
// Bad arguments to an API call or tool (tensor sizes, option values).
class ArgumentError : public Error { using Error::Error; };

}  // namespace octet
