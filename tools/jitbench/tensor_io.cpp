#include "tensor_io.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>

#include "args.hpp"
#include "ir/error.hpp"
#include "npy.hpp"

namespace octet::tools {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        const size_t end = s.find(sep, start);
        parts.push_back(s.substr(start, end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

std::string port_names(const std::vector<PortInfo>& ports) {
    std::string r;
    for (const PortInfo& p : ports) r += (r.empty() ? "" : ", ") + p.name;
    return r;
}

std::string describe(const PortInfo& p) {
    return "'" + p.name + "' (" + ir::to_string(p.desc.type) + " " + ir::to_string(p.desc.shape) + ")";
}

// How many tensors of the port's shape an .npy shape holds, or -1 if none fits.
int64_t npy_count(const ir::Shape& file, const ir::Shape& port) {
    if (file == port) return 1;
    if (file.size() == port.size() + 1 && std::equal(port.begin(), port.end(), file.begin() + 1)) return file[0];
    // [K, C, H, W] for a port [1, C, H, W]: K images stacked along the batch.
    if (!port.empty() && port[0] == 1 && file.size() == port.size() &&
        std::equal(port.begin() + 1, port.end(), file.begin() + 1))
        return file[0];
    return -1;
}

}  // namespace

std::vector<std::pair<size_t, std::string>> parse_io_spec(const std::string& spec, const std::vector<PortInfo>& ports,
                                                          const std::string& flag, bool require_all) {
    std::vector<std::pair<size_t, std::string>> r;
    std::vector<char> seen(ports.size(), 0);
    const std::vector<std::string> items = split(spec, ',');
    for (const std::string& item : items) {
        size_t port = ports.size();
        std::string path;
        // The first ':' whose prefix names a port splits name from path.
        for (size_t c = item.find(':'); c != std::string::npos && port == ports.size(); c = item.find(':', c + 1))
            for (size_t i = 0; i < ports.size(); ++i)
                if (item.compare(0, c, ports[i].name) == 0 && c == ports[i].name.size()) {
                    port = i;
                    path = item.substr(c + 1);
                }
        if (port == ports.size()) {
            if (ports.size() != 1 || items.size() != 1)
                throw UsageError(flag + " '" + item + "' does not start with a port name; the model's ports are: " +
                                 port_names(ports) + " (use name:file,...)");
            port = 0;
            path = item;
        }
        if (path.empty()) throw UsageError(flag + " '" + item + "' names no file");
        if (seen[port]) throw UsageError(flag + " names '" + ports[port].name + "' twice");
        seen[port] = 1;
        r.emplace_back(port, path);
    }
    if (require_all)
        for (size_t i = 0; i < ports.size(); ++i)
            if (!seen[i]) throw UsageError(flag + " gives no file for input '" + ports[i].name + "'");
    return r;
}

std::vector<ir::Tensor> read_tensor_file(const std::string& path, const PortInfo& port) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ArgumentError("cannot open input file '" + path + "'");
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    if (end < 0) throw ArgumentError("cannot read the size of '" + path + "'");
    in.seekg(0, std::ios::beg);
    const uint64_t file_size = uint64_t(end);
    const uint64_t one = uint64_t(ir::num_elements(port.desc.shape)) * ir::elem_size(port.desc.type);
    if (one == 0) throw ArgumentError("input " + describe(port) + " has no elements to read");

    int64_t count = 0;
    if (ends_with(path, ".npy")) {
        const NpyHeader h = read_npy_header(in, file_size, path);
        if (h.type != port.desc.type)
            throw ArgumentError(path + ": holds " + ir::to_string(h.type) + ", input " + describe(port) + " needs " +
                                ir::to_string(port.desc.type));
        count = npy_count(h.shape, port.desc.shape);
        if (count < 0)
            throw ArgumentError(path + ": shape " + ir::to_string(h.shape) + " does not fit input " + describe(port) +
                                " (expected [K," + ir::to_string(port.desc.shape).substr(1) + " or the input shape)");
        in.seekg(std::streamoff(h.data_offset), std::ios::beg);
    } else {
        if (file_size == 0 || file_size % one != 0)
            throw ArgumentError(path + ": " + std::to_string(file_size) + " bytes is not a whole number of " +
                                std::to_string(one) + "-byte tensors for input " + describe(port));
        count = int64_t(file_size / one);
    }
    if (count == 0) throw ArgumentError(path + ": holds no tensors for input " + describe(port));

    std::vector<ir::Tensor> tensors;
    tensors.reserve(size_t(count));
    for (int64_t k = 0; k < count; ++k) {
        ir::Tensor t(port.desc.type, port.desc.shape);
        if (!in.read(static_cast<char*>(t.raw()), std::streamsize(one)))
            throw ArgumentError(path + ": read failed at tensor " + std::to_string(k));
        tensors.push_back(std::move(t));
    }
    return tensors;
}

void write_tensor_file(const std::string& path, const std::vector<ir::Tensor>& tensors, const PortInfo& port) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw ArgumentError("cannot create output file '" + path + "'");
    if (ends_with(path, ".npy")) {
        ir::Shape shape = port.desc.shape;
        shape.insert(shape.begin(), int64_t(tensors.size()));
        out << make_npy_header(port.desc.type, shape);
    }
    for (const ir::Tensor& t : tensors) out.write(static_cast<const char*>(t.raw()), std::streamsize(t.nbytes()));
    if (!out.flush()) throw ArgumentError("writing '" + path + "' failed");
}

