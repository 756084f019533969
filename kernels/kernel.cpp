#include "kernels/kernel.hpp"

#include "ir/error.hpp"

namespace octet::kernels {

void check_work_range(const std::string& name, int64_t begin, int64_t end, int64_t units) {
    if (begin < 0 || end > units || begin > end)
        throw ArgumentError(name + ": work range [" + std::to_string(begin) + ", " + std::to_string(end) +
                            ") outside [0, " + std::to_string(units) + ")");
}

}  // namespace octet::kernels
