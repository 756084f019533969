// Reading the octet model format (see model_format.hpp). Everything in the
// file is checked before it is used: JSON types, ranges, names, and every
// constant's shape and size against the real length of the .bin, so nothing
// is allocated on the word of a number in the file alone.
#include <cctype>
#include <climits>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "ir/error.hpp"
#include "ir/serialize/attr_json.hpp"
#include "ir/serialize/byte_source.hpp"
#include "ir/serialize/json_checks.hpp"
#include "ir/serialize/model_format.hpp"

namespace octet::ir {

using namespace format_detail;

namespace {

struct PendingInput {
    std::string producer;
    int port = 0;
};

bool all_digits(const std::string& s, size_t from) {
    if (from >= s.size()) return false;
    for (size_t i = from; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

PendingInput parse_input(const Json& j, size_t k, const std::string& where) {
    const std::string what = "input " + std::to_string(k);
    if (j.is_string()) {
        // "name:port", or "name" for port 0; names may contain ':' themselves.
        const std::string& s = j.get_ref<const std::string&>();
        size_t colon = s.rfind(':');
        if (colon == std::string::npos || !all_digits(s, colon + 1)) return {s, 0};
        std::string digits = s.substr(colon + 1);
        if (digits.size() > 10 || std::stoull(digits) > uint64_t(INT_MAX))
            throw FormatError(where + what + " '" + s + "' has a port number above " + std::to_string(INT_MAX));
        return {s.substr(0, colon), int(std::stoull(digits))};
    }
    if (j.is_object()) {
        const std::string inner = where + what + ": ";
        check_known_fields(j, {"node", "port"}, inner);
        PendingInput p;
        p.producer = expect_string(required_field(j, "node", inner), what + " 'node'", where);
        if (const Json* port = optional_field(j, "port"))
            p.port = int(expect_uint(*port, uint64_t(INT_MAX), what + " 'port'", where));
        return p;
    }
    throw FormatError(where + what + " must be an object {\"node\": name, \"port\": n} or a string \"name:port\", not " +
                      j.type_name());
}

Tensor read_constant(const Json& jn, ByteSource& bin, const std::string& where) {
    const std::string type_name = expect_string(required_field(jn, "element_type", where), "'element_type'", where);
    ElemType type;
    try {
        type = parse_elem_type(type_name);
    } catch (const FormatError& e) {
        throw FormatError(where + e.what());
    }
    const Json& jshape = expect_array(required_field(jn, "shape", where), "'shape'", where);
    Shape shape;
    shape.reserve(jshape.size());
    for (size_t d = 0; d < jshape.size(); ++d)
        shape.push_back(expect_int(jshape[d], "shape[" + std::to_string(d) + "]", where));
    int64_t numel;
    try {
        numel = num_elements(shape);  // refuses negative dims and counts above 2^40
    } catch (const Error& e) {
        throw ValidationError(where + e.what());
    }
    const uint64_t expected = uint64_t(numel) * elem_size(type);
    const uint64_t offset = expect_uint(required_field(jn, "offset", where), UINT64_MAX, "'offset'", where);
    const uint64_t size = expect_uint(required_field(jn, "size", where), UINT64_MAX, "'size'", where);
    if (size != expected)
        throw FormatError(where + "size " + std::to_string(size) + " does not match " + to_string(type) + " " +
                          to_string(shape) + ", which needs " + std::to_string(expected) + " bytes");
    const uint64_t available = bin.size();
    if (offset > available || size > available - offset)  // written so that offset + size cannot overflow
        throw FormatError(where + "data at offset " + std::to_string(offset) + " with size " + std::to_string(size) +
                          " lies past the end of the " + bin.describe() + " (" + std::to_string(available) +
                          " bytes)");
    Tensor value(type, std::move(shape));
    bin.read(offset, value.raw(), size_t(size));
    return value;
}

Graph read_model(const std::string& text, ByteSource& bin) {
    if (text.size() > kMaxModelJsonBytes)
        throw FormatError("model JSON is " + std::to_string(text.size()) + " bytes, above the limit of " +
                          std::to_string(kMaxModelJsonBytes));
    const Json root = parse_json_text(text, kMaxModelJsonDepth);
    const std::string top = "model: ";
    expect_object(root, "the top level", top);
    check_known_fields(root, {"format", "version", "nodes"}, top);
    const std::string format = expect_string(required_field(root, "format", top), "'format'", top);
    if (format != kModelFormatName)
        throw FormatError(top + "format is '" + format + "', expected '" + kModelFormatName + "'");
    const int64_t version = expect_int(required_field(root, "version", top), "'version'", top);
    if (version > kModelFormatVersion)
        throw FormatError(top + "format version " + std::to_string(version) + " is newer than this octet reads (" +
                          std::to_string(kModelFormatVersion) + "); update octet to load it");
    if (version < 1) throw FormatError(top + "format version " + std::to_string(version) + " is invalid");
    const Json& jnodes = expect_array(required_field(root, "nodes", top), "'nodes'", top);

    Graph g;
    std::unordered_map<std::string, int> index_of;
    std::vector<std::vector<PendingInput>> pending(jnodes.size());
    for (size_t i = 0; i < jnodes.size(); ++i) {
        const Json& jn = jnodes[i];
        std::string where = "node #" + std::to_string(i) + ": ";
        expect_object(jn, "the node", where);
        Node n;
        n.name = expect_string(required_field(jn, "name", where), "'name'", where);
        if (n.name.empty()) throw FormatError(where + "has an empty name");
        where = "node '" + n.name + "': ";
        n.op = expect_string(required_field(jn, "op", where), "'op'", where);
        where = node_prefix(n);

        const bool is_constant = n.op == "Constant";
        if (is_constant)
            check_known_fields(jn, {"name", "op", "inputs", "attrs", "element_type", "shape", "offset", "size"}, where);
        else
            check_known_fields(jn, {"name", "op", "inputs", "attrs"}, where);

        auto [it, inserted] = index_of.emplace(n.name, int(i));
        if (!inserted)
            throw ValidationError("node name '" + n.name + "' is used twice (nodes #" + std::to_string(it->second) +
                                  " and #" + std::to_string(i) + ")");

        if (const Json* jattrs = optional_field(jn, "attrs")) {
            expect_object(*jattrs, "'attrs'", where);
            for (auto a = jattrs->begin(); a != jattrs->end(); ++a)
                n.attrs.set(a.key(), attr_from_json(a.value(), a.key(), where));
        }
        if (const Json* jinputs = optional_field(jn, "inputs")) {
            expect_array(*jinputs, "'inputs'", where);
            for (size_t k = 0; k < jinputs->size(); ++k) pending[i].push_back(parse_input((*jinputs)[k], k, where));
        }
        if (is_constant) n.value = read_constant(jn, bin, where);
        g.add_node(std::move(n));
    }

    // Inputs may name later nodes (the file need not be in topological order),
    // so they are resolved once every name is known.
    for (size_t i = 0; i < pending.size(); ++i) {
        Node& n = g.node(int(i));
        for (size_t k = 0; k < pending[i].size(); ++k) {
            const PendingInput& p = pending[i][k];
            auto it = index_of.find(p.producer);
            if (it == index_of.end())
                throw ValidationError(node_prefix(n) + "input " + std::to_string(k) + " refers to node '" +
                                      p.producer + "', which does not exist");
            n.inputs.push_back({it->second, p.port});
        }
    }
    g.infer();
    return g;
}

std::string read_model_text(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw FormatError("cannot open model file '" + path + "': no such file");
    if (!fs::is_regular_file(path, ec)) throw FormatError("model file '" + path + "' is not a regular file");
    const uintmax_t size = fs::file_size(path, ec);
    if (ec) throw FormatError("cannot read the size of model file '" + path + "': " + ec.message());
    if (size > kMaxModelJsonBytes)
        throw FormatError("model file '" + path + "' is " + std::to_string(size) + " bytes, above the limit of " +
                          std::to_string(kMaxModelJsonBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError("cannot open model file '" + path + "'");
    std::string text(size_t(size), '\0');
    in.read(text.data(), std::streamsize(size));
    if (size_t(in.gcount()) != size) throw FormatError("cannot read model file '" + path + "'");
    return text;
}

}  // namespace

std::string default_bin_path(const std::string& json_path) {
    const std::string ext = ".json";
    if (json_path.size() >= ext.size() && json_path.compare(json_path.size() - ext.size(), ext.size(), ext) == 0)
        return json_path.substr(0, json_path.size() - ext.size()) + ".bin";
    return json_path + ".bin";
}

Graph parse_model(const std::string& json_text, const uint8_t* bin, size_t bin_size) {
    if (!bin && bin_size != 0) throw ArgumentError("parse_model: null weights buffer with size " + std::to_string(bin_size));
    MemorySource source(bin, bin_size);
    return read_model(json_text, source);
}

Graph load_model(const std::string& json_path, const std::string& bin_path) {
    const std::string text = read_model_text(json_path);
    FileSource bin(bin_path.empty() ? default_bin_path(json_path) : bin_path);
    // Errors keep their class and gain the file name in front.
    try {
        return read_model(text, bin);
    } catch (const FormatError& e) {
        throw FormatError(json_path + ": " + e.what());
    } catch (const ValidationError& e) {
        throw ValidationError(json_path + ": " + e.what());
    } catch (const UnsupportedError& e) {
        throw UnsupportedError(json_path + ": " + e.what());
    }
}

}  // namespace octet::ir