TensorSets read_inputs(const std::string& spec, const std::vector<PortInfo>& ports) {
    TensorSets sets;
    for (const auto& [port, path] : parse_io_spec(spec, ports, "-i", true)) {
        std::vector<ir::Tensor> tensors = read_tensor_file(path, ports[port]);
        if (sets.empty()) sets.resize(tensors.size(), std::vector<ir::Tensor>(ports.size()));
        if (tensors.size() != sets.size())
            throw ArgumentError("-i: '" + path + "' holds " + std::to_string(tensors.size()) +
                                " tensors, the other inputs " + std::to_string(sets.size()));
        for (size_t k = 0; k < tensors.size(); ++k) sets[k][port] = std::move(tensors[k]);
    }
    return sets;
}

TensorSets random_inputs(const std::vector<PortInfo>& ports, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<ir::Tensor> set;
    for (const PortInfo& p : ports) {
        ir::Tensor t(p.desc.type, p.desc.shape);
        const int64_t n = t.numel();
        switch (p.desc.type) {
        case ir::ElemType::f32: {
            std::normal_distribution<float> d(0.f, 1.f);
            for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = d(rng);
            break;
        }
        case ir::ElemType::s32: {
            std::uniform_int_distribution<int32_t> d(-1000, 1000);
            for (int64_t i = 0; i < n; ++i) t.data<int32_t>()[i] = d(rng);
            break;
        }
        case ir::ElemType::u8: {
            std::uniform_int_distribution<int> d(0, 255);
            for (int64_t i = 0; i < n; ++i) t.data<uint8_t>()[i] = uint8_t(d(rng));
            break;
        }
        case ir::ElemType::s8: {
            std::uniform_int_distribution<int> d(-128, 127);
            for (int64_t i = 0; i < n; ++i) t.data<int8_t>()[i] = int8_t(d(rng));
            break;
        }
        }
        set.push_back(std::move(t));
    }
    return {set};
}

void write_outputs(const std::string& spec, const std::vector<PortInfo>& ports, const TensorSets& sets) {
    for (const auto& [port, path] : parse_io_spec(spec, ports, "-o", false)) {
        std::vector<ir::Tensor> tensors;
        for (const auto& set : sets) tensors.push_back(set.at(port));
        write_tensor_file(path, tensors, ports[port]);
    }
}

}  // namespace octet::tools
