// CompiledModel: read-only accessors over the shared plan.
#include "engine/plan.hpp"
#include "octet/compiled_model.hpp"

namespace octet {

const std::vector<PortInfo>& CompiledModel::inputs() const { return plan_->inputs; }
const std::vector<PortInfo>& CompiledModel::outputs() const { return plan_->outputs; }
InferRequest CompiledModel::create_request() const { return InferRequest(plan_); }
const std::string& CompiledModel::isa() const { return plan_->isa; }
int CompiledModel::threads() const { return plan_->threads; }
int CompiledModel::streams() const { return plan_->streams; }
const ir::Graph& CompiledModel::graph() const { return plan_->graph; }
size_t CompiledModel::peak_activation_bytes() const { return plan_->memory.arena_bytes; }
size_t CompiledModel::largest_step_bytes() const { return plan_->memory.largest_step_bytes; }
size_t CompiledModel::total_activation_bytes() const { return plan_->memory.total_bytes; }

namespace engine {
const Plan& PlanAccess::of(const CompiledModel& m) { return *m.plan_; }
}  // namespace engine

}  // namespace octet
