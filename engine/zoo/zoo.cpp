#include "engine/zoo/zoo.hpp"

#include "engine/zoo/models.hpp"
#include "engine/zoo/quantize.hpp"
#include "ir/error.hpp"

namespace octet::zoo {

namespace {

struct ZooEntry {
    const char* name;
    BuiltModel (*build)();
    QuantizePolicy policy;
};

const std::vector<ZooEntry>& entries() {
    static const std::vector<ZooEntry> list = {
        {"resnet50", build_resnet50, QuantizePolicy{true}},
        {"mobilenetv2", build_mobilenetv2, QuantizePolicy{true}},
        {"bert-layer", build_bert_layer, QuantizePolicy{false}},
    };
    return list;
}

}  // namespace

std::vector<std::string> model_names() {
    std::vector<std::string> names;
    for (const ZooEntry& e : entries()) {
        names.push_back(e.name);
        names.push_back(std::string(e.name) + "-int8");
    }
    return names;
}

ir::Graph make_model(const std::string& requested) {
    const std::string prefix = "zoo:";
    std::string name = requested.compare(0, prefix.size(), prefix) == 0 ? requested.substr(prefix.size()) : requested;
    const std::string suffix = "-int8";
    const bool int8 = name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    const std::string base = int8 ? name.substr(0, name.size() - suffix.size()) : name;
    for (const ZooEntry& e : entries()) {
        if (base != e.name) continue;
        BuiltModel m = e.build();
        if (!int8) return std::move(m.graph);
        return insert_fake_quantize(m, e.policy);
    }
    std::string valid;
    for (const std::string& n : model_names()) valid += (valid.empty() ? "" : ", ") + n;
    throw ArgumentError("unknown zoo model '" + requested + "'; valid names: " + valid);
}

}  // namespace octet::zoo
