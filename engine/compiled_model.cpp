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

}  // namespace octet
