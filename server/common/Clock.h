#pragma once

#include <QString>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace pygmi::server {

// The server's notion of "now". Tests move it forward (--test-clock) to exercise expiry and
// retention without sleeping; everything that compares times must ask this clock.
class Clock
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    TimePoint now() const;
    std::int64_t nowMs() const;
    void advance(std::chrono::milliseconds by);

    // "2026-11-01T12:00:00Z": how the API writes instants.
    static QString toIso(std::int64_t epochMs);

private:
    std::atomic<std::int64_t> m_offsetMs { 0 };
};

} // namespace pygmi::server
