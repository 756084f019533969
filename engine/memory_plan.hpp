#pragma once
// The activation memory plan: every activation a request computes lives in one
// arena, allocated once when the request is created. compile() gives each
// activation a byte offset so that two values alive at the same time never
// share bytes, and values whose lives do not overlap reuse the same bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace octet::engine {

struct Plan;

constexpr size_t kArenaAlignment = 64;  // every buffer starts on a cache line (and a zmm load)

// One activation buffer: live from the step that writes it to the last step
// that reads it (or a view of it), both inclusive.
struct Buffer {
    int slot = -1;
    size_t bytes = 0;
    int first_step = 0;
    int last_step = 0;
    size_t offset = 0;  // assigned by assign_offsets
};

// Greedy best-fit by size (TFLite's "greedy by size" scheme): the largest
// buffer first; each goes into the smallest gap between the already placed
// buffers whose lives overlap its own, or above them. Returns the arena size.
size_t assign_offsets(std::vector<Buffer>& buffers, size_t alignment = kArenaAlignment);

// True when no two buffers with overlapping lives share a byte.
bool offsets_disjoint(const std::vector<Buffer>& buffers);

struct MemoryPlan {
    std::vector<Buffer> buffers;
    std::vector<int64_t> slot_offset;  // per plan slot: arena offset, or -1 when not in the arena
    size_t arena_bytes = 0;            // the peak activation memory of one request
    size_t total_bytes = 0;            // all arena buffers side by side (no reuse)
    size_t largest_step_bytes = 0;     // the largest inputs+outputs of one step: the floor of any plan
};

// Plans the activations of `plan`: the outputs of executed steps, except
// graph outputs (handed to the caller fresh every run) and views (Reshape,
// Squeeze, Unsqueeze share their input's bytes, which then live as long as
// the view does). Inputs and constants are not activations.
MemoryPlan plan_memory(const Plan& plan);

// Whether a step's output 0 can be a view of its input 0 (same bytes, new shape).
bool is_view_op(const char* op);

}  // namespace octet::engine
