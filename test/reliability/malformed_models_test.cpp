// The malformed-model corpus (test/reliability/corpus/): hand-made broken model
// files that a server embedding octet could be handed. Each must be refused
// with the error class and message that corpus/manifest.json records for it:
// never a crash, a hang or a silently wrong model.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "ir/error.hpp"
#include "octet/octet.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(OCTET_SOURCE_DIR) / "test" / "reliability" / "corpus";

nlohmann::json read_manifest() {
    std::ifstream in(kCorpus / "manifest.json");
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

// The most derived octet error class, by name, as the manifest spells it.
std::string class_of(const octet::Error& e) {
    if (dynamic_cast<const octet::FormatError*>(&e)) return "FormatError";
    if (dynamic_cast<const octet::ValidationError*>(&e)) return "ValidationError";
    if (dynamic_cast<const octet::UnsupportedError*>(&e)) return "UnsupportedError";
    if (dynamic_cast<const octet::ArgumentError*>(&e)) return "ArgumentError";
    return "Error";
}

struct Outcome {
    bool refused = false;
    std::string error_class;
    std::string message;
};

Outcome try_load(const fs::path& path) {
    Outcome o;
    try {
        octet::Model::load(path.string());
    } catch (const octet::Error& e) {
        o.refused = true;
        o.error_class = class_of(e);
        o.message = e.what();
    }
    return o;
}

}  // namespace

TEST_CASE("every corpus model is listed in the manifest, and there are at least 50", "[reliability][corpus]") {
    const nlohmann::json manifest = read_manifest();
    std::set<std::string> listed;
    for (const auto& entry : manifest.at("models")) CHECK(listed.insert(entry.at("file").get<std::string>()).second);
    std::set<std::string> on_disk;
    for (const auto& f : fs::directory_iterator(kCorpus))
        if (f.path().extension() == ".json" && f.path().filename() != "manifest.json")
            on_disk.insert(f.path().filename().string());
    CHECK(listed == on_disk);
    CHECK(listed.size() >= 50);
}

TEST_CASE("each malformed model is refused with its exact error class and message", "[reliability][corpus]") {
    const nlohmann::json manifest = read_manifest();
    int checked = 0;
    for (const auto& entry : manifest.at("models")) {
        const std::string file = entry.at("file");
        const std::string want_class = entry.at("error");
        const std::string want_fragment = entry.at("message");
        const Outcome got = try_load(kCorpus / file);
        INFO(file << ": expected " << want_class << " containing '" << want_fragment << "'; got "
                  << (got.refused ? got.error_class + ": '" + got.message + "'" : std::string("a loaded model")));
        REQUIRE(got.refused);
        CHECK(got.error_class == want_class);
        CHECK(got.message.find(want_fragment) != std::string::npos);
        // A message a user can act on names the file it came from.
        CHECK(got.message.find(file.substr(0, file.size() - 5)) != std::string::npos);
        ++checked;
    }
    CHECK(checked >= 50);
}
