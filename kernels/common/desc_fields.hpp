#pragma once
// Shared pieces of the benchdnn descriptor parsers (conv, pool, ip, short matmul form):
//   - splitting "g1mb2_ic64ih56oc64oh56kh3ph1n\"name*3\"" into <key><digits> fields
//     (underscores separate freely) and the trailing name with its "*N" repeat suffix;
//   - the spatial-axis rules benchdnn applies: missing output size or padding deduced,
//     end (right/bottom) padding deduced from the rest, w copied from h when only h is given;
//   - overflow-checked products for tensor sizes.
// A descriptor is untrusted text: every field is bounded (kMaxField) so that the
// arithmetic below cannot overflow, and every error is an ArgumentError naming the field.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace octet::kernels::detail {

// Largest value any numeric field may hold: with every field below 2^30, sums of a
// few products of two fields stay far inside int64.
constexpr int64_t kMaxField = int64_t(1) << 30;
// Largest "*N" repeat count of a name.
constexpr int64_t kMaxRepeat = int64_t(1) << 30;

struct DescFields {
    std::map<std::string, int64_t> values;  // each key at most once
    bool has_name = false;
    std::string name;                      // without the "*N" suffix
    int64_t repeat = 1;                    // N of a "*N" suffix, else 1

    bool has(const std::string& key) const { return values.count(key) != 0; }
    int64_t get(const std::string& key, int64_t def) const {
        auto it = values.find(key);
        return it == values.end() ? def : it->second;
    }
};

// Parses `text` as <key><digits> fields ended by an optional name field: n"name" or
// n<rest of text>. When "n" is itself a numeric key (the short matmul form), n
// followed by a digit is that key. `what` names the descriptor kind in messages.
DescFields split_fields(const std::string& text, const std::vector<std::string>& keys, const char* what);

// Splits a name's "*N" suffix (N digits, 1 <= N <= 2^30) off into `repeat`; a '*'
// followed by anything else stays in the name. `what` is used in messages.
void split_repeat(std::string& name, int64_t& repeat, const std::string& what);

// Formats the name field: n"name" or n"name*N"; empty when there is no name.
std::string name_field(const std::string& name, int64_t repeat);

// One spatial axis of a conv or pool window, after deduction.
struct Axis {
    int64_t in = 0, out = 0, kernel = 0, stride = 1, pad = 0, dilation = 0, pad_end = 0;
};

// True when the text gives anything about axis `a` ('h' or 'w'), by benchdnn's rule:
// a non-zero i/o/k/d, a stride other than 1, or a padding of 1 or more.
bool axis_given(const DescFields& f, char a);

// Reads axis `a` from the fields and applies benchdnn's deductions: missing output
// size = (in - ext_kernel + 2*pad) / stride + 1 with pad 0 when absent; missing pad
// = max(0, ((out-1)*stride - in + ext_kernel) / 2); end pad = (out-1)*stride - in +
// ext_kernel - pad (negative when trailing input is never read), where ext_kernel =
// (kernel-1)*(dilation+1)+1 (benchdnn's dilation: 0 is dense).
Axis deduce_axis(const DescFields& f, char a, const std::string& what);
// The axis of a 1D descriptor's missing h: one row, no padding.
Axis unit_axis();
// Fields of axis `from` renamed to axis `to` (for "missing w copied from h").
void copy_axis_fields(DescFields& f, char from, char to);

// a*b, or ArgumentError naming `what` when the product exceeds `limit`.
int64_t checked_mul(int64_t a, int64_t b, int64_t limit, const std::string& what);
// Product of `dims` with the same check.
int64_t checked_product(const std::vector<int64_t>& dims, int64_t limit, const std::string& what);

}  // namespace octet::kernels::detail
