#pragma once
// Reader of benchdnn batch files (tests/benchdnn/inputs/<driver>/<file> upstream,
// ../shared/data/benchdnn/<driver>_<file> here).
//
// A batch file is a stream of whitespace-separated words: options "--name=value"
// (or "--name"), descriptors (any other word), '#' comments to the end of the line
// (only at the start of a word, so a '#' inside a name stays), and lines ending in
// '\' joined to the next without the break. Options stay in force until changed or
// until --reset clears them all; "--batch=name" reads another file at that point with
// the options in force, and what it changes stays changed afterwards (benchdnn keeps
// one settings object across nested batches). A nested file is looked up beside the
// referencing file as "name", then as "<driver>_name" (the naming of the copies in
// shared/data, driver = the referencing file's name up to its first '_'); one that
// is not found is recorded in missing_batches, not an error.
//
// Descriptors are returned as written; parse them with parse_conv_desc,
// parse_matmul_desc, parse_ip_desc or parse_pool_desc.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace octet::kernels {

struct BatchEntry {
    std::string desc;                            // the descriptor word, e.g. ic3ih224oc64oh112kh7sh2ph3n"conv1"
    std::map<std::string, std::string> options;  // in force for it, name without "--": {"dt", "u8:s8:u8"}
    std::string file;                            // the file it was read from
    int line = 0;                                // 1-based line of the descriptor in that file

    // Value of option `name` ("mb", "dt", "attr-post-ops", ...) or `def` when not set.
    std::string option(const std::string& name, const std::string& def = "") const;
};

struct BatchFile {
    std::vector<BatchEntry> entries;
    std::vector<std::string> missing_batches;  // "<name> (referenced from <file>:<line>)"
};

// Reads a batch file and every nested batch it can find. ArgumentError when `path`
// cannot be read; FormatError for a file over 16 MiB, nesting deeper than 16 (a
// cycle) or an unterminated quote.
BatchFile read_benchdnn_batch(const std::string& path);

// The same over text already in memory; nested batches are looked up in `dir`, and
// `label` stands for the file name (its prefix is the driver).
BatchFile parse_benchdnn_batch(const std::string& text, const std::string& dir, const std::string& label);

}  // namespace octet::kernels
