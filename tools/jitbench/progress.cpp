#include "progress.hpp"

#include <algorithm>
#include <string>
#include <unistd.h>

namespace octet::tools {

namespace {
constexpr double kShowAfterSeconds = 3.0;
constexpr int kWidth = 50;
}  // namespace

ProgressBar::ProgressBar(double expected_s, std::FILE* out)
    : out_(out), enabled_(isatty(fileno(out)) != 0), expected_s_(expected_s), start_(clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(double fraction) {
    if (!enabled_) return;
    const auto now = clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (!drawn_ && expected_s_ <= kShowAfterSeconds && elapsed <= kShowAfterSeconds) return;
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && fraction < 1.0) return;
    last_draw_ = now;
    fraction = std::clamp(fraction, 0.0, 1.0);
    const int filled = int(fraction * kWidth);
    const std::string bar = std::string(size_t(filled), '#') + std::string(size_t(kWidth - filled), '.');
    std::fprintf(out_, "\r[%s] %3d%%", bar.c_str(), int(fraction * 100.0));
    std::fflush(out_);
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!drawn_) return;
    std::fputc('\n', out_);
    std::fflush(out_);
    drawn_ = false;
}

}  // namespace octet::tools
