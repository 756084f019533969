#pragma once
// Where constant bytes come from: a buffer in memory or model.bin on disk.
// The file is opened on first use, so a model without constants needs no .bin,
// and constants are read straight into their tensors (no second copy of the
// whole file). Internal to the model reader.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace octet::ir::format_detail {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() = 0;
    // Copies [offset, offset+n); the caller has checked the range against size().
    virtual void read(uint64_t offset, void* dst, size_t n) = 0;
    virtual std::string describe() const = 0;  // for messages: "weights file 'm.bin'"
};

class MemorySource : public ByteSource {
public:
    MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    uint64_t size() override { return size_; }
    void read(uint64_t offset, void* dst, size_t n) override;
    std::string describe() const override { return "weights buffer"; }

private:
    const uint8_t* data_;
    size_t size_;
};

class FileSource : public ByteSource {
public:
    explicit FileSource(std::string path) : path_(std::move(path)) {}
    uint64_t size() override;
    void read(uint64_t offset, void* dst, size_t n) override;
    std::string describe() const override { return "weights file '" + path_ + "'"; }

private:
    void open();
    std::string path_;
    std::ifstream in_;
    uint64_t size_ = 0;
    bool opened_ = false;
};

}  // namespace octet::ir::format_detail
