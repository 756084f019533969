// W^X for the generated code: a page that is writable and executable at once
// lets any memory-corruption bug in the host process become code execution.
// octet writes a kernel, then flips its pages to read+execute before the first
// call (jit/generator.cpp). This checks the whole process, not one kernel:
// after compiling and running models, no mapping in /proc/self/maps may carry
// both 'w' and 'x'.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "octet/octet.hpp"

namespace {

// Lines of /proc/self/maps whose permissions have both 'w' and 'x'.
std::vector<std::string> writable_executable_mappings() {
    std::ifstream maps("/proc/self/maps");
    REQUIRE(maps);
    std::vector<std::string> bad;
    std::string line;
    while (std::getline(maps, line)) {
        const std::string perms = line.substr(line.find(' ') + 1, 4);
        if (perms.find('w') != std::string::npos && perms.find('x') != std::string::npos) bad.push_back(line);
    }
    return bad;
}

size_t executable_mapping_count() {
    std::ifstream maps("/proc/self/maps");
    size_t n = 0;
    std::string line;
    while (std::getline(maps, line))
        if (line.substr(line.find(' ') + 1, 4).find('x') != std::string::npos) ++n;
    return n;
}

}  // namespace

TEST_CASE("no page is writable and executable after compiling and running models", "[reliability][wx]") {
    REQUIRE(writable_executable_mappings().empty());
    const size_t exec_before = executable_mapping_count();
    std::vector<octet::CompiledModel> keep;
    std::vector<octet::InferRequest> requests;
    for (const char* name : {"bert-layer-int8", "mobilenetv2-int8"}) {
        INFO(name);
        octet::CompileOptions options;
        options.threads = 2;
        keep.push_back(octet::compile(octet::Model::from_zoo(name), options));
        const std::vector<std::string> bad = writable_executable_mappings();
        for (const std::string& line : bad) INFO("W+X mapping: " << line);
        CHECK(bad.empty());
        requests.push_back(keep.back().create_request());
        for (size_t i = 0; i < keep.back().inputs().size(); ++i) {
            const octet::PortInfo& in = keep.back().inputs()[i];
            octet::ir::Tensor t(in.desc.type, in.desc.shape);  // zeros: the content does not matter here
            requests.back().set_input(i, t);
        }
        requests.back().infer();
        CHECK(writable_executable_mappings().empty());
    }
    // The int8 models did generate code: the check above looked at real kernels.
    CHECK(executable_mapping_count() > exec_before);
}
