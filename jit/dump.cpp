#include "jit/dump.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <spdlog/spdlog.h>

#include "ir/error.hpp"

extern char** environ;

namespace octet::jit {

namespace fs = std::filesystem;

namespace {

std::mutex g_mutex;
std::string g_dir;            // set_dump_dir(); empty: use the environment
bool g_with_listing = false;

// Kernel names are ours, but keep the file name safe whatever they hold.
std::string file_safe(const std::string& name) {
    std::string s = name.empty() ? "kernel" : name;
    for (char& c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
    return s;
}

}  // namespace

std::string dump_dir() {
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (!g_dir.empty()) return g_dir;
    }
    const char* env = std::getenv("OCTET_JIT_DUMP");
    return env ? std::string(env) : std::string();
}

void set_dump_dir(const std::string& dir, bool with_listing) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_dir = dir;
    g_with_listing = with_listing;
}

std::string dump_kernel(const std::string& name, const uint8_t* code, size_t size) {
    const std::string dir = dump_dir();
    if (dir.empty()) return {};
    bool listing;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        listing = g_with_listing && !g_dir.empty();
    }
    try {
        fs::create_directories(dir);
        const std::string path = (fs::path(dir) / (file_safe(name) + ".bin")).string();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(code), std::streamsize(size));
        out.close();
        if (!out) throw Error("cannot write " + path);
        if (listing) write_listing(path);
        return path;
    } catch (const std::exception& e) {
        spdlog::warn("octet jit: dump of {} failed: {}", name, e.what());
        return {};
    }
}

bool perf_map_enabled() {
    const char* env = std::getenv("OCTET_JIT_PROFILE");
    return env && std::string(env) == "1";
}

std::string perf_map_path() { return "/tmp/perf-" + std::to_string(getpid()) + ".map"; }

bool perf_map_register(const std::string& name, const uint8_t* code, size_t size) {
    if (!perf_map_enabled()) return false;
    // Opened per kernel (kernels are made once per model; profiling only): the
    // file can be removed between two kernels without losing the second.
    static std::mutex mutex;
    static bool warned = false;
    std::lock_guard<std::mutex> lock(mutex);
    const std::string path = perf_map_path();
    FILE* file = std::fopen(path.c_str(), "a");
    if (!file) {
        if (!warned) spdlog::warn("octet jit: OCTET_JIT_PROFILE=1 but {} cannot be opened", path);
        warned = true;
        return false;
    }
    // perf reads a name up to the line's end: file_safe keeps it to one word.
    const int n = std::fprintf(file, "%llx %zx octet_%s\n",
                               static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(code)), size,
                               file_safe(name).c_str());
    return std::fclose(file) == 0 && n > 0;
}

namespace {

// Runs argv with stdout to `out_path`; returns the exit status (-1: not started).
int run_to_file(const char* const argv[], const std::string& out_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

bool objdump_available() {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= p.size()) {
        size_t end = p.find(':', start);
        if (end == std::string::npos) end = p.size();
        const std::string dir = p.substr(start, end - start);
        if (!dir.empty() && access((dir + "/objdump").c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::string write_listing(const std::string& bin_path) {
    if (!objdump_available()) throw Error("cannot disassemble " + bin_path + ": objdump not found (install binutils)");
    fs::path listing(bin_path);
    listing.replace_extension(".s");
    const char* argv[] = {"objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel",
                          bin_path.c_str(), nullptr};
    const int rc = run_to_file(argv, listing.string());
    if (rc != 0) throw Error("objdump failed on " + bin_path + " (exit " + std::to_string(rc) + ")");
    return listing.string();
}

}  // namespace octet::jit
